package dev.writ.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

import com.nimbusds.jose.util.JSONObjectUtils;

import dev.writ.policy.UsageLedger;

/**
 * Who federates, from an audit file ({@code writ.audit.file}: one JSON event a line) or
 * Writ's log (plain, an event after a prefix, or structured JSON with the event's
 * fields): the granted exchanges' subjects and audiences, and each grant's last use. Read
 * line by line, whatever the file's size; a line that is not an event Writ writes is
 * skipped and counted. Bounded as the server's summary is (a {@link UsageLedger}).
 */
final class AuditEvidence {

	private static final int MAX_LINE = 64 * 1024;

	private final UsageLedger usage;

	private long granted;

	private long skipped;

	private AuditEvidence(BiPredicate<String, String> wanted, Set<String> grantIds) {
		this.usage = new UsageLedger(wanted, grantIds::contains);
	}

	/**
	 * The evidence of an audit file or log.
	 * @param wanted whether the register asks about a subject and audience: only those
	 * pairs are kept
	 * @param grantIds the policies' grants: only theirs are kept
	 */
	static AuditEvidence read(Path file, BiPredicate<String, String> wanted, Set<String> grantIds) throws IOException {
		AuditEvidence evidence = new AuditEvidence(wanted, grantIds);
		// Bytes that are not UTF-8 are replaced, not fatal; a line is read up to
		// MAX_LINE,
		// the rest of it skipped, so one huge line costs nothing.
		try (Reader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
				StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPLACE)
					.onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
			StringBuilder line = new StringBuilder();
			boolean tooLong = false;
			int c;
			while ((c = in.read()) != -1) {
				if (c == '\n') {
					evidence.line(line.toString(), tooLong);
					line.setLength(0);
					tooLong = false;
				}
				else if (line.length() < MAX_LINE) {
					line.append((char) c);
				}
				else {
					tooLong = true;
				}
			}
			evidence.line(line.toString(), tooLong);
		}
		return evidence;
	}

	private void line(String line, boolean tooLong) {
		if (tooLong) {
			this.skipped++;
			return;
		}
		if (line.isBlank()) {
			return;
		}
		Map<String, Object> event;
		try {
			// A log line may carry the event after a prefix: the JSON object is from the
			// first brace.
			int start = line.indexOf('{');
			event = JSONObjectUtils.parse((start > 0) ? line.substring(start) : line);
		}
		catch (ParseException ex) {
			this.skipped++;
			return;
		}
		// A plain-text log's line is the event itself; a structured log's (logstash, ECS)
		// has the
		// event's fields beside "message": "token_exchange" (LoggingAuditSink).
		boolean exchange = "token_exchange".equals(event.get("event")) || "token_exchange".equals(event.get("message"));
		if (!exchange || !"granted".equals(event.get("outcome"))) {
			return;
		}
		if (!(event.get("subject") instanceof String subject) || !(event.get("audience") instanceof String audience)
				|| !(event.get("grant") instanceof String grant) || !(event.get("time") instanceof String time)) {
			this.skipped++;
			return;
		}
		Instant at;
		try {
			at = Instant.parse(time);
		}
		catch (DateTimeParseException ex) {
			this.skipped++;
			return;
		}
		this.granted++;
		this.usage.granted(subject, audience, grant, at);
	}

	/** The granted exchanges read. */
	UsageLedger usage() {
		return this.usage;
	}

	long granted() {
		return this.granted;
	}

	long skipped() {
		return this.skipped;
	}

}
