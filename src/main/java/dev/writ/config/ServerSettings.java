package dev.writ.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import dev.writ.error.Failures;
import dev.writ.keys.Passphrase;
import dev.writ.trust.HttpFetcher;
import dev.writ.trust.RemoteKeys;
import dev.writ.trust.TrustFactory;

/**
 * The settings a Writ server would take from an environment, read as the server reads
 * them: the jar's {@code application.yaml} ({@code server.address}, {@code server.port}),
 * under the environment's variables with Spring Boot's relaxed names
 * ({@code WRIT_TOKEN_MAXTTL} and {@code WRIT_TOKEN_MAX_TTL} both set
 * {@code writ.token.max-ttl}), under a command's own options, bound to
 * {@link WritProperties} by Spring Boot's {@link Binder}. The command line reads the
 * server's settings only here, so that a command run beside the server, with its
 * environment, cannot disagree with it.
 */
public final class ServerSettings {

	private final ConfigurableEnvironment environment;

	private final Map<String, String> variables;

	private final WritProperties properties;

	private ServerSettings(ConfigurableEnvironment environment, Map<String, String> variables,
			WritProperties properties) {
		this.environment = environment;
		this.variables = variables;
		this.properties = properties;
	}

	/**
	 * Reads the settings of {@code variables}, and nothing of this process's own
	 * environment or system properties.
	 * @param variables the environment's variables, as the server would see them
	 * @param overrides settings by property name ({@code writ.token.max-ttl}) that win
	 * over the environment
	 * @throws WritConfigurationException for a setting the server would refuse to start
	 * with: a bare-number duration, a value that cannot be bound
	 */
	public static ServerSettings read(Map<String, String> variables, Map<String, String> overrides) {
		Map<String, String> copy = Map.copyOf(variables);
		ConfigurableEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		// Named as the server's, so that Spring Boot maps names the way it maps the real
		// environment's.
		String name = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
		sources.replace(name, new SystemEnvironmentPropertySource(name, Collections.unmodifiableMap(copy)));
		sources.addFirst(new MapPropertySource("the command's options", Collections.unmodifiableMap(overrides)));
		applicationYaml().forEach(sources::addLast);
		ConfigurationPropertySources.attach(environment);
		Map<String, String> unitless = UnknownSettings.unitlessDurations(environment);
		if (!unitless.isEmpty()) {
			throw new WritConfigurationException(List.copyOf(unitless.values()));
		}
		try {
			return new ServerSettings(environment, copy,
					Binder.get(environment).bindOrCreate("writ", WritProperties.class));
		}
		catch (BindException ex) {
			throw new WritConfigurationException(List.of(problem(ex)));
		}
	}

	private static List<PropertySource<?>> applicationYaml() {
		try {
			return new YamlPropertySourceLoader().load("application.yaml",
					new ClassPathResource("application.yaml", ServerSettings.class.getClassLoader()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the jar's application.yaml cannot be read", ex);
		}
	}

	private static String problem(BindException ex) {
		ConfigurationProperty property = ex.getProperty();
		if (property == null) {
			return Failures.message(ex);
		}
		return property.getName() + "=" + property.getValue()
				+ ((property.getOrigin() != null) ? " (" + property.getOrigin() + ")" : "") + " is not a "
				+ ex.getTarget().getType().toClass().getSimpleName();
	}

	/** The {@code writ.*} settings, with the server's defaults where unset. */
	public WritProperties properties() {
		return this.properties;
	}

	/** The issuer the server would take: {@code writ.issuer}, else where it listens. */
	public ListeningIssuer.Derived issuer() {
		return ListeningIssuer.issuer(this.properties.issuer(), this.environment::getProperty);
	}

	/**
	 * The passphrase of the key files: from {@code writ.keys.passphrase-file}, else the
	 * environment's variable.
	 */
	public Passphrase passphrase() {
		return Passphrase.resolve(this.properties.keys().passphraseFile(),
				this.variables.get(Passphrase.ENVIRONMENT_VARIABLE));
	}

	/**
	 * A trust factory with the server's settings that fetches nothing and connects to
	 * nothing, for a command.
	 */
	public TrustFactory offlineTrustFactory(Clock clock) {
		return trustFactory(this.properties.trust(), clock, Runnable::run, false);
	}

	/**
	 * The trust factory of {@code trust}; {@code live}: one that connects to Workload
	 * APIs, not only checks.
	 */
	static TrustFactory trustFactory(WritProperties.Trust trust, Clock clock, Executor executor, boolean live) {
		HttpFetcher http = new HttpFetcher(trust.connectTimeout(), trust.timeout(), trust.allowLoopbackHttp());
		RemoteKeys.RefreshPolicy policy = new RemoteKeys.RefreshPolicy(trust.refreshInterval(),
				trust.minRefetchInterval(), trust.retryInterval(), trust.maxStale());
		return new TrustFactory(http, policy, clock, executor, live);
	}

}
