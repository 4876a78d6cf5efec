package dev.writ.web;

import java.security.KeyStore;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where Writ takes any client certificate at the handshake, and where it leaves Tomcat's
 * own checking: an SSL bundle with a trust store of its own keeps Tomcat's JSSE, as
 * configured; without one, the connector serves through {@link ClientCertificateTls}.
 */
class MutualTlsConfigurationTests {

	static Connector customised(MockEnvironment environment, SslBundles bundles) {
		TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("sslBundles", bundles);
		new MutualTlsConfiguration().clientCertificateTls(environment, beans.getBeanProvider(SslBundles.class))
			.customize(factory);
		Connector connector = new Connector();
		factory.getConnectorCustomizers().forEach((customizer) -> customizer.customize(connector));
		return connector;
	}

	static String implementation(Connector connector) {
		return ((AbstractHttp11Protocol<?>) connector.getProtocolHandler()).getSslImplementationName();
	}

	static SslBundles bundle(KeyStore trustStore) {
		DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();
		registry.registerBundle("writ", SslBundle.of(SslStoreBundle.of(null, null, trustStore)));
		return registry;
	}

	@Test
	void bundleWithoutATrustStoreThenAnyCertificateTakenAtTheHandshake() {
		Connector connector = customised(new MockEnvironment().withProperty("server.ssl.bundle", "writ"), bundle(null));

		assertThat(implementation(connector)).isEqualTo(ClientCertificateTls.class.getName());
	}

	@Test
	void bundleWithATrustStoreThenTomcatChecksAgainstItAsConfigured() throws Exception {
		KeyStore trustStore = KeyStore.getInstance("PKCS12");
		trustStore.load(null, null);

		Connector connector = customised(new MockEnvironment().withProperty("server.ssl.bundle", "writ"),
				bundle(trustStore));

		assertThat(implementation(connector)).isNotEqualTo(ClientCertificateTls.class.getName());
	}

	@Test
	void noTlsThenNothingChanged() {
		Connector connector = customised(new MockEnvironment(), bundle(null));

		assertThat(implementation(connector)).isNotEqualTo(ClientCertificateTls.class.getName());
	}

}
