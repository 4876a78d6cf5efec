package dev.writ.testserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writ's jar as a command: the server's launch line, and its command line run to
 * completion. The JVM is this test's own.
 */
final class WritJar {

	private final Path jar;

	WritJar(Path jar) {
		this.jar = jar;
	}

	/** {@code java -jar writ.jar} with {@code args}. */
	List<String> command(String... args) {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		// protobuf (under CEL) still uses sun.misc.Unsafe, which JDK 24+ warns about.
		if (Runtime.version().feature() >= 24) {
			command.add("--sun-misc-unsafe-memory-access=allow");
		}
		command.add("-jar");
		command.add(this.jar.toString());
		command.addAll(List.of(args));
		return command;
	}

	/**
	 * Runs Writ's command line in {@code directory}, and answers its standard output;
	 * fails unless it exits 0 within a minute.
	 */
	String run(Path directory, String... args) {
		try {
			Process cli = new ProcessBuilder(command(args)).directory(directory.toFile())
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start();
			String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
				cli.destroyForcibly();
				throw new IllegalStateException("writ "
						+ String.join(" ", args.length > 2 ? List.of(args).subList(0, 2) : List.of(args)) + " failed");
			}
			return out;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
