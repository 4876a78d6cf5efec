package dev.writ.credentials;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The settings of brokers in tests: targets on loopback ports the test names, no
 * environment variables.
 */
final class TestBrokers {

	private TestBrokers() {
	}

	static BrokerSettings settings(Duration timeout, Path secrets, int... ports) {
		return new BrokerSettings(Map.<String, String>of()::get, timeout, secrets,
				Arrays.stream(ports).mapToObj((port) -> "127.0.0.1:" + port).collect(Collectors.toSet()));
	}

}
