package dev.writ.credentials;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import dev.writ.policy.CredentialTarget;

/**
 * One broker per target, made on first use and made again when a reload changes the
 * target: a connection never outlives the configuration it was made for.
 */
public final class Brokers implements AutoCloseable {

	private final Function<String, String> environment;

	private final Duration timeout;

	private final Path secrets;

	private final Map<String, Entry> brokers = new HashMap<>();

	/**
	 * @param environment reads an environment variable (admin passwords from
	 * {@code password_env})
	 * @param timeout how long one call to a target may take to connect, and then to
	 * answer
	 * @param secrets the directory admin password files are read from
	 */
	public Brokers(Function<String, String> environment, Duration timeout, Path secrets) {
		this.environment = environment;
		this.timeout = timeout;
		this.secrets = secrets.toAbsolutePath();
	}

	/** The broker of a target. */
	public synchronized Broker of(CredentialTarget target) {
		Entry entry = this.brokers.get(target.id());
		if (entry != null && entry.target().equals(target)) {
			return entry.broker();
		}
		if (entry != null) {
			entry.broker().close();
		}
		Broker broker = switch (target.kind()) {
			case POSTGRESQL -> new PostgresqlBroker(target, this.environment, this.timeout, this.secrets);
			case REDIS -> new RedisAclBroker(target, this.environment, this.timeout, this.secrets);
		};
		this.brokers.put(target.id(), new Entry(target, broker));
		return broker;
	}

	@Override
	public synchronized void close() {
		this.brokers.values().forEach((entry) -> entry.broker().close());
		this.brokers.clear();
	}

	private record Entry(CredentialTarget target, Broker broker) {
	}

}
