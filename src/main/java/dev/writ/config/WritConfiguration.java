package dev.writ.config;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

import dev.writ.audit.AuditSink;
import dev.writ.audit.LoggingAuditSink;
import dev.writ.exchange.TokenExchangeService;
import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.KeyRing;
import dev.writ.policy.PolicyLoader;
import dev.writ.policy.PolicyStore;
import dev.writ.token.AccessTokenMinter;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.RemoteKeys;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.TrustFactory;

/** Wires the exchange pipeline from {@link WritProperties}, after checking them. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WritProperties.class)
class WritConfiguration {

	private final WritProperties properties;

	WritConfiguration(WritProperties properties) {
		var problems = WritSettingsCheck.problems(properties);
		if (!problems.isEmpty()) {
			throw new WritConfigurationException(problems);
		}
		this.properties = properties;
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings() {
		// An explicit issuer: unset, Spring would derive it from each request's Host header.
		return AuthorizationServerSettings.builder().issuer(this.properties.issuer()).build();
	}

	@Bean
	KeyRing keyRing(Clock clock) {
		KeyDirectory directory = new KeyDirectory(this.properties.keysDir(), clock);
		return new KeyRing(directory.loadOrGenerate(KeyAlgorithm.parse(this.properties.keys().algorithm())));
	}

	@Bean(destroyMethod = "close")
	TrustFactory trustFactory(Clock clock) {
		WritProperties.Trust trust = this.properties.trust();
		HttpFetcher http = new HttpFetcher(trust.connectTimeout(), trust.timeout(), trust.allowLoopbackHttp());
		RemoteKeys.RefreshPolicy policy = new RemoteKeys.RefreshPolicy(trust.refreshInterval(),
				trust.minRefetchInterval(), trust.retryInterval(), trust.maxStale());
		return new TrustFactory(http, policy, clock, Executors.newVirtualThreadPerTaskExecutor(), true);
	}

	@Bean
	PolicyStore policyStore(TrustFactory trust) {
		PolicyLoader loader = new PolicyLoader(trust, this.properties.keysDir(), this.properties.token().defaultTtl(),
				this.properties.token().maxTtl());
		return new PolicyStore(loader, this.properties.policiesDir());
	}

	@Bean(destroyMethod = "close")
	PolicyWatcher policyWatcher(PolicyStore policies, MeterRegistry meters) {
		return new PolicyWatcher(policies, List.of(this.properties.policiesDir(), this.properties.keysDir().resolve("trust")),
				meters, this.properties.policiesReloadInterval());
	}

	@Bean(destroyMethod = "close")
	TrustRefresher trustRefresher(PolicyStore policies) {
		return new TrustRefresher(() -> policies.current().trust(), this.properties.trust().minRefetchInterval());
	}

	@Bean
	TrustHealthIndicator trustHealthIndicator(PolicyStore policies) {
		return new TrustHealthIndicator(() -> policies.current().trust());
	}

	@Bean
	AuditSink auditSink() {
		return new LoggingAuditSink();
	}

	@Bean
	TokenExchangeService tokenExchangeService(PolicyStore policies, KeyRing keys, AuditSink audit, Clock clock) {
		Set<String> audiences = new LinkedHashSet<>();
		audiences.add(this.properties.issuer());
		audiences.addAll(this.properties.audiences());
		SubjectTokenVerifier verifier = new SubjectTokenVerifier(audiences, this.properties.clockSkew(), clock);
		AccessTokenMinter minter = new AccessTokenMinter(this.properties.issuer(), keys::current);
		return new TokenExchangeService(policies::current, verifier, minter, audit, clock);
	}

}
