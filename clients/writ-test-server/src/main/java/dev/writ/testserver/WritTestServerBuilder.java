package dev.writ.testserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** What a {@link WritTestServer} starts with: {@link WritTestServer#builder()}. */
public final class WritTestServerBuilder {

	private final Map<String, String> policies = new LinkedHashMap<>();

	private final List<String> arguments = new ArrayList<>();

	private @Nullable Path jar;

	WritTestServerBuilder() {
	}

	/**
	 * The Writ jar; by default the system property {@code writ.jar}, else the environment
	 * variable {@code WRIT_JAR}.
	 */
	public WritTestServerBuilder jar(Path jar) {
		this.jar = jar;
		return this;
	}

	/**
	 * A policy file of the site, {@code policies/<name>}; {@code ${writ.issuer}} in it
	 * stands for the issuer, which is known once the port is (a grant for Writ's own
	 * endpoints names it as audience).
	 */
	public WritTestServerBuilder policies(String name, String yaml) {
		this.policies.put(name, yaml);
		return this;
	}

	/** A setting of Writ's, {@code --name=value}. */
	public WritTestServerBuilder setting(String name, String value) {
		this.arguments.add("--" + name + "=" + value);
		return this;
	}

	/** Writes the site, starts Writ and returns once it is healthy (within 90 s). */
	public WritTestServer start() {
		Path jar = jar();
		try {
			int port;
			try (ServerSocket socket = new ServerSocket(0)) {
				port = socket.getLocalPort();
			}
			Path site = Files.createTempDirectory("writ-test-");
			Files.createDirectories(site.resolve("policies"));
			for (Map.Entry<String, String> file : this.policies.entrySet()) {
				Files.writeString(site.resolve("policies").resolve(file.getKey()),
						file.getValue().replace("${writ.issuer}", WritTestServer.issuer(port)));
			}
			return new WritTestServer(jar, site, port, this.arguments);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Path jar() {
		Path jar = this.jar;
		if (jar == null) {
			String given = System.getProperty("writ.jar", System.getenv("WRIT_JAR"));
			if (given == null) {
				throw new IllegalStateException("no Writ jar: set the system property writ.jar or WRIT_JAR");
			}
			jar = Path.of(given);
		}
		jar = jar.toAbsolutePath().normalize();
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(
					jar + " is missing: build Writ first (./mvnw -B verify in the repository root)");
		}
		return jar;
	}

}
