package dev.writ.keys;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads and writes private key files: PEM, PKCS#8 (what {@code openssl genpkey} writes)
 * or the traditional EC (RFC 5915) and RSA (PKCS#1) forms. BouncyCastle parses and
 * derives the public key; the keys handed out are the JDK's own, so the JDK's providers
 * sign. Files are written atomically with mode 0600.
 */
final class KeyFiles {

	// PBKDF2-HMAC-SHA256 iterations for keys Writ encrypts: OWASP's 2023 figure. A key is
	// decrypted once per change
	// of its file, never per request.
	private static final int PBKDF2_ITERATIONS = 600_000;

	/** Largest key file read; a PEM private key is a few KiB. */
	static final long MAX_KEY_FILE_BYTES = 64 * 1024;

	private static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");

	private KeyFiles() {
	}

	/** Reads a key pair from an unencrypted PEM private key file. */
	static KeyPair read(Path file) throws IOException, GeneralSecurityException {
		if (Files.size(file) > MAX_KEY_FILE_BYTES) {
			throw new GeneralSecurityException("larger than " + MAX_KEY_FILE_BYTES + " bytes; not a PEM private key");
		}
		return read(file, Files.readAllBytes(file), Passphrase.NONE);
	}

	/**
	 * Reads a key pair from the content of a PEM private key file: PKCS#8, encrypted
	 * PKCS#8 (PBES2, decrypted with {@code passphrase}) or a traditional EC or RSA key.
	 */
	static KeyPair read(Path file, byte[] content, Passphrase passphrase) throws IOException, GeneralSecurityException {
		if (content.length > MAX_KEY_FILE_BYTES) {
			throw new GeneralSecurityException("larger than " + MAX_KEY_FILE_BYTES + " bytes; not a PEM private key");
		}
		String pem = new String(content, StandardCharsets.US_ASCII);
		Object parsed;
		try (PEMParser parser = new PEMParser(new StringReader(pem))) {
			parsed = parser.readObject();
		}
		catch (IOException | RuntimeException ex) {
			throw new GeneralSecurityException("not a PEM private key");
		}
		PrivateKeyInfo info = switch (parsed) {
			case PrivateKeyInfo pkcs8 -> pkcs8;
			case PEMKeyPair pair -> pair.getPrivateKeyInfo();
			case PKCS8EncryptedPrivateKeyInfo encrypted -> decrypt(encrypted, passphrase);
			case PEMEncryptedKeyPair legacy -> throw new GeneralSecurityException("encrypted the legacy OpenSSL way "
					+ "(Proc-Type/DEK-Info, an MD5-based key); convert it: openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf "
					+ "hmacWithSHA256");
			case null, default ->
				throw new GeneralSecurityException("no PKCS#8, encrypted PKCS#8, EC or RSA private key found");
		};
		ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
		if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
			if (info.getPrivateKeyAlgorithm().getParameters() == null) {
				throw new GeneralSecurityException("the EC key names no curve");
			}
			return ecKeyPair(info);
		}
		if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
			return rsaKeyPair(info);
		}
		throw new GeneralSecurityException("unsupported key algorithm " + algorithm + " (EC or RSA)");
	}

	private static KeyPair rsaKeyPair(PrivateKeyInfo info) throws GeneralSecurityException, IOException {
		PrivateKey rsa = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
		if (!(rsa instanceof RSAPrivateCrtKey crt)) {
			throw new GeneralSecurityException("RSA key lacks its CRT parameters");
		}
		PublicKey publicKey = KeyFactory.getInstance("RSA")
			.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
		return new KeyPair(publicKey, rsa);
	}

	// The JDK reads the private key; BouncyCastle's curve arithmetic derives its public
	// point (Q = d·G). No
	// BouncyCastle provider object: building one registers hundreds of algorithms, a
	// quarter second at start-up.
	private static KeyPair ecKeyPair(PrivateKeyInfo info) throws GeneralSecurityException, IOException {
		X962Parameters parameters = X962Parameters.getInstance(info.getPrivateKeyAlgorithm().getParameters());
		if (!parameters.isNamedCurve()) {
			throw new GeneralSecurityException(
					"the EC key must name its curve (RFC 5480), not spell out its parameters");
		}
		X9ECParameters curve = ECNamedCurveTable.getByOID(ASN1ObjectIdentifier.getInstance(parameters.getParameters()));
		if (curve == null) {
			throw new GeneralSecurityException("unknown EC curve " + parameters.getParameters());
		}
		KeyFactory jdk = KeyFactory.getInstance("EC");
		ECPrivateKey privateKey = (ECPrivateKey) jdk.generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
		BigInteger d = privateKey.getS();
		if (d.signum() <= 0 || d.compareTo(curve.getN()) >= 0) {
			throw new GeneralSecurityException("the EC private key is out of range for its curve");
		}
		ECPoint q = new FixedPointCombMultiplier().multiply(curve.getG(), d).normalize();
		java.security.spec.ECPoint w = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(),
				q.getAffineYCoord().toBigInteger());
		PublicKey publicKey = jdk.generatePublic(new ECPublicKeySpec(w, privateKey.getParams()));
		return new KeyPair(publicKey, privateKey);
	}

	private static PrivateKeyInfo decrypt(PKCS8EncryptedPrivateKeyInfo encrypted, Passphrase passphrase)
			throws GeneralSecurityException {
		if (!passphrase.isPresent()) {
			throw new GeneralSecurityException(
					"encrypted, and no passphrase is configured (writ.keys.passphrase-file or "
							+ Passphrase.ENVIRONMENT_VARIABLE + ")");
		}
		try {
			return encrypted.decryptPrivateKeyInfo(
					new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(Bc.PROVIDER).build(passphrase.chars()));
		}
		catch (OperatorCreationException | PKCSException | RuntimeException ex) {
			throw new GeneralSecurityException("cannot decrypt it with the configured passphrase");
		}
	}

	/**
	 * The PEM text of a private key: PKCS#8, encrypted (PBES2: PBKDF2-HMAC-SHA256,
	 * AES-256-CBC) when a passphrase is present.
	 */
	static String pem(PrivateKey key, Passphrase passphrase) throws GeneralSecurityException {
		try {
			OutputEncryptor encryptor = passphrase.isPresent()
					? new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
						.setPRF(PKCS8Generator.PRF_HMACSHA256)
						.setIterationCount(PBKDF2_ITERATIONS)
						.setPassword(passphrase.chars())
						.setProvider(Bc.PROVIDER)
						.build()
					: null;
			StringWriter text = new StringWriter();
			try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
				writer.writeObject(new JcaPKCS8Generator(key, encryptor).generate());
			}
			return text.toString();
		}
		catch (OperatorCreationException | IOException ex) {
			throw new GeneralSecurityException("cannot encode the key: " + ex.getMessage());
		}
	}

	// BouncyCastle's provider, for PBES2 only (the JDK lacks the cipher names
	// BouncyCastle's PKCS#8 code asks for).
	// Built on first use: it costs a quarter second, and only encrypted keys need it.
	// Never registered.
	private static final class Bc {

		static final Provider PROVIDER = new org.bouncycastle.jce.provider.BouncyCastleProvider();

	}

	/** The PKCS#8 PEM text of a private key, unencrypted. */
	static String pem(PrivateKey key) {
		try {
			return pem(key, Passphrase.NONE);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("a PKCS#8 encoding without encryption failed", ex);
		}
	}

	/**
	 * Writes a private key file atomically, readable by its owner only. Refuses to
	 * replace an existing file.
	 */
	static void writePrivate(Path file, String content) throws IOException {
		write(file, content, true);
	}

	/**
	 * Writes a public file atomically (a bundle, a JWK set), replacing any earlier one.
	 */
	static void writePublic(Path file, String content) throws IOException {
		write(file, content, false);
	}

	private static void write(Path file, String content, boolean secret) throws IOException {
		Path dir = file.toAbsolutePath().getParent();
		Files.createDirectories(dir);
		if (secret && Files.exists(file)) {
			throw new IOException(file.getFileName() + " exists already");
		}
		boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
		Path temp = posix && secret
				? Files.createTempFile(dir, ".writ-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE))
				: Files.createTempFile(dir, ".writ-", ".tmp");
		try {
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
				channel.force(true);
			}
			if (posix && !secret) {
				Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
			}
			try {
				Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				throw new UncheckedIOException("the file system cannot replace files atomically", ex);
			}
		}
		finally {
			Files.deleteIfExists(temp);
		}
	}

}
