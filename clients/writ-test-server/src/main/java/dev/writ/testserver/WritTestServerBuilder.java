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

	private boolean tls;

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

	/**
	 * Serves HTTPS, from a self-signed certificate for {@code localhost} and
	 * {@code 127.0.0.1} made at start ({@link WritTestServer#tlsCertificate()}); the
	 * issuer is then {@code https://127.0.0.1:<port>}, and Writ asks clients for a
	 * certificate (mutual TLS, its default where it serves TLS).
	 */
	public WritTestServerBuilder tls() {
		this.tls = true;
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
			TestCertificate certificate = this.tls
					? TestCertificate.selfSigned(site.resolve("tls"), "localhost", "dns:localhost", "ip:127.0.0.1")
					: null;
			for (Map.Entry<String, String> file : this.policies.entrySet()) {
				Files.writeString(site.resolve("policies").resolve(file.getKey()),
						file.getValue().replace("${writ.issuer}", WritTestServer.issuer(port, certificate != null)));
			}
			List<String> arguments = new ArrayList<>(this.arguments);
			if (certificate != null) {
				String bundle = "--spring.ssl.bundle.jks.writ-test.keystore.";
				arguments.addAll(List.of("--server.ssl.bundle=writ-test",
						bundle + "location=file:" + certificate.file().toAbsolutePath(),
						bundle + "password=" + certificate.password(), bundle + "type=PKCS12"));
			}
			return new WritTestServer(jar, site, port, arguments, certificate);
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
