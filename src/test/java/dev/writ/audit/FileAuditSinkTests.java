package dev.writ.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

	static AuditEvent event(String outcome) {
		return AuditEvent.begin(Instant.parse("2026-11-22T10:00:00Z"))
			.with("outcome", outcome)
			.with("scopes", List.of("a", "b"))
			.with("replay", false)
			.with("latency_us", 42L)
			.build();
	}

	@Test
	void recordWhenEventsThenOneJsonLineEachInOrderAndFileIsNotWorldReadable() throws Exception {
		Path file = this.dir.resolve("audit.jsonl");
		try (FileAuditSink sink = new FileAuditSink(file)) {
			sink.record(event("granted"));
			sink.record(event("denied"));
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
			sink.record(event("granted"));
		}

		assertThat(Files.readAllLines(file)).hasSize(2).first().isEqualTo("{\"earlier\":true}");
	}

	@Test
	void recordWhenFileMovedAwayByLogRotationThenNextEventOpensANewFile() throws Exception {
		Path file = this.dir.resolve("audit.jsonl");
		Path rotated = this.dir.resolve("audit.jsonl.1");
		try (FileAuditSink sink = new FileAuditSink(file)) {
			sink.record(event("granted"));
			Files.move(file, rotated);
			sink.record(event("denied"));
		}

		assertThat(Files.readAllLines(rotated)).hasSize(1).first().asString().contains("\"granted\"");
		assertThat(Files.readAllLines(file)).hasSize(1).first().asString().contains("\"denied\"");
	}

	@Test
	void recordWhenPathIsASymlinkThenTheFileItNamesIsAppendedToThroughCopyTruncate() throws Exception {
		Path target = this.dir.resolve("audit-target.jsonl");
		Path link = Files.createSymbolicLink(this.dir.resolve("audit.jsonl"), target);
		try (FileAuditSink sink = new FileAuditSink(link)) {
			sink.record(event("granted"));
			Files.writeString(target, "", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING); // copytruncate
			sink.record(event("denied"));
			sink.record(event("denied"));
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

			sink.record(event("granted"));
			sink.record(event("granted"));
			assertThat(sink.failures()).isEqualTo(2);

			Files.delete(logs);
			Files.createDirectory(logs);
			sink.record(event("denied"));
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
