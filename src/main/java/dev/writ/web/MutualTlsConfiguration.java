package dev.writ.web;

import org.apache.coyote.http11.AbstractHttp11Protocol;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Mutual TLS on Writ's one listener: Tomcat serves TLS through
 * {@link ClientCertificateTls}, so that with {@code server.ssl.client-auth=want} (Writ's
 * default where it serves TLS) a client may present any certificate, and a client without
 * one is served as before. The implementation is the protocol's, not a host's: it holds
 * across every certificate renewal Spring Boot applies.
 */
@Configuration(proxyBeanMethods = false)
class MutualTlsConfiguration {

	@Bean
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> clientCertificateTls() {
		return (factory) -> factory.addConnectorCustomizers((connector) -> {
			if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> protocol) {
				protocol.setSslImplementationName(ClientCertificateTls.class.getName());
			}
		});
	}

}
