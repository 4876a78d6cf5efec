package dev.writ.audit;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.jspecify.annotations.Nullable;

/**
 * Appends each audit event as one line of JSON to a file of its own. A new file is
 * created readable by its owner and group only (0640). Each line goes to the file in one
 * write, so lines never interleave. When the file is moved away or deleted (log
 * rotation), the next event opens a new file at the path; a file truncated in place keeps
 * being appended to. A write that fails is reported once, without the event, and the next
 * event tries again: an audit failure never changes an exchange's answer.
 */
public final class FileAuditSink implements AuditSink, Closeable {

	private static final Logger logger = LoggerFactory.getLogger(FileAuditSink.class);

	private static final Set<StandardOpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
			StandardOpenOption.APPEND);

	private final Path file;

	private @Nullable FileChannel channel;

	private Object fileKey;

	private boolean failing;

	private long failures;

	/**
	 * Opens (or creates) the audit file now, so that a path that cannot be written is
	 * refused at start-up.
	 * @param file the audit file; its directory must exist
	 * @throws IOException when the file cannot be opened for appending
	 */
	public FileAuditSink(Path file) throws IOException {
		this.file = Objects.requireNonNull(file, "file cannot be null").toAbsolutePath();
		open();
	}

	/** How many events could not be written since start. */
	public synchronized long failures() {
		return this.failures;
	}

	@Override
	public synchronized void record(AuditEvent event) {
		try {
			ByteBuffer line = ByteBuffer.wrap((event.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
			if (this.channel == null || moved()) {
				reopen();
			}
			FileChannel channel = Objects.requireNonNull(this.channel, "reopen() opens the channel or throws");
			while (line.hasRemaining()) {
				channel.write(line);
			}
			if (this.failing) {
				this.failing = false;
				logger.info("Audit events are written to {} again", this.file);
			}
		}
		catch (IOException | RuntimeException ex) {
			this.failures++;
			closeQuietly();
			if (!this.failing) {
				this.failing = true;
				logger.error("Audit events cannot be written to {}: {}; each event is retried", this.file,
						ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : ""));
			}
		}
	}

	@Override
	public synchronized void close() {
		closeQuietly();
	}

	private boolean moved() {
		try {
			// Links followed, as the open does: an audit path that is a symlink names the
			// file it points to.
			Object key = Files.readAttributes(this.file, BasicFileAttributes.class).fileKey();
			return key == null || !key.equals(this.fileKey);
		}
		catch (IOException ex) {
			return true;
		}
	}

	private void reopen() throws IOException {
		closeQuietly();
		open();
	}

	private void open() throws IOException {
		FileAttribute<?>[] attributes = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
				? new FileAttribute<?>[] {
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")) }
				: new FileAttribute<?>[0];
		this.channel = FileChannel.open(this.file, APPEND, attributes);
		this.fileKey = Files.readAttributes(this.file, BasicFileAttributes.class).fileKey();
	}

	private void closeQuietly() {
		if (this.channel != null) {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// nothing more to do with a channel being given up
			}
			this.channel = null;
		}
	}

}
