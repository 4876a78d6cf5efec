package dev.writ.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertyResolver;

/**
 * Secure defaults for the PEM bundle Writ serves TLS from ({@code server.ssl.bundle}):
 * reload renewed files ({@code reload-on-update}) and check that the private key matches
 * the certificate ({@code verify-keys}). Without the check, a renewal that pairs a
 * certificate with the wrong key is applied and every handshake fails; with it, the
 * renewal is refused and the last good pair keeps serving. And TLS client authentication
 * where a client offers a certificate ({@code server.ssl.client-auth=want}): an
 * X.509-SVID identity, or a key to bind tokens to (RFC 8705), while clients without one
 * are served as before. Each can still be set explicitly; these defaults have the lowest
 * precedence.
 */
public final class TlsDefaults implements EnvironmentPostProcessor, Ordered {

	static final String SOURCE = "writTlsDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String bundle = environment.getProperty("server.ssl.bundle");
		if (bundle == null || bundle.isBlank()) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		// Mutual TLS where the client wants it, on the same port as every other client.
		defaults.put("server.ssl.client-auth", "want");
		String prefix = "spring.ssl.bundle.pem." + bundle + ".";
		if (environment.containsProperty(prefix + "keystore.certificate")) {
			defaults.put(prefix + "reload-on-update", "true");
			defaults.put(prefix + "keystore.verify-keys", "true");
		}
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
	}

	/**
	 * Whether Writ serves TLS itself and asks clients for certificates: X.509-SVIDs and
	 * certificate-bound tokens (RFC 8705) are possible.
	 */
	public static boolean mutualTls(PropertyResolver environment) {
		String bundle = environment.getProperty("server.ssl.bundle");
		String clientAuth = environment.getProperty("server.ssl.client-auth", "none");
		return bundle != null && !bundle.isBlank() && !clientAuth.equalsIgnoreCase("none");
	}

	@Override
	public int getOrder() {
		// After application.yaml and every other source is in place.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
