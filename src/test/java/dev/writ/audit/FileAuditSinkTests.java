package dev.writ.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FileAuditSinkTests {

	@TempDir
	Path dir;

	static AuditEvent event(Outcome outcome) {
		return TokenExchangeEvent.begin(Instant.parse("2026-11-22T10:00:00Z"))
			.outcome(outcome)
			.scopes(List.of("a", "b"))
			.replay(false)
			.latency(Duration.ofNanos(42_000))
			.build();
	}

	@Test
	void recordWhenEventsThenOneJsonLineEachInOrderAndFileIsNotWorldReadable() throws Exception {
		Path file = this.dir.resolve("audit.jsonl");
		try (FileAuditSink sink = new FileAuditSink(file)) {
			sink.record(event(Outcome.GRANTED));
			sink.record(event(Outcome.DENIED));
		}

		List<String> lines = Files.readAllLines(file);
		assertThat(lines).hasSize(2);
		Map<String, Object> first = JSONObjectUtils.parse(lines.get(0));
		assertThat(first).containsEntry("event", "token_exchange")
			.containsEntry("outcome", "granted")
			.containsEntry("scopes", List.of("a", "b"))
			.containsEntry("replay", false);
		assertThat(JSONObjectUtils.parse(lines.get(1))).containsEntry("outcome", "denied");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
	}

	@Test
	void recordWhenFileExistsThenAppended() throws Exception {
		Path file = this.dir.resolve("audit.jsonl");
		Files.writeString(file, "{\"earlier\":true}\n");
		try (FileAuditSink sink = new FileAuditSink(file)) {
			sink.record(event(Outcome.GRANTED));
		}

		assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("{\"earlier\":true}");
	}

	@Test
	void recordWhenFileMovedAwayByLogRotationThenNextEventOpensANewFile() throws Exception {
		Path file = this.dir.resolve("audit.jsonl");
		Path rotated = this.dir.resolve("audit.jsonl.1");
		try (FileAuditSink sink = new FileAuditSink(file)) {
			sink.record(event(Outcome.GRANTED));
			Files.move(file, rotated);
			sink.record(event(Outcome.DENIED));
		}

		assertThat(Files.readAllLines(rotated)).hasSize(1).first().asString().contains("\"granted\"");
		assertThat(Files.readAllLines(file)).hasSize(1).first().asString().contains("\"denied\"");
	}

	@Test
	void recordWhenPathIsASymlinkThenTheFileItNamesIsAppendedToThroughCopyTruncate() throws Exception {
		Path target = this.dir.resolve("audit-target.jsonl");
		Path link = Files.createSymbolicLink(this.dir.resolve("audit.jsonl"), target);
		try (FileAuditSink sink = new FileAuditSink(link)) {
			sink.record(event(Outcome.GRANTED));
			Files.writeString(target, "", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING); // copytruncate
			sink.record(event(Outcome.DENIED));
			sink.record(event(Outcome.DENIED));
		}

		assertThat(Files.readAllLines(target)).hasSize(2).allSatisfy((line) -> assertThat(line).contains("\"denied\""));
	}

	@Test
	void recordWhenFileCannotBeWrittenThenCountedAndLaterEventsWrittenOnceItCanAgain() throws Exception {
		Path logs = Files.createDirectory(this.dir.resolve("logs"));
		Path file = logs.resolve("audit.jsonl");
		try (FileAuditSink sink = new FileAuditSink(file)) {
			Files.delete(file);
			Files.delete(logs);
			Files.writeString(logs, "not a directory");

			sink.record(event(Outcome.GRANTED));
			sink.record(event(Outcome.GRANTED));
			assertThat(sink.failures()).isEqualTo(2);

			Files.delete(logs);
			Files.createDirectory(logs);
			sink.record(event(Outcome.DENIED));
			assertThat(sink.failures()).isEqualTo(2);
		}
		assertThat(Files.readAllLines(file)).hasSize(1).first().asString().contains("\"denied\"");
	}

	@Test
	void constructorWhenDirectoryMissingThenRefused() {
		assertThatExceptionOfType(java.io.IOException.class)
			.isThrownBy(() -> new FileAuditSink(this.dir.resolve("missing/audit.jsonl")));
	}

}
