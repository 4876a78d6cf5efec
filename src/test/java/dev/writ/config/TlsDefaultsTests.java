package dev.writ.config;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class TlsDefaultsTests {

	static MockEnvironment apply(MockEnvironment environment) {
		new TlsDefaults().postProcessEnvironment(environment, new SpringApplication());
		return environment;
	}

	@Test
	void postProcessWhenServingAPemBundleThenReloadAndVerifyKeysByDefault() {
		MockEnvironment environment = apply(new MockEnvironment().withProperty("server.ssl.bundle", "edge")
			.withProperty("spring.ssl.bundle.pem.edge.keystore.certificate", "file:/etc/writ/tls.crt"));

		assertThat(environment.getProperty("spring.ssl.bundle.pem.edge.reload-on-update")).isEqualTo("true");
		assertThat(environment.getProperty("spring.ssl.bundle.pem.edge.keystore.verify-keys")).isEqualTo("true");
		assertThat(environment.getProperty("server.ssl.client-auth")).isEqualTo("want");
	}

	@Test
	void postProcessWhenSetExplicitlyThenTheSettingWins() {
		MockEnvironment environment = apply(new MockEnvironment().withProperty("server.ssl.bundle", "edge")
			.withProperty("spring.ssl.bundle.pem.edge.keystore.certificate", "file:/etc/writ/tls.crt")
			.withProperty("spring.ssl.bundle.pem.edge.reload-on-update", "false"));

		assertThat(environment.getProperty("spring.ssl.bundle.pem.edge.reload-on-update")).isEqualTo("false");
		assertThat(environment.getProperty("spring.ssl.bundle.pem.edge.keystore.verify-keys")).isEqualTo("true");
	}

	@Test
	void postProcessWhenNoBundleServedThenNothingAdded() {
		assertThat(apply(new MockEnvironment()).getPropertySources().contains(TlsDefaults.SOURCE)).isFalse();
	}

	@Test
	void postProcessWhenAnotherBundleServedThenOnlyClientCertificatesAreAskedFor() {
		MockEnvironment environment = apply(new MockEnvironment().withProperty("server.ssl.bundle", "jks-bundle"));

		assertThat(environment.getProperty("server.ssl.client-auth")).isEqualTo("want");
		assertThat(environment.getProperty("spring.ssl.bundle.pem.jks-bundle.reload-on-update")).isNull();
	}

	@Test
	void postProcessWhenClientAuthenticationSetThenTheSettingWins() {
		MockEnvironment environment = apply(new MockEnvironment().withProperty("server.ssl.bundle", "edge")
			.withProperty("server.ssl.client-auth", "none"));

		assertThat(environment.getProperty("server.ssl.client-auth")).isEqualTo("none");
	}

}
