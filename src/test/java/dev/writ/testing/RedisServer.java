package dev.writ.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} for tests, on a free loopback port, persisting nothing.
 * Tests that need Redis start one; {@code .ci/run} installs {@code redis-server} where a
 * machine lacks it. It can be stopped and started again on the same port, to test what
 * Writ does while Redis is away.
 */
public final class RedisServer implements AutoCloseable {

	private final int port;

	private final Path directory;

	private final List<String> command;

	private Process process;

	private RedisServer(int port, Path directory, List<String> command) {
		this.port = port;
		this.directory = directory;
		this.command = command;
	}

	/** Starts a server on a free loopback port. */
	public static RedisServer start() {
		return start(List.of());
	}

	/**
	 * Starts a server on a free loopback port with more settings, such as
	 * {@code --replicaof} or {@code --cluster-enabled yes}.
	 */
	public static RedisServer start(List<String> settings) {
		int port = freePort();
		Path directory = temporaryDirectory();
		List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--logfile", ""));
		command.addAll(settings);
		RedisServer server = new RedisServer(port, directory, List.copyOf(command));
		server.startAgain();
		return server;
	}

	/**
	 * Starts a sentinel on a free loopback port, watching the primary {@code name} at
	 * {@code primaryPort} with a quorum of {@code quorum}; it calls a primary down after
	 * three seconds without an answer (a second was tripped by a busy two-core machine,
	 * which then failed over twice).
	 */
	public static RedisServer sentinel(String name, int primaryPort, int quorum) {
		int port = freePort();
		Path directory = temporaryDirectory();
		Path config = directory.resolve("sentinel.conf");
		try {
			// A sentinel rewrites its configuration file as it learns the topology.
			Files.writeString(config, String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + directory,
					"sentinel monitor " + name + " 127.0.0.1 " + primaryPort + " " + quorum,
					"sentinel down-after-milliseconds " + name + " 3000", "sentinel failover-timeout " + name + " 5000",
					"sentinel parallel-syncs " + name + " 1", ""));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		RedisServer server = new RedisServer(port, directory, List.of("redis-server", config.toString(), "--sentinel"));
		server.startAgain();
		return server;
	}

	/** A loopback port nothing listens on now. */
	public static int freePort() {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return probe.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Path temporaryDirectory() {
		try {
			return Files.createTempDirectory("writ-redis-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Runs {@code redis-cli} against this server and answers its output.
	 * @throws IllegalStateException if it fails
	 */
	public String cli(String... arguments) {
		List<String> command = new ArrayList<>(
				List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(this.port)));
		command.addAll(List.of(arguments));
		return RedisServer.run(command);
	}

	/** Runs a command to its end, within 30 s, and answers its output. */
	public static String run(List<String> command) {
		try {
			Path output = Files.createTempFile("writ-redis-cli-", ".out");
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				process.getOutputStream().close();
				if (!process.waitFor(30, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					throw new IllegalStateException(command.get(0) + " did not finish within 30 s: " + command);
				}
				String text = Files.readString(output);
				if (process.exitValue() != 0) {
					throw new IllegalStateException(command.get(0) + " failed: " + text);
				}
				return text;
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	/** Starts the server (again) on its port. */
	public void startAgain() {
		try {
			this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
				.redirectOutput(this.directory.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"redis-server is not installed here; .ci/run installs it (apt-get install " + "redis-server)", ex);
		}
		await("redis-server on port " + this.port).atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(10))
			.failFast("redis-server exited", () -> !this.process.isAlive())
			.until(this::answers);
	}

	/** Freezes the process (SIGSTOP): it holds its connections and answers nothing. */
	public void freeze() {
		run(List.of("kill", "-STOP", Long.toString(this.process.pid())));
	}

	/** Lets a frozen process go on (SIGCONT). */
	public void thaw() {
		run(List.of("kill", "-CONT", Long.toString(this.process.pid())));
	}

	/** Stops the server, as a crash would. */
	public void stop() {
		if (this.process != null) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private boolean answers() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 200);
			socket.setSoTimeout(500);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(7);
			return new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		stop();
	}

}
