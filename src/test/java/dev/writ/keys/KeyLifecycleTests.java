package dev.writ.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.testing.MutableClock;
import dev.writ.testing.TestPem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class KeyLifecycleTests {

	static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

	static final Duration AHEAD = Duration.ofHours(1);

	static final Duration MAX_TTL = Duration.ofHours(1);

	static final Duration RETIRE = MAX_TTL.plusMinutes(1);

	static final KeySchedule MONTHLY = new KeySchedule(AHEAD, RETIRE, Duration.ofDays(30));

	@TempDir
	Path dir;

	final MutableClock clock = new MutableClock(START);

	KeyDirectory directory(KeySchedule schedule) {
		return new KeyDirectory(this.dir, this.clock, schedule, Passphrase.NONE);
	}

	@Test
	void firstKeyThenActiveAtOnce() {
		SigningKeys keys = directory(MONTHLY).loadOrGenerate(KeyAlgorithm.ES256);

		assertThat(keys.keys()).singleElement().satisfies((k) -> {
			assertThat(k.state()).isEqualTo(KeyState.ACTIVE);
			assertThat(k.activeFrom()).isEqualTo(START);
		});
	}

	@Test
	void rotationThenNextThenActiveThenRetiredThenExpiredAndPruned() {
		KeyDirectory directory = directory(MONTHLY);
		SigningKeys first = directory.loadOrGenerate(KeyAlgorithm.ES256);
		String a = first.active().kid();

		this.clock.advance(Duration.ofDays(10));
		Path added = directory.generate(KeyAlgorithm.ES256); // keys rotate
		SigningKeys during = directory.load();
		String b = during.keys().get(1).kid();
		assertThat(during.active().kid()).isEqualTo(a);
		assertThat(during.key(b)).get().extracting(ManagedKey::state).isEqualTo(KeyState.NEXT);
		assertThat(during.published()).extracting(SigningKey::kid).containsExactly(a, b); // b
																							// is
																							// known
																							// before
																							// it
																							// signs

		this.clock.advance(AHEAD);
		SigningKeys after = directory.load();
		assertThat(after.active().kid()).isEqualTo(b);
		assertThat(after.key(a)).get().satisfies((k) -> {
			assertThat(k.state()).isEqualTo(KeyState.RETIRED);
			assertThat(k.publishedUntil()).isEqualTo(this.clock.instant().plus(RETIRE));
		});
		assertThat(after.published()).extracting(SigningKey::kid).containsExactly(a, b);

		this.clock.advance(RETIRE);
		SigningKeys later = directory.load();
		assertThat(later.key(a)).get().extracting(ManagedKey::state).isEqualTo(KeyState.EXPIRED);
		assertThat(later.published()).extracting(SigningKey::kid).containsExactly(b);
		assertThat(later.publicJwkSet().getKeyByKeyId(a)).isNull();

		List<Path> deleted = directory.prune(later);
		assertThat(deleted).singleElement().isNotEqualTo(added);
		assertThat(directory.load().keys()).extracting(ManagedKey::kid).containsExactly(b);
	}

	@Test
	void automaticRotationOverAYearThenEveryTokenEverSignedVerifiesUntilItExpiresAndNoKidIsUnknown() throws Exception {
		// A resource server that refreshes its JWKS at most every publish-ahead period
		// must always know the key of
		// every unexpired token: simulate a year in 30-minute steps, signing a token at
		// each step.
		KeyDirectory directory = directory(MONTHLY);
		directory.loadOrGenerate(KeyAlgorithm.ES256);
		record Issued(String kid, Instant expires) {
		}
		List<Issued> issued = new ArrayList<>();
		List<String> rotations = new ArrayList<>();
		Instant end = START.plus(Duration.ofDays(365));
		while (this.clock.instant().isBefore(end)) {
			directory.rotateIfDue(KeyAlgorithm.ES256).ifPresent((p) -> rotations.add(p.getFileName().toString()));
			SigningKeys keys = directory.load();
			directory.prune(keys);
			Instant now = this.clock.instant();
			String token = keys.active()
				.sign(new JOSEObjectType("at+jwt"), new JWTClaimsSet.Builder().subject("s").build());
			String kid = SignedJWT.parse(token).getHeader().getKeyID();
			// The signing key was published at least publish-ahead ago (or is the very
			// first key).
			ManagedKey signer = keys.key(kid).orElseThrow();
			assertThat(signer.activeFrom()).isBeforeOrEqualTo(now);
			assertThat(signer.activeFrom().equals(START) || !signer.created().plus(AHEAD).isAfter(now)).isTrue();
			issued.add(new Issued(kid, now.plus(MAX_TTL)));
			for (Issued earlier : issued) {
				if (earlier.expires().isAfter(now)) {
					assertThat(keys.publicJwkSet().getKeyByKeyId(earlier.kid())).as("kid of a live token at " + now)
						.isNotNull();
				}
			}
			issued.removeIf((i) -> !i.expires().isAfter(now));
			assertThat(keys.published()).hasSizeLessThanOrEqualTo(3);
			this.clock.advance(Duration.ofMinutes(30));
		}
		assertThat(rotations).hasSize(12); // every 30 days for a year
		try (var files = Files.list(this.dir)) {
			assertThat(files.filter((p) -> p.toString().endsWith(".pem"))).hasSizeLessThanOrEqualTo(3); // old
																										// keys
																										// pruned
		}
	}

	@Test
	void rotateIfDueWhenNotDueOrNotRotatingThenNothing() {
		KeyDirectory directory = directory(MONTHLY);
		directory.loadOrGenerate(KeyAlgorithm.ES256);
		this.clock.advance(Duration.ofDays(29));

		assertThat(directory.rotateIfDue(KeyAlgorithm.ES256)).isEmpty();
		this.clock.advance(Duration.ofDays(1));
		assertThat(directory.rotateIfDue(KeyAlgorithm.ES256)).isPresent();
		assertThat(directory(KeySchedule.DEFAULT).rotateIfDue(KeyAlgorithm.ES256)).isEmpty();
	}

	@Test
	void rotateWhenTheRotationLockIsHeldThenItWaitsForItAndNeverAddsBeside() throws Exception {
		directory(MONTHLY).loadOrGenerate(KeyAlgorithm.ES256);
		this.clock.advance(Duration.ofMinutes(1));

		// A node's rotation in progress, in this process: the operator's rotation must
		// not add a key beside it.
		try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(
				this.dir.resolve(".rotation.lock"), java.nio.file.StandardOpenOption.CREATE,
				java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock held = channel.lock()) {
			assertThatExceptionOfType(KeyConfigurationException.class)
				.isThrownBy(() -> directory(MONTHLY).rotate(KeyAlgorithm.ES256))
				.satisfies((ex) -> assertThat(ex.problems()).singleElement().asString().contains("under way"));
		}
		assertThat(directory(MONTHLY).load().keys()).hasSize(1);

		assertThat(directory(MONTHLY).rotate(KeyAlgorithm.ES256)).exists();
		assertThat(directory(MONTHLY).load().keys()).hasSize(2);
	}

	@Test
	void rotateIfDueWhenTwoNodesShareTheDirectoryThenOneKeyIsAdded() {
		directory(MONTHLY).loadOrGenerate(KeyAlgorithm.ES256);
		this.clock.advance(Duration.ofDays(31));

		Optional<Path> first = directory(MONTHLY).rotateIfDue(KeyAlgorithm.ES256);
		Optional<Path> second = directory(MONTHLY).rotateIfDue(KeyAlgorithm.ES256);

		assertThat(first).isPresent();
		assertThat(second).isEmpty();
		assertThat(directory(MONTHLY).load().keys()).hasSize(2);
	}

	@Test
	void rescheduleThenTheLastGoodKeysKeepMovingThroughTheirSchedule() {
		KeyDirectory directory = directory(MONTHLY);
		directory.loadOrGenerate(KeyAlgorithm.ES256);
		this.clock.advance(Duration.ofDays(30));
		directory.generate(KeyAlgorithm.ES256);
		SigningKeys lastGood = directory.load();

		SigningKeys later = lastGood.reschedule(this.clock.instant().plus(AHEAD), MONTHLY);

		assertThat(later.active().kid()).isEqualTo(lastGood.keys().get(1).kid());
		assertThat(later.keys().get(0).state()).isEqualTo(KeyState.RETIRED);
	}

	@Test
	void importedKeyWithoutATimeInItsNameThenItsFileTimeCounts() throws Exception {
		KeyDirectory directory = directory(MONTHLY);
		directory.loadOrGenerate(KeyAlgorithm.ES256);
		this.clock.advance(Duration.ofDays(3));
		Path imported = this.dir.resolve("from-hsm-export.pem");
		Files.writeString(imported, KeyFiles.pem(KeyAlgorithm.ES256.generate().getPrivate()));
		Files.setPosixFilePermissions(imported, PosixFilePermissions.fromString("rw-------"));
		Files.setLastModifiedTime(imported, java.nio.file.attribute.FileTime.from(this.clock.instant()));

		SigningKeys keys = directory.load();

		assertThat(keys.keys()).extracting((k) -> k.file().getFileName().toString(), ManagedKey::state)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("signing-20261101T000000Z.pem", KeyState.ACTIVE),
					org.assertj.core.groups.Tuple.tuple("from-hsm-export.pem", KeyState.NEXT));
	}

	@Test
	void encryptedKeysThenReadWithThePassphraseOnly() throws Exception {
		Passphrase passphrase = Passphrase.of("correct horse battery staple");
		KeyDirectory encrypted = new KeyDirectory(this.dir, this.clock, MONTHLY, passphrase);
		SigningKeys keys = encrypted.loadOrGenerate(KeyAlgorithm.ES256);
		Path file = keys.keys().get(0).file();
		assertThat(Files.readString(file)).startsWith(TestPem.begin("ENCRYPTED PRIVATE KEY"));

		assertThat(new KeyDirectory(this.dir, this.clock, MONTHLY, passphrase).load().active().kid())
			.isEqualTo(keys.active().kid());
		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> new KeyDirectory(this.dir, this.clock, MONTHLY, Passphrase.NONE).load())
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.asString()
				.contains(file.getFileName().toString())
				.contains("no passphrase is configured"));
		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> new KeyDirectory(this.dir, this.clock, MONTHLY, Passphrase.of("wrong")).load())
			.satisfies((ex) -> assertThat(ex.problems()).singleElement()
				.asString()
				.contains("cannot decrypt it with the configured passphrase")
				.doesNotContain("wrong"));
	}

	@Test
	void legacyOpenSslEncryptionThenRefusedWithTheCommandThatConvertsIt() throws Exception {
		java.io.StringWriter pem = new java.io.StringWriter();
		try (var writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(pem)) {
			writer.writeObject(KeyAlgorithm.ES256.generate().getPrivate(),
					new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-256-CBC")
						.setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
						.build("pw".toCharArray()));
		}
		Path file = this.dir.resolve("legacy.pem");
		Files.writeString(file, pem.toString());
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> new KeyDirectory(this.dir, this.clock, MONTHLY, Passphrase.of("pw")).load())
			.satisfies((ex) -> assertThat(ex.problems()).singleElement().asString().contains("openssl pkcs8 -topk8"));
	}

	@Test
	void passphraseFromFileOrEnvironmentAndNeverPrinted() throws Exception {
		Path secret = Files.writeString(this.dir.resolve("passphrase"), "s3cret-phrase\n");

		Passphrase fromFile = Passphrase.resolve(secret, "ignored-when-a-file-is-set");
		assertThat(new String(fromFile.chars())).isEqualTo("s3cret-phrase");
		assertThat(fromFile.toString()).doesNotContain("s3cret");
		assertThat(new String(Passphrase.resolve(null, "from-env").chars())).isEqualTo("from-env");
		assertThat(Passphrase.resolve(null, null).isPresent()).isFalse();
		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> Passphrase.resolve(Files.writeString(this.dir.resolve("empty"), "\n"), null));
	}

}
