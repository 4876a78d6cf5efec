package dev.writ;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar's entry point is the one class an old JVM can load, and it needs the release
 * Writ is compiled for.
 */
class LauncherTests {

	private static int classFileMajor(Class<?> type) throws IOException {
		try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
			byte[] header = in.readNBytes(8);
			return ((header[6] & 0xff) << 8) | (header[7] & 0xff);
		}
	}

	@Test
	void launcherIsJava17BytecodeAndNeedsTheReleaseWritIsCompiledFor() throws IOException {
		assertThat(classFileMajor(Launcher.class)).isEqualTo(61); // Java 17
		assertThat(classFileMajor(WritApplication.class)).isEqualTo(44 + Launcher.REQUIRED_RELEASE);
	}

}
