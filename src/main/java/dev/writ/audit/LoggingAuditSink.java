package dev.writ.audit;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes each audit event to the {@code writ.audit} logger, which may be routed on its
 * own. With plain-text logs the message is the event as one line of JSON; with structured
 * logs (Spring Boot's {@code ecs}, {@code logstash}, {@code gelf}) the message is
 * {@code token_exchange} and the event's fields are the log event's key-value pairs, so
 * they land as fields of the JSON log line rather than as a JSON string inside it. The
 * {@code event} field is the message there and is not repeated: in ECS {@code event} is
 * an object, and a string of that name would clash.
 */
public final class LoggingAuditSink implements AuditSink {

	static final String LOGGER = "writ.audit";

	private static final Logger audit = LoggerFactory.getLogger(LOGGER);

	private final boolean structured;

	/**
	 * @param structured whether logs are structured, so that the fields go as key-value
	 * pairs
	 */
	public LoggingAuditSink(boolean structured) {
		this.structured = structured;
	}

	@Override
	public void record(AuditEvent event) {
		try {
			if (!audit.isInfoEnabled()) {
				return;
			}
			if (!this.structured) {
				audit.info(event.toJson());
				return;
			}
			Map<String, Object> fields = event.fields();
			LoggingEventBuilder builder = audit.atInfo().setMessage(String.valueOf(fields.get(AuditFields.EVENT)));
			for (Map.Entry<String, Object> field : fields.entrySet()) {
				if (AuditFields.EVENT.equals(field.getKey())) {
					continue;
				}
				builder = builder.addKeyValue(field.getKey(), field.getValue());
			}
			builder.log();
		}
		catch (RuntimeException ex) {
			// The event is not logged with the failure: it is what could not be written.
			LoggerFactory.getLogger(LoggingAuditSink.class)
				.error("An audit event could not be written: {}", ex.getClass().getName());
		}
	}

}
