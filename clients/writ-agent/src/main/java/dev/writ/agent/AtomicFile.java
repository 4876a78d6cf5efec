package dev.writ.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A file replaced whole: written to a temporary file beside it (created with its final
 * permissions, so its content is never readable by others even for a moment), flushed to
 * the disk, then renamed over it. A reader sees the old content or the new, never part.
 */
final class AtomicFile {

	static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

	/**
	 * For a token file that a workload in another container reads through a shared group
	 * (fsGroup).
	 */
	static final Set<PosixFilePermission> OWNER_AND_GROUP = PosixFilePermissions.fromString("rw-r-----");

	static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

	private AtomicFile() {
	}

	static void write(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
		Path target = file.toAbsolutePath();
		Path dir = target.getParent();
		Files.createDirectories(dir);
		boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
		FileAttribute<?>[] attributes = posix
				? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissions) }
				: new FileAttribute<?>[0];
		Path temporary = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes);
		try {
			// Never through a link someone put in its place.
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
					LinkOption.NOFOLLOW_LINKS)) {
				ByteBuffer buffer = ByteBuffer.wrap(content);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			if (posix) {
				// createTempFile's attribute is masked by the umask: set exactly what was
				// asked.
				Files.getFileAttributeView(temporary, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
					.setPermissions(permissions);
			}
			try {
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				throw new IOException(dir + " cannot replace a file atomically", ex);
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

}
