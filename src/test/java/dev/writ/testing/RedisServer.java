package dev.writ.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

	private Process process;

	private RedisServer(int port, Path directory) {
		this.port = port;
		this.directory = directory;
	}

	/** Starts a server on a free loopback port. */
	public static RedisServer start() {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			RedisServer server = new RedisServer(probe.getLocalPort(), Files.createTempDirectory("writ-redis-"));
			probe.close();
			server.startAgain();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	/** Starts the server (again) on its port. */
	public void startAgain() {
		try {
			this.process = new ProcessBuilder(
					List.of("redis-server", "--port", Integer.toString(this.port), "--bind", "127.0.0.1", "--save", "",
							"--appendonly", "no", "--dir", this.directory.toString(), "--logfile", ""))
				.redirectErrorStream(true)
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
