package dev.writ.keys;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.writ.digest.Sha256;

/**
 * Writ's signing keys in a directory: every {@code *.pem} file directly in it is a
 * signing key, placed in the {@link KeySchedule} by its creation time (next, active,
 * retired, expired; see {@link SigningKeys#schedule}). With no key at all, one is
 * generated and signs at once. Subdirectories ({@code trust/}, {@code demo/}) are not
 * signing keys.
 *
 * <p>
 * A directory with any bad key file is refused whole, with every problem listed. Files
 * are parsed once: a reload re-reads only files whose content changed.
 */
public final class KeyDirectory {

	private static final Logger logger = LoggerFactory.getLogger(KeyDirectory.class);

	private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private static final Pattern GENERATED_NAME = Pattern.compile("signing-(\\d{8}T\\d{6}Z)\\.pem");

	private static final Set<PosixFilePermission> TOO_OPEN = Set.of(PosixFilePermission.GROUP_READ,
			PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

	private final Path directory;

	private final Clock clock;

	private final KeySchedule schedule;

	private final Passphrase passphrase;

	private final Map<Path, Parsed> parsed = new ConcurrentHashMap<>();

	public KeyDirectory(Path directory, Clock clock) {
		this(directory, clock, KeySchedule.DEFAULT, Passphrase.NONE);
	}

	public KeyDirectory(Path directory, Clock clock, KeySchedule schedule, Passphrase passphrase) {
		this.directory = Objects.requireNonNull(directory, "directory cannot be null");
		this.clock = Objects.requireNonNull(clock, "clock cannot be null");
		this.schedule = Objects.requireNonNull(schedule, "schedule cannot be null");
		this.passphrase = Objects.requireNonNull(passphrase, "passphrase cannot be null");
	}

	public Path path() {
		return this.directory;
	}

	public KeySchedule schedule() {
		return this.schedule;
	}

	/**
	 * Loads the signing keys, generating one with {@code algorithm} first if there is
	 * none.
	 * @throws KeyConfigurationException listing every bad key file; nothing is generated
	 * then
	 */
	public SigningKeys loadOrGenerate(KeyAlgorithm algorithm) {
		if (keyFiles().isEmpty()) {
			Path generated = generate(algorithm);
			logger.info("Generated a new {} signing key in {}", algorithm, generated);
		}
		return load();
	}

	/**
	 * Loads the signing keys and places them in the schedule at this moment.
	 * @throws KeyConfigurationException listing every bad key file, or saying there is
	 * none
	 */
	public SigningKeys load() {
		List<Path> files = keyFiles();
		if (files.isEmpty()) {
			throw new KeyConfigurationException(List.of(this.directory + ": no signing key (*.pem)"));
		}
		List<String> problems = new ArrayList<>();
		List<SigningKeys.Candidate> candidates = new ArrayList<>();
		Set<String> kids = new HashSet<>();
		for (Path file : files) {
			try {
				SigningKey key = read(file);
				if (!kids.add(key.kid())) {
					problems.add(file + ": the same key as another file (kid " + key.kid() + ")");
				}
				candidates.add(new SigningKeys.Candidate(key, file, created(file)));
			}
			catch (IOException | GeneralSecurityException | JOSEException ex) {
				problems.add(file + ": " + ex.getMessage());
			}
		}
		if (!problems.isEmpty()) {
			throw new KeyConfigurationException(problems);
		}
		this.parsed.keySet().retainAll(Set.copyOf(files));
		return SigningKeys.schedule(candidates, this.clock.instant(), this.schedule);
	}

	/** Generates a new signing key file, named by the time, and returns its path. */
	public Path generate(KeyAlgorithm algorithm) {
		Path file = this.directory.resolve("signing-" + FILE_TIME.format(this.clock.instant()) + ".pem");
		try {
			KeyFiles.writePrivate(file, KeyFiles.pem(algorithm.generate().getPrivate(), this.passphrase));
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new KeyConfigurationException(List.of(file + ": cannot write: " + ex.getMessage()));
		}
		return file;
	}

	/**
	 * Adds the next key if the schedule rotates and the newest key is a rotation period
	 * old. Several Writ nodes sharing the directory agree through a lock file, so one of
	 * them adds it.
	 * @return the new key's file, if one was added
	 */
	public Optional<Path> rotateIfDue(KeyAlgorithm algorithm) {
		if (!this.schedule.rotates()) {
			return Optional.empty();
		}
		return underRotationLock(false, () -> {
			Instant newest = keyFiles().stream().map(this::created).max(Instant::compareTo).orElse(Instant.MIN);
			if (newest.plus(this.schedule.rotationPeriod()).isAfter(this.clock.instant())) {
				return Optional.empty();
			}
			return Optional.of(generate(algorithm));
		});
	}

	/**
	 * Adds the next key now ({@code keys rotate}), under the same lock file as the nodes'
	 * own rotation, waiting for one under way: an operator's rotation and a node's never
	 * both add a key at once.
	 * @return the new key's file
	 */
	public Path rotate(KeyAlgorithm algorithm) {
		return underRotationLock(true, () -> Optional.of(generate(algorithm))).orElseThrow();
	}

	// Runs 'rotation' holding the directory's rotation lock; without 'wait', gives up
	// (empty) when another holds it.
	private Optional<Path> underRotationLock(boolean wait, Supplier<Optional<Path>> rotation) {
		Path lockFile = this.directory.resolve(".rotation.lock");
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = wait ? channel.lock() : channel.tryLock()) {
			if (lock == null) {
				return Optional.empty(); // another node is rotating now
			}
			return rotation.get();
		}
		catch (OverlappingFileLockException ex) {
			if (wait) {
				throw new KeyConfigurationException(List.of(lockFile + ": a rotation is under way in this process"));
			}
			return Optional.empty(); // this process is rotating now, through another
										// KeyDirectory
		}
		catch (IOException ex) {
			throw new KeyConfigurationException(List.of(lockFile + ": cannot lock: " + ex.getMessage()));
		}
	}

	/**
	 * Deletes the files of expired keys: every token they signed has expired, and the
	 * JWKS no longer carries them.
	 * @return the deleted files
	 */
	public List<Path> prune(SigningKeys keys) {
		List<Path> deleted = new ArrayList<>();
		for (ManagedKey key : keys.keys()) {
			if (key.state() == KeyState.EXPIRED) {
				try {
					if (Files.deleteIfExists(key.file())) {
						deleted.add(key.file());
					}
				}
				catch (IOException ex) {
					logger.warn("Could not delete the expired signing key file {}: {}", key.file(), ex.getMessage());
				}
			}
		}
		return deleted;
	}

	/**
	 * Whether the directory holds a signing key file yet, by the rule {@link #load} reads
	 * them by.
	 * @throws KeyConfigurationException if it cannot be created or read
	 */
	public boolean hasSigningKeys() {
		return !keyFiles().isEmpty();
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

	// The time in a name Writ generated; else the file's modification time.
	private Instant created(Path file) {
		Matcher name = GENERATED_NAME.matcher(file.getFileName().toString());
		if (name.matches()) {
			try {
				return FILE_TIME.parse(name.group(1), Instant::from);
			}
			catch (DateTimeParseException ex) {
				// not a real time: fall through to the file's
			}
		}
		try {
			return Files.getLastModifiedTime(file).toInstant();
		}
		catch (IOException ex) {
			return Instant.EPOCH;
		}
	}

	private SigningKey read(Path file) throws IOException, GeneralSecurityException, JOSEException {
		checkPermissions(file);
		byte[] content = Files.readAllBytes(file);
		String digest = Sha256.hex(content);
		Parsed known = this.parsed.get(file);
		if (known != null && known.digest().equals(digest)) {
			return known.key();
		}
		KeyPair pair = KeyFiles.read(file, content, this.passphrase);
		SigningKey key = SigningKey.of(KeyAlgorithm.jwk(pair, KeyUse.SIGNATURE), file.getFileName().toString());
		this.parsed.put(file, new Parsed(digest, key));
		return key;
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

	private record Parsed(String digest, SigningKey key) {
	}

}
