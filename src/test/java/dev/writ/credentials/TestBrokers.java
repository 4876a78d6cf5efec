package dev.writ.credentials;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The settings of brokers in tests: targets on loopback, no environment variables. */
final class TestBrokers {

	private TestBrokers() {
	}

	static BrokerSettings settings(Duration timeout, Path secrets) {
		return new BrokerSettings(Map.<String, String>of()::get, timeout, secrets, Set.of("127.0.0.1"));
	}

}
