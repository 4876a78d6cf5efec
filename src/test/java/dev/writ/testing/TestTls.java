package dev.writ.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A TLS server certificate for {@code localhost} and {@code 127.0.0.1}, self-signed, with
 * its key: what an operator's CA or cert-manager would hand Writ as {@code tls.crt} and
 * {@code tls.key}. Generated per run, never committed.
 */
public record TestTls(X509Certificate certificate, KeyPair keyPair) {

	private static long serial = System.nanoTime();

	/** A new certificate and key, valid for a day. */
	public static TestTls generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			KeyPair keyPair = generator.generateKeyPair();
			Instant now = Instant.now();
			X500Name name = new X500Name("CN=localhost");
			JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
					BigInteger.valueOf(nextSerial()), Date.from(now.minus(Duration.ofMinutes(5))),
					Date.from(now.plus(Duration.ofDays(1))), name, keyPair.getPublic());
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
							new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
					builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
			return new TestTls(certificate, keyPair);
		}
		catch (GeneralSecurityException | OperatorCreationException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** This certificate with another's private key: a botched renewal. */
	public TestTls withKeyOf(TestTls other) {
		return new TestTls(this.certificate, other.keyPair);
	}

	private static synchronized long nextSerial() {
		return ++serial;
	}

	/**
	 * Writes {@code tls.crt} and {@code tls.key} into {@code dir} the way a renewal does:
	 * each written aside, then moved into place.
	 */
	public void writeTo(Path dir) {
		try {
			Files.createDirectories(dir);
			replace(dir.resolve("tls.crt"), pem(this.certificate));
			replace(dir.resolve("tls.key"), pem(this.keyPair.getPrivate()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void replace(Path file, String content) throws IOException {
		Path aside = file.resolveSibling("." + file.getFileName() + ".new");
		Files.writeString(aside, content);
		Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static String pem(Object object) throws IOException {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject((object instanceof java.security.PrivateKey key)
					? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
		}
		return out.toString();
	}

}
