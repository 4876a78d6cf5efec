package dev.writ.credentials;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

import dev.writ.policy.CredentialTarget;

/**
 * What every broker is given by the operator, never by a policy file: where admin
 * passwords are read, how long a call may take, and the hosts a target may be — so that
 * whoever edits policies cannot send an admin password to a host of their choosing.
 *
 * @param environment reads an environment variable ({@code password_env})
 * @param timeout how long one call to a target may take to connect, and then to answer
 * @param secrets the directory {@code password_file}s are read from
 * @param allowedHosts the hosts ({@code host}, or {@code host:port}) targets may be
 * ({@code writ.credentials.allowed-hosts}); none allowed when empty
 */
public record BrokerSettings(Function<String, String> environment, Duration timeout, Path secrets,
		Set<String> allowedHosts) {

	public BrokerSettings {
		secrets = secrets.toAbsolutePath();
		allowedHosts = Set.copyOf(allowedHosts);
	}

	/**
	 * Refuses a target whose host is not allowed, before its password is read.
	 * @throws TargetUnavailableException when it is not
	 */
	void checkHost(CredentialTarget target) {
		if (!target.hostIn(this.allowedHosts)) {
			throw new TargetUnavailableException("target " + target.id() + ": its host " + target.host() + ":"
					+ target.port() + " is not in writ.credentials.allowed-hosts", true);
		}
	}

}
