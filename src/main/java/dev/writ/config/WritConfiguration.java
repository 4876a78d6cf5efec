package dev.writ.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

import dev.writ.audit.AuditSink;
import dev.writ.audit.FileAuditSink;
import dev.writ.audit.LoggingAuditSink;
import dev.writ.credentials.CredentialIssuer;
import dev.writ.exchange.ExchangeOptions;
import dev.writ.exchange.TokenExchangeService;
import dev.writ.gate.ComputeGate;
import dev.writ.keys.Crypto;
import dev.writ.keys.KeyAlgorithm;
import dev.writ.keys.KeyDirectory;
import dev.writ.keys.KeyRing;
import dev.writ.keys.KeySchedule;
import dev.writ.keys.Passphrase;
import dev.writ.policy.load.PolicyLoader;
import dev.writ.policy.PolicySet;
import dev.writ.policy.PolicyStore;
import dev.writ.policy.UsageLedger;
import dev.writ.store.Store;
import dev.writ.token.AccessTokenMinter;
import dev.writ.token.IssuedTokens;
import dev.writ.trust.DpopNonces;
import dev.writ.trust.DpopVerifier;
import dev.writ.trust.WritTokenVerifier;
import dev.writ.token.TokenStatus;
import dev.writ.trust.SubjectTokenVerifier;
import dev.writ.trust.TrustFactory;

/** Wires the exchange pipeline from {@link WritProperties}, after checking them. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WritProperties.class)
class WritConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(WritConfiguration.class);

	private final WritProperties properties;

	private final String issuer;

	WritConfiguration(WritProperties properties, ConfigurableEnvironment environment) {
		var problems = new ArrayList<>(UnknownSettings.problems(environment));
		Map<String, String> unitless = UnknownSettings.unitlessDurations(environment);
		problems.addAll(unitless.values());
		// A check that compares a misread duration with another would report a problem
		// caused by the missing unit.
		WritSettingsCheck.problems(properties)
			.stream()
			.filter((problem) -> unitless.keySet().stream().noneMatch(problem::contains))
			.forEach(problems::add);
		ListeningIssuer.Derived derived = ListeningIssuer.issuer(properties.issuer(), environment::getProperty);
		// A derived http issuer beyond loopback is plain http beyond loopback: the
		// transport check says so.
		derived.problem().ifPresent(problems::add);
		WritSettingsCheck.transportProblem(environment, properties.allowPlainHttp()).ifPresent(problems::add);
		WritSettingsCheck.forwardedHeadersProblem(environment).ifPresent(problems::add);
		RedisTopology.problem(properties.store(), environment).ifPresent(problems::add);
		problems.addAll(AheadOfTimeSettings.problems(environment));
		if (!problems.isEmpty()) {
			throw new WritConfigurationException(problems);
		}
		// Derived unless it could not be: a problem then, thrown above.
		String issuer = derived.issuer().orElseThrow();
		if (properties.issuer() == null) {
			logger.info("Issuer {}: the address Writ listens on (server.address, server.port), as writ.issuer is "
					+ "unset. Set writ.issuer to the URL clients reach Writ at when it differs", issuer);
		}
		else {
			logger.info("Issuer {} (writ.issuer)", issuer);
			ListeningIssuer.portMismatch(issuer, environment::getProperty).ifPresent(logger::warn);
		}
		this.properties = properties;
		this.issuer = issuer;
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	ComputeGate computeGate(MeterRegistry meters) {
		ComputeGate gate = new ComputeGate(this.properties.exchanges().permits());
		Gauge.builder("writ.exchanges.waiting", gate, ComputeGate::waiting)
			.description("token requests waiting for their turn to compute (writ.exchanges.concurrency)")
			.register(meters);
		return gate;
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings() {
		// An explicit issuer: unset, Spring would derive it from each request's Host
		// header.
		// Spring's own introspection and revocation endpoints need registered clients
		// with secrets, which Writ has
		// none of: they are moved aside, and Writ serves RFC 7662 and RFC 7009 itself at
		// the standard paths.
		return AuthorizationServerSettings.builder()
			.issuer(this.issuer)
			.tokenIntrospectionEndpoint("/oauth2/unused/introspect")
			.tokenRevocationEndpoint("/oauth2/unused/revoke")
			.build();
	}

	@Bean
	KeyRing keyRing(KeyDirectory keyDirectory, MeterRegistry meters) {
		Crypto crypto = Crypto.get();
		logger.info(crypto.describe());
		io.micrometer.core.instrument.Gauge.builder("writ.crypto.provider", () -> 1)
			.tag("name", crypto.name())
			.description("1 for the JCA provider that signs and verifies where it can")
			.register(meters);
		return new KeyRing(keyDirectory.loadOrGenerate(KeyAlgorithm.parse(this.properties.keys().algorithm())));
	}

	@Bean
	KeyDirectory keyDirectory(Clock clock) {
		WritProperties.Keys keys = this.properties.keys();
		KeySchedule schedule = new KeySchedule(keys.publishAhead(),
				keys.retireAfter(this.properties.token().maxTtl(), this.properties.clockSkew()), keys.rotationPeriod());
		Passphrase passphrase = Passphrase.resolve(keys.passphraseFile(),
				System.getenv(Passphrase.ENVIRONMENT_VARIABLE));
		return new KeyDirectory(this.properties.keysDir(), clock, schedule, passphrase);
	}

	@Bean(destroyMethod = "close")
	KeyWatcher keyWatcher(KeyDirectory keyDirectory, KeyRing keyRing, Clock clock, MeterRegistry meters) {
		return new KeyWatcher(keyDirectory, KeyAlgorithm.parse(this.properties.keys().algorithm()), keyRing, clock,
				meters, this.properties.keys().reloadInterval());
	}

	@Bean(destroyMethod = "close")
	TrustFactory trustFactory(Clock clock) {
		return ServerSettings.trustFactory(this.properties.trust(), clock, Executors.newVirtualThreadPerTaskExecutor(),
				true);
	}

	@Bean
	PolicyStore policyStore(TrustFactory trust, Environment environment) {
		PolicyLoader loader = new PolicyLoader(trust, this.properties.keysDir(), this.properties.token().defaultTtl(),
				this.properties.token().maxTtl());
		Path policies = this.properties.policiesDir();
		boolean mutualTls = TlsDefaults.mutualTls(environment);
		return new PolicyStore(() -> {
			PolicySet loaded = DemoKeys.load(loader, policies, this.properties.keysDir());
			// Loads, but can issue nothing: say so at every load, not only at a refusal.
			if (!mutualTls && !loaded.certificateOnly().isEmpty()) {
				logger.warn(
						"{} take only certificate-bound tokens (binding: mtls), and this Writ serves no mutual TLS "
								+ "(server.ssl.bundle, server.ssl.client-auth): they issue nothing",
						loaded.certificateOnly());
			}
			List<String> unreached = loaded.targets()
				.stream()
				.filter((target) -> !target.hostIn(this.properties.credentials().allowedHosts()))
				.map((target) -> target.id() + " (" + target.host() + ":" + target.port() + ", " + target.source()
						+ ")")
				.toList();
			if (!unreached.isEmpty()) {
				logger.warn("Targets {} name hosts that writ.credentials.allowed-hosts does not list: their "
						+ "credentials are refused", unreached);
			}
			return loaded;
		}, policies);
	}

	@Bean(destroyMethod = "close")
	PolicyWatcher policyWatcher(PolicyStore policies, MeterRegistry meters) {
		return new PolicyWatcher(policies, this.properties.policiesDir(),
				List.of(this.properties.keysDir().resolve("trust")), meters, this.properties.policiesReloadInterval());
	}

	@Bean(destroyMethod = "close")
	TrustRefresher trustRefresher(PolicyStore policies) {
		return new TrustRefresher(() -> policies.current().trust(), this.properties.trust().minRefetchInterval());
	}

	@Bean(destroyMethod = "close")
	TrustMetrics trustMetrics(PolicyStore policies, Clock clock, MeterRegistry meters) {
		return new TrustMetrics(() -> policies.current().trust(), clock, meters, Duration.ofSeconds(5));
	}

	@Bean
	UsageLedger usageLedger(PolicyStore policies) {
		// The grants an exchange names come from the policies: all are kept (bounded).
		return new UsageLedger((subject, audience) -> policies.current().register().federatesTo(subject, audience),
				(grant) -> true);
	}

	@Bean(destroyMethod = "close")
	RegisterMonitor registerMonitor(PolicyStore policies, UsageLedger usage, Clock clock, MeterRegistry meters) {
		return new RegisterMonitor(policies, usage, clock, meters, Duration.ofMinutes(1));
	}

	@Bean
	TrustHealthIndicator trustHealthIndicator(PolicyStore policies) {
		return new TrustHealthIndicator(() -> policies.current().trust());
	}

	@Bean(destroyMethod = "close")
	MeteringAuditSink auditSink(MeterRegistry meters, Environment environment, UsageLedger usage) {
		Path file = this.properties.audit().file();
		if (file == null) {
			boolean structured = environment.containsProperty("logging.structured.format.console")
					|| environment.containsProperty("logging.structured.format.file");
			return new MeteringAuditSink(new LoggingAuditSink(structured), meters, usage);
		}
		try {
			FileAuditSink sink = new FileAuditSink(file);
			FunctionCounter.builder("writ.audit.failures", sink, FileAuditSink::failures)
				.description("Audit events that could not be written to writ.audit.file")
				.register(meters);
			return new MeteringAuditSink(sink, meters, usage);
		}
		catch (IOException | RuntimeException ex) {
			throw new WritConfigurationException(List.of(auditFileProblem(file, ex)));
		}
	}

	// Which of the usual causes it is, in words: a missing directory, one Writ may not
	// write in, or a file it may not
	// append to.
	private static String auditFileProblem(Path file, Exception ex) {
		Path directory = file.toAbsolutePath().getParent();
		if (directory != null && !Files.isDirectory(directory)) {
			return "writ.audit.file: the directory " + directory + " does not exist; Writ creates the audit file, "
					+ "not its directory";
		}
		if (ex instanceof AccessDeniedException) {
			return "writ.audit.file: " + file + " cannot be opened for appending: permission denied (the file, or the "
					+ "directory " + directory + ", is not writable by this process)";
		}
		return "writ.audit.file: " + file + " cannot be opened for appending (" + ex.getClass().getSimpleName() + ")";
	}

	@Bean
	TokenStatus tokenStatus(KeyRing keys, Store store, Clock clock) {
		return new TokenStatus(new IssuedTokens(this.issuer, keys::current, clock), store,
				this.properties.token().maxTtl(), clock);
	}

	/**
	 * DPoP server nonces, which proofs must carry where {@code writ.dpop.require-nonce}.
	 */
	@Bean
	DpopNonces dpopNonces(KeyRing keys, Clock clock) {
		return new DpopNonceIssuer(this.issuer, keys::current, clock);
	}

	@Bean
	TokenExchangeService tokenExchangeService(PolicyStore policies, KeyRing keys, Store store, AuditSink audit,
			Clock clock, TokenStatus status, DpopNonces nonces, CredentialIssuer credentials) {
		Set<String> audiences = new LinkedHashSet<>();
		audiences.add(this.issuer);
		audiences.addAll(this.properties.audiences());
		SubjectTokenVerifier verifier = new SubjectTokenVerifier(audiences, this.properties.clockSkew(), clock,
				this.properties.trust().verifiedCacheSize());
		AccessTokenMinter minter = new AccessTokenMinter(this.issuer, keys::current);
		WritTokenVerifier writTokens = new WritTokenVerifier(
				new IssuedTokens(this.issuer, keys::current, clock)::recognise, status::revoked);
		// A proof's iat is taken within the clock skew either way, and at least 5 s: a
		// proof's iat is whole seconds (RFC 9449 §11.1).
		Duration window = this.properties.clockSkew().compareTo(Duration.ofSeconds(5)) < 0 ? Duration.ofSeconds(5)
				: this.properties.clockSkew();
		DpopVerifier dpop = new DpopVerifier(URI.create(this.issuer + "/oauth2/token"), window, clock,
				this.properties.dpop().requireNonce() ? nonces : null);
		return new TokenExchangeService(policies::current, verifier,
				new ExchangeOptions(writTokens, this.properties.delegation().maxDepth(), dpop, credentials), minter,
				store, store, audit, clock, this.properties.clockSkew());
	}

}
