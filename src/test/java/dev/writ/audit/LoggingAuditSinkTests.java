package dev.writ.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import static org.assertj.core.api.Assertions.assertThat;

class LoggingAuditSinkTests {

	final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	final Logger logger = (Logger) LoggerFactory.getLogger(LoggingAuditSink.LOGGER);

	final AuditEvent event = TokenExchangeEvent.begin(Instant.parse("2026-11-22T10:00:00Z"))
		.outcome(Outcome.GRANTED)
		.grant("checkout-pays")
		.scopes(List.of("payments:charge"))
		.build();

	@BeforeEach
	void attach() {
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void detach() {
		this.logger.detachAppender(this.appender);
	}

	@Test
	void recordWhenPlainLogsThenMessageIsTheEventAsJson() throws Exception {
		new LoggingAuditSink(false).record(this.event);

		assertThat(this.appender.list).hasSize(1);
		ILoggingEvent logged = this.appender.list.get(0);
		assertThat(JSONObjectUtils.parse(logged.getFormattedMessage())).isEqualTo(this.event.fields());
		assertThat(logged.getKeyValuePairs()).isNullOrEmpty();
	}

	@Test
	void recordWhenStructuredLogsThenFieldsAreKeyValuePairsOfTheLogEvent() {
		new LoggingAuditSink(true).record(this.event);

		assertThat(this.appender.list).hasSize(1);
		ILoggingEvent logged = this.appender.list.get(0);
		assertThat(logged.getFormattedMessage()).isEqualTo("token_exchange");
		Map<String, Object> pairs = new LinkedHashMap<>();
		for (KeyValuePair pair : logged.getKeyValuePairs()) {
			pairs.put(pair.key, pair.value);
		}
		Map<String, Object> expected = new LinkedHashMap<>(this.event.fields());
		expected.remove("event");
		assertThat(pairs).containsExactlyEntriesOf(expected);
	}

}
