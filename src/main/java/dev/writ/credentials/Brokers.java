package dev.writ.credentials;

import java.util.HashMap;
import java.util.Map;

import dev.writ.policy.CredentialTarget;

/**
 * One broker per target, made on first use and made again when a reload changes the
 * target: a connection never outlives the configuration it was made for.
 */
public final class Brokers implements AutoCloseable {

	private final BrokerSettings settings;

	private final Map<String, Entry> brokers = new HashMap<>();

	public Brokers(BrokerSettings settings) {
		this.settings = settings;
	}

	/** The broker of a target. */
	public synchronized Broker of(CredentialTarget target) {
		Entry entry = this.brokers.get(target.id());
		if (entry != null && entry.target().equals(target)) {
			return entry.broker();
		}
		if (entry != null) {
			try {
				entry.broker().close();
			}
			catch (RuntimeException ex) {
				// a client that does not close stops no new one
			}
		}
		Broker broker = switch (target.kind()) {
			case POSTGRESQL -> new PostgresqlBroker(target, this.settings);
			case REDIS -> new RedisAclBroker(target, this.settings);
		};
		this.brokers.put(target.id(), new Entry(target, broker));
		return broker;
	}

	/**
	 * Refuses a target whose host the operator does not allow.
	 * @throws TargetUnavailableException when it is not
	 */
	public void checkHost(CredentialTarget target) {
		this.settings.checkHost(target);
	}

	@Override
	public synchronized void close() {
		this.brokers.values().forEach((entry) -> entry.broker().close());
		this.brokers.clear();
	}

	private record Entry(CredentialTarget target, Broker broker) {
	}

}
