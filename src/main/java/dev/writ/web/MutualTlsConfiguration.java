package dev.writ.web;

import org.apache.coyote.http11.AbstractHttp11Protocol;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Mutual TLS on Writ's one listener: Tomcat serves TLS through
 * {@link ClientCertificateTls}, so that with {@code server.ssl.client-auth=want} (Writ's
 * default where it serves TLS) a client may present any certificate, and a client without
 * one is served as before. The implementation is the protocol's, not a host's: it holds
 * across every certificate renewal Spring Boot applies. Where the SSL bundle names a
 * trust store of its own, Tomcat's JSSE checks certificates against it, as configured.
 */
@Configuration(proxyBeanMethods = false)
class MutualTlsConfiguration {

	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> clientCertificateTls(Environment environment,
			ObjectProvider<SslBundles> bundles) {
		return (factory) -> {
			String name = environment.getProperty("server.ssl.bundle");
			SslBundles registry = bundles.getIfAvailable();
			if (name == null || name.isBlank() || registry == null
					|| registry.getBundle(name).getStores().getTrustStore() != null) {
				return;
			}
			factory.addConnectorCustomizers((connector) -> {
				if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> protocol) {
					protocol.setSslImplementationName(ClientCertificateTls.class.getName());
				}
			});
		};
	}

}
