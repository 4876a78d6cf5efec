package dev.writ.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writ's signing keys in a directory: every {@code *.pem} file directly in it is a published signing key, and the
 * one whose file name sorts last is active (Writ names the keys it generates {@code signing-<UTC time>.pem}, so the
 * newest generated key is active). With no key at all, one is generated. Subdirectories ({@code trust/},
 * {@code demo/}) are not signing keys.
 *
 * <p>A directory with any bad key file is refused whole, with every problem listed.
 */
public final class KeyDirectory {

	private static final Logger logger = LoggerFactory.getLogger(KeyDirectory.class);

	private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private static final Set<PosixFilePermission> TOO_OPEN = Set.of(PosixFilePermission.GROUP_READ,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

	private final Path directory;

	private final Clock clock;

	public KeyDirectory(Path directory, Clock clock) {
		this.directory = Objects.requireNonNull(directory, "directory cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
	}

	/**
	 * Loads the signing keys, generating one with {@code algorithm} first if there is none.
	 * @throws KeyConfigurationException listing every bad key file; nothing is generated then
	 */
	public SigningKeys loadOrGenerate(KeyAlgorithm algorithm) {
		List<Path> files = keyFiles();
		if (files.isEmpty()) {
			Path generated = generate(algorithm);
			logger.info("Generated a new {} signing key in {}", algorithm, generated);
			files = keyFiles();
		}
		return load(files);
	}

	/** Generates a new signing key file and returns its path. */
	public Path generate(KeyAlgorithm algorithm) {
		Path file = this.directory.resolve("signing-" + FILE_TIME.format(this.clock.instant()) + ".pem");
		try {
			KeyFiles.writePrivate(file, KeyFiles.pem(algorithm.generate().getPrivate()));
		}
		catch (IOException ex) {
			throw new KeyConfigurationException(List.of(file + ": cannot write: " + ex.getMessage()));
		}
		return file;
	}

	private List<Path> keyFiles() {
		try {
			Files.createDirectories(this.directory);
			try (Stream<Path> entries = Files.list(this.directory)) {
				return entries.filter((p) -> p.getFileName().toString().endsWith(".pem"))
					.filter((p) -> !p.getFileName().toString().startsWith("."))
					.filter(Files::isRegularFile)
					.sorted()
					.toList();
			}
		}
		catch (IOException ex) {
			throw new KeyConfigurationException(List.of(this.directory + ": cannot read: " + ex.getMessage()));
		}
	}

	private SigningKeys load(List<Path> files) {
		List<String> problems = new ArrayList<>();
		List<SigningKey> keys = new ArrayList<>();
		Set<String> kids = new HashSet<>();
		for (Path file : files) {
			try {
				checkPermissions(file);
				KeyPair pair = KeyFiles.read(file);
				SigningKey key = SigningKey.of(KeyAlgorithm.jwk(pair, KeyUse.SIGNATURE), file.getFileName().toString());
				if (!kids.add(key.kid())) {
					problems.add(file + ": the same key as another file (kid " + key.kid() + ")");
				}
				keys.add(key);
			}
			catch (IOException | GeneralSecurityException | JOSEException ex) {
				problems.add(file + ": " + ex.getMessage());
			}
		}
		if (!problems.isEmpty()) {
			throw new KeyConfigurationException(problems);
		}
		return new SigningKeys(keys.get(keys.size() - 1), keys);
	}

	private static void checkPermissions(Path file) throws IOException {
		if (!Files.getFileStore(file).supportsFileAttributeView("posix")) {
			return;
		}
		Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
		if (permissions.stream().anyMatch(TOO_OPEN::contains)) {
			throw new IOException("readable or writable by group or others; chmod 600 it");
		}
	}

}
