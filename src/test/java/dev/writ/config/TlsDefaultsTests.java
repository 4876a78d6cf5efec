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
	void postProcessWhenNoPemBundleServedThenNothingAdded() {
		assertThat(apply(new MockEnvironment()).getPropertySources().contains(TlsDefaults.SOURCE)).isFalse();
		assertThat(apply(new MockEnvironment().withProperty("server.ssl.bundle", "jks-bundle")).getPropertySources()
			.contains(TlsDefaults.SOURCE)).isFalse();
	}

}
