package dev.writ.spring.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.writ.client.IdentitySource;
import dev.writ.client.WritClient;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A {@link WritClient} from {@code writ.issuer} (or {@code writ.client.token-url}) and
 * the workload's identity ({@code writ.client.identity-file}, {@code identity-env},
 * {@code github-actions}, or all of it from {@code writ.client.credentials}); and for
 * each target in {@code writ.client.targets}, a Writ token on the calls of Spring's
 * {@code RestClient.Builder}, {@code RestTemplateBuilder} and {@code WebClient.Builder}
 * to its base URLs. Calls elsewhere are left alone. Every setting that is wrong is named
 * at start.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
		"org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration",
		"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration" })
@Conditional(OnWritTargets.class)
@EnableConfigurationProperties(WritClientProperties.class)
public final class WritClientAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	WritClient writClient(WritClientProperties properties) {
		return client(properties);
	}

	@Bean
	WritAuthorization writAuthorization(WritClient client, WritClientProperties properties, Environment environment) {
		String followed = WritRedirects.followed(environment);
		if (followed != null) {
			throw new IllegalStateException("Writ's client settings:\n  " + followed
					+ " would carry a target's token to wherever a redirect points: remove it (Writ's starter sets "
					+ WritRedirects.PROPERTY + "=dont-follow)");
		}
		return new WritAuthorization(client, WritTargets.of(properties.client().targets(), client.defaultAudience()));
	}

	@Bean
	RestClientCustomizer writRestClientCustomizer(WritAuthorization authorization) {
		return (builder) -> builder.requestInterceptor(authorization);
	}

	@Bean
	RestTemplateCustomizer writRestTemplateCustomizer(WritAuthorization authorization) {
		return (restTemplate) -> restTemplate.getInterceptors().add(authorization);
	}

	/** WebClient, where it is on the classpath. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.web.reactive.function.client.WebClient",
			"org.springframework.boot.webclient.WebClientCustomizer" })
	static class Reactive {

		@Bean
		WebClientCustomizer writWebClientCustomizer(WritAuthorization authorization) {
			return (builder) -> builder.filter(WritAuthorization.Reactive.filter(authorization));
		}

	}

	static WritClient client(WritClientProperties properties) {
		WritClientProperties.Client settings = properties.client();
		List<String> problems = new ArrayList<>();
		if (settings.credentials() != null) {
			if (properties.issuer() != null || settings.tokenUrl() != null || settings.identityFile() != null
					|| settings.identityEnv() != null || settings.githubActions()) {
				problems.add("writ.client.credentials names Writ and the identity: set neither writ.issuer,"
						+ " writ.client.token-url nor an identity source beside it");
			}
			fail(problems);
			return WritClient.fromCredentialFile(settings.credentials());
		}
		URI issuer = properties.issuer();
		URI tokenUrl = settings.tokenUrl();
		if ((issuer == null) == (tokenUrl == null)) {
			problems.add("name Writ once: writ.issuer, writ.client.token-url or writ.client.credentials");
		}
		int sources = ((settings.identityFile() != null) ? 1 : 0) + ((settings.identityEnv() != null) ? 1 : 0)
				+ (settings.githubActions() ? 1 : 0);
		if (sources != 1) {
			problems.add("name one identity source: writ.client.identity-file, identity-env or github-actions");
		}
		if (!settings.subjectTokenType().equals("jwt") && !settings.subjectTokenType().equals("id_token")) {
			problems.add("writ.client.subject-token-type is jwt or id_token");
		}
		fail(problems);
		IdentitySource identity;
		if (settings.identityFile() != null) {
			identity = IdentitySource.file(settings.identityFile());
		}
		else if (settings.identityEnv() != null) {
			identity = IdentitySource.environment(settings.identityEnv());
		}
		else {
			// GitHub's token is asked for Writ's issuer: the one given, or the token
			// URL's origin.
			String audience;
			if (issuer != null) {
				audience = issuer.toString();
			}
			else {
				URI url = Objects.requireNonNull(tokenUrl);
				audience = url.getScheme() + "://" + url.getRawAuthority();
			}
			identity = IdentitySource.githubActions(audience);
		}
		WritClient.Builder builder = WritClient.builder()
			.identity(identity)
			.subjectTokenType("urn:ietf:params:oauth:token-type:" + settings.subjectTokenType())
			.timeout(settings.timeout());
		if (issuer != null) {
			builder.issuer(issuer);
		}
		else if (tokenUrl != null) {
			builder.tokenEndpoint(tokenUrl);
		}
		return builder.build();
	}

	private static void fail(List<String> problems) {
		if (!problems.isEmpty()) {
			throw new IllegalStateException("Writ's client settings:\n  " + String.join("\n  ", problems));
		}
	}

}
