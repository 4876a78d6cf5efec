package dev.writ.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Secure defaults for the PEM bundle Writ serves TLS from ({@code server.ssl.bundle}):
 * reload renewed files ({@code reload-on-update}) and check that the private key matches
 * the certificate ({@code verify-keys}). Without the check, a renewal that pairs a
 * certificate with the wrong key is applied and every handshake fails; with it, the
 * renewal is refused and the last good pair keeps serving. Either can still be set to
 * {@code false} explicitly; these defaults have the lowest precedence.
 */
final class TlsDefaults implements EnvironmentPostProcessor, Ordered {

	static final String SOURCE = "writTlsDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String bundle = environment.getProperty("server.ssl.bundle");
		if (bundle == null || bundle.isBlank()) {
			return;
		}
		String prefix = "spring.ssl.bundle.pem." + bundle + ".";
		if (!environment.containsProperty(prefix + "keystore.certificate")) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put(prefix + "reload-on-update", "true");
		defaults.put(prefix + "keystore.verify-keys", "true");
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
	}

	@Override
	public int getOrder() {
		// After application.yaml and every other source is in place.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
