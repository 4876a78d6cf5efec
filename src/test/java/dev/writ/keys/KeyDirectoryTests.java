package dev.writ.keys;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.writ.testing.TestPem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class KeyDirectoryTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

	@TempDir
	Path dir;

	@Test
	void loadOrGenerateWhenEmptyThenOneEs256KeyOwnerOnly() throws IOException {
		SigningKeys keys = new KeyDirectory(this.dir, CLOCK).loadOrGenerate(KeyAlgorithm.ES256);

		Path file = this.dir.resolve("signing-20261122T100000Z.pem");
		assertThat(file).exists();
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(Files.readString(file)).startsWith(TestPem.begin("PRIVATE KEY"));
		assertThat(keys.active().algorithm()).isEqualTo(JWSAlgorithm.ES256);
		assertThat(keys.active().kid()).isEqualTo(thumbprint(keys));
		assertThat(keys.publicJwkSet().toString(false)).doesNotContain("\"d\"");
		try (var leftovers = Files.list(this.dir)) {
			assertThat(leftovers).hasSize(1); // the atomic write leaves no temporary file
												// behind
		}
	}

	private static String thumbprint(SigningKeys keys) {
		try {
			return keys.active().publicJwk().computeThumbprint().toString();
		}
		catch (com.nimbusds.jose.JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void loadOrGenerateWhenKeysExistThenNoneGeneratedAndTheNewestWhoseTimeHasComeSigns() {
		new KeyDirectory(this.dir, CLOCK).generate(KeyAlgorithm.RS256);
		Path newer = new KeyDirectory(this.dir, Clock.offset(CLOCK, java.time.Duration.ofDays(1)))
			.generate(KeyAlgorithm.ES384);

		// A day and an hour later the newer key, published an hour ago, signs; the older
		// one stays published.
		SigningKeys keys = new KeyDirectory(this.dir, Clock.offset(CLOCK, java.time.Duration.ofHours(25)))
			.loadOrGenerate(KeyAlgorithm.ES256);

		assertThat(keys.published()).hasSize(2);
		assertThat(keys.active().source()).isEqualTo(newer.getFileName().toString());
		assertThat(keys.active().algorithm()).isEqualTo(JWSAlgorithm.ES384);
		assertThat(keys.publicKeys()).extracting((k) -> k.getAlgorithm().getName()).containsExactly("RS256", "ES384");
	}

	@Test
	void signThenVerifiesWithThePublishedKey() throws Exception {
		new KeyDirectory(this.dir, CLOCK).generate(KeyAlgorithm.RS256);
		SigningKeys keys = new KeyDirectory(this.dir, CLOCK).loadOrGenerate(KeyAlgorithm.ES256);

		String token = keys.active()
			.sign(new JOSEObjectType("at+jwt"), new JWTClaimsSet.Builder().subject("s").build());

		SignedJWT jwt = SignedJWT.parse(token);
		assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.active().kid());
		assertThat(jwt.verify(new RSASSAVerifier((RSAKey) keys.publicKeys().get(0)))).isTrue();
	}

	@Test
	void loadWhenTraditionalEcPemThenAccepted() throws Exception {
		KeyPair pair = KeyAlgorithm.ES256.generate();
		// The traditional EC key (RFC 5915) with curve and public key, as 'openssl
		// ecparam -genkey' writes it.
		java.security.interfaces.ECPrivateKey privateKey = (java.security.interfaces.ECPrivateKey) pair.getPrivate();
		org.bouncycastle.asn1.sec.ECPrivateKey structure = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
				privateKey.getS(),
				new org.bouncycastle.asn1.DERBitString(
						org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded())
							.getPublicKeyData()
							.getBytes()),
				new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1));
		StringWriter pem = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
			writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", structure.getEncoded()));
		}
		Path file = this.dir.resolve("mine.pem");
		Files.writeString(file, pem.toString());
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

		SigningKeys keys = new KeyDirectory(this.dir, CLOCK).loadOrGenerate(KeyAlgorithm.ES256);

		String token = keys.active().sign(JOSEObjectType.JWT, new JWTClaimsSet.Builder().subject("s").build());
		assertThat(SignedJWT.parse(token)
			.verify(new ECDSAVerifier((java.security.interfaces.ECPublicKey) pair.getPublic()))).isTrue();
		assertThat(((ECKey) keys.publicKeys().get(0)).toECPublicKey()).isEqualTo(pair.getPublic());
	}

	@Test
	void loadWhenP384KeyThenItsPublicKeyDerivedFromThePrivateOne() throws Exception {
		KeyPair pair = KeyAlgorithm.ES384.generate();
		writeOwnerOnly(this.dir.resolve("k.pem"), KeyFiles.pem(pair.getPrivate()));

		SigningKeys keys = new KeyDirectory(this.dir, CLOCK).loadOrGenerate(KeyAlgorithm.ES384);

		assertThat(((ECKey) keys.publicKeys().get(0)).toECPublicKey()).isEqualTo(pair.getPublic());
		assertThat(keys.active().algorithm()).isEqualTo(JWSAlgorithm.ES384);
	}

	@Test
	void loadWhenTraditionalPemCarriesAnotherPublicKeyThenTheDerivedOneIsUsed() throws Exception {
		// The public key inside an RFC 5915 file is never trusted: the published key is
		// always d·G.
		KeyPair pair = KeyAlgorithm.ES256.generate();
		KeyPair other = KeyAlgorithm.ES256.generate();
		writeOwnerOnly(this.dir.resolve("mine.pem"), traditionalEcPem(
				((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(), other,
				new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1)));

		SigningKeys keys = new KeyDirectory(this.dir, CLOCK).loadOrGenerate(KeyAlgorithm.ES256);

		assertThat(((ECKey) keys.publicKeys().get(0)).toECPublicKey()).isEqualTo(pair.getPublic());
	}

	@Test
	void loadWhenEcKeySpellsOutItsCurveOrIsOutOfRangeThenRefused() throws Exception {
		KeyPair pair = KeyAlgorithm.ES256.generate();
		org.bouncycastle.asn1.x9.X9ECParameters p256 = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("P-256");
		writeOwnerOnly(this.dir.resolve("explicit.pem"),
				traditionalEcPem(((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(), pair,
						new org.bouncycastle.asn1.x9.X962Parameters(p256)));
		writeOwnerOnly(this.dir.resolve("order.pem"), traditionalEcPem(p256.getN(), pair,
				new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1)));

		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> new KeyDirectory(this.dir, CLOCK).loadOrGenerate(KeyAlgorithm.ES256))
			.satisfies((ex) -> assertThat(ex.problems()).hasSize(2)
				.anySatisfy((p) -> assertThat(p).contains("explicit.pem").contains("must name its curve"))
				.anySatisfy((p) -> assertThat(p).contains("order.pem").contains("out of range")));
	}

	private static String traditionalEcPem(java.math.BigInteger d, KeyPair publicKeySource,
			org.bouncycastle.asn1.x9.X962Parameters parameters) throws IOException {
		org.bouncycastle.asn1.sec.ECPrivateKey structure = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d,
				new org.bouncycastle.asn1.DERBitString(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo
					.getInstance(publicKeySource.getPublic().getEncoded())
					.getPublicKeyData()
					.getBytes()),
				parameters);
		StringWriter pem = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
			writer.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", structure.getEncoded()));
		}
		return pem.toString();
	}

	private static void writeOwnerOnly(Path file, String content) throws IOException {
		Files.writeString(file, content);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
	}

	@Test
	void loadWhenBadFilesThenRefusedWholeWithEveryFileNamed() throws IOException {
		Path good = new KeyDirectory(this.dir, CLOCK).generate(KeyAlgorithm.ES256);
		Path garbage = Files.writeString(this.dir.resolve("garbage.pem"), "not a key");
		Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rw-------"));
		Path open = new KeyDirectory(this.dir, Clock.offset(CLOCK, java.time.Duration.ofDays(1)))
			.generate(KeyAlgorithm.ES256);
		Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
		Path copy = Files.copy(good, this.dir.resolve("signing-copy.pem"));
		Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));

		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> new KeyDirectory(this.dir, CLOCK).loadOrGenerate(KeyAlgorithm.ES256))
			.satisfies((ex) -> assertThat(ex.problems()).hasSize(3)
				.anySatisfy((p) -> assertThat(p).contains("garbage.pem"))
				.anySatisfy((p) -> assertThat(p).contains(open.getFileName().toString()).contains("chmod 600"))
				.anySatisfy((p) -> assertThat(p).contains("signing-copy.pem").contains("same key")))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("PRIVATE KEY"));
	}

	@Test
	void loadWhenEncryptedPemThenRefusedClearly() throws Exception {
		Path file = Files.writeString(this.dir.resolve("enc.pem"),
				KeyFiles.pem(KeyAlgorithm.ES256.generate().getPrivate(), Passphrase.of("generated-for-this-test")));
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> new KeyDirectory(this.dir, CLOCK).loadOrGenerate(KeyAlgorithm.ES256))
			.satisfies((ex) -> assertThat(ex.problems()).singleElement().asString().contains("enc.pem"));
	}

	@Test
	void generateWhenFileExistsThenNeverOverwritten() throws IOException {
		KeyDirectory directory = new KeyDirectory(this.dir, CLOCK);
		Path first = directory.generate(KeyAlgorithm.ES256);
		String before = Files.readString(first);

		assertThatExceptionOfType(KeyConfigurationException.class)
			.isThrownBy(() -> directory.generate(KeyAlgorithm.ES256));
		assertThat(Files.readString(first)).isEqualTo(before);
	}

}
