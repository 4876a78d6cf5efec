package dev.writ.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;

/**
 * A self-signed certificate and its EC key, made when asked by the JDK's own
 * {@code keytool} into a PKCS#12 file with a random password: a TLS server's, or a
 * client's for mutual TLS (RFC 8705 §2.2). Never a committed one.
 */
public final class TestCertificate {

	private final Path file;

	private final char[] password;

	private final KeyStore keyStore;

	private final X509Certificate certificate;

	private TestCertificate(Path file, char[] password, KeyStore keyStore, X509Certificate certificate) {
		this.file = file;
		this.password = password;
		this.keyStore = keyStore;
		this.certificate = certificate;
	}

	/**
	 * A new certificate for {@code CN=<name>}, valid for two days, in {@code dir}.
	 * @param subjectAlternativeNames as keytool writes them: {@code dns:localhost},
	 * {@code ip:127.0.0.1}, {@code uri:spiffe://...}
	 */
	public static TestCertificate selfSigned(Path dir, String name, String... subjectAlternativeNames) {
		byte[] random = new byte[18];
		new SecureRandom().nextBytes(random);
		char[] password = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
		Path file = dir.resolve(name + ".p12");
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias",
						name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name, "-validity", "2",
						"-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(password)));
		if (subjectAlternativeNames.length > 0) {
			command.add("-ext");
			command.add("san=" + String.join(",", subjectAlternativeNames));
		}
		try {
			Files.createDirectories(dir);
			Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
				keytool.destroyForcibly();
				throw new IllegalStateException("keytool failed: " + out.strip());
			}
			KeyStore store = KeyStore.getInstance("PKCS12");
			try (InputStream in = Files.newInputStream(file)) {
				store.load(in, password);
			}
			return new TestCertificate(file, password, store, (X509Certificate) store.getCertificate(name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The PKCS#12 file. */
	public Path file() {
		return this.file;
	}

	/** The file's password, random per certificate. */
	public String password() {
		return new String(this.password);
	}

	public X509Certificate certificate() {
		return this.certificate;
	}

	/**
	 * Its RFC 8705 thumbprint, {@code x5t#S256}: the base64url SHA-256 of its DER
	 * encoding, as a certificate-bound token's {@code cnf} names it.
	 */
	public String thumbprint() {
		try {
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(MessageDigest.getInstance("SHA-256").digest(this.certificate.getEncoded()));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Key managers that present this certificate. */
	public KeyManager[] keyManagers() {
		try {
			KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			factory.init(this.keyStore, this.password);
			return factory.getKeyManagers();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A TLS context that trusts exactly {@code trusted} and presents {@code presented},
	 * if given.
	 */
	public static SSLContext context(X509Certificate trusted, @Nullable TestCertificate presented) {
		try {
			KeyStore trust = KeyStore.getInstance("PKCS12");
			trust.load(null, null);
			trust.setCertificateEntry("trusted", trusted);
			TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			factory.init(trust);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init((presented != null) ? presented.keyManagers() : null, factory.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
