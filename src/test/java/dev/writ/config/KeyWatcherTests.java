package dev.writ.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.KeyRing;
import dev.writ.keys.KeySchedule;
import dev.writ.keys.KeyState;
import dev.writ.keys.Passphrase;
import dev.writ.keys.SigningKeys;
import dev.writ.testing.MutableClock;
import dev.writ.testing.TestPem;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class KeyWatcherTests {

	static final KeySchedule SCHEDULE = new KeySchedule(Duration.ofHours(1), Duration.ofMinutes(61),
			Duration.ofDays(30));

	@TempDir
	Path dir;

	final MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	KeyDirectory directory;

	KeyRing ring;

	KeyWatcher watcher;

	void start() {
		this.directory = new KeyDirectory(this.dir, this.clock, SCHEDULE, Passphrase.NONE);
		this.ring = new KeyRing(this.directory.loadOrGenerate(KeyAlgorithm.ES256));
		this.watcher = new KeyWatcher(this.directory, KeyAlgorithm.ES256, this.ring, this.clock, this.meters,
				Duration.ZERO);
	}

	double reloads(String outcome) {
		return this.meters.get("writ.keys.reloads").tag("outcome", outcome).counter().count();
	}

	@Test
	void pollWhenRotationIsDueThenNextKeyPublishedThenSignsAfterPublishAhead(CapturedOutput output) {
		start();
		String first = this.ring.current().active().kid();
		this.clock.advance(Duration.ofDays(30));

		this.watcher.poll();

		SigningKeys during = this.ring.current();
		assertThat(during.active().kid()).isEqualTo(first);
		assertThat(during.published()).hasSize(2);
		String next = during.keys().get(1).kid();
		assertThat(output).contains("Rotation: added the signing key").contains("Signing key " + next);
		assertThat(this.meters.get("writ.keys").tag("state", "next").gauge().value()).isEqualTo(1);

		this.clock.advance(Duration.ofHours(1));
		this.watcher.poll();

		assertThat(this.ring.current().active().kid()).isEqualTo(next);
		assertThat(this.ring.current().key(first)).get().extracting((k) -> k.state()).isEqualTo(KeyState.RETIRED);
		assertThat(this.meters.get("writ.keys.active").gauge().getId().getTag("kid")).isEqualTo(next);
	}

	@Test
	void pollWhenAKeyFileGoesBadThenRefusedOnceLoggedAndTheLastGoodKeysKeepTheirSchedule(CapturedOutput output)
			throws Exception {
		start();
		String first = this.ring.current().active().kid();
		this.clock.advance(Duration.ofMinutes(5));
		Path next = this.directory.generate(KeyAlgorithm.ES256); // an admin's keys rotate
		this.watcher.poll();
		assertThat(this.ring.current().published()).hasSize(2);

		Path bad = Files.writeString(this.dir.resolve("broken.pem"), TestPem.begin("PRIVATE KEY") + "\nnot base64\n");
		Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
		this.watcher.poll();
		this.watcher.poll();

		assertThat(reloads("refused")).isEqualTo(2);
		assertThat(output.toString().split("Signing keys NOT reloaded", -1)).hasSize(2); // logged
																							// once,
																							// not
																							// per
																							// poll
		assertThat(output).contains("broken.pem");
		assertThat(this.ring.current().active().kid()).isEqualTo(first);

		// The last good keys still move through their schedule: the next key signs once
		// its time has come.
		this.clock.advance(Duration.ofHours(1));
		this.watcher.poll();
		assertThat(this.ring.current().active().source()).isEqualTo(next.getFileName().toString());
		assertThat(this.ring.current().published()).extracting((k) -> k.kid()).contains(first);

		Files.delete(bad);
		this.watcher.poll();
		assertThat(output).contains("is valid again");
		assertThat(reloads("applied")).isEqualTo(2);
	}

	@Test
	void pollWhenRotationIsOnThenExpiredKeyFilesAreDeleted() {
		start();
		Path firstFile = this.ring.current().keys().get(0).file();
		this.clock.advance(Duration.ofDays(30));
		this.watcher.poll(); // adds the next key
		this.clock.advance(Duration.ofHours(1).plus(SCHEDULE.retireAfter()));

		this.watcher.poll();

		assertThat(firstFile).doesNotExist();
		assertThat(this.ring.current().published()).hasSize(1);
		this.watcher.poll();
		assertThat(this.ring.current().keys()).hasSize(1);
	}

}
