package dev.writ.credentials;

import java.time.Instant;
import java.util.List;

import dev.writ.policy.CredentialTemplate;

/**
 * Creates and removes the credentials of one target, as its admin. Every call is bounded
 * by a timeout and answers {@link TargetUnavailableException} when the target does not do
 * what was asked.
 */
public interface Broker extends AutoCloseable {

	/**
	 * Creates a user that can log in with {@code password} until {@code expiresAt} and do
	 * what {@code template} allows, nothing more.
	 */
	void create(String username, String password, Instant expiresAt, CredentialTemplate template);

	/**
	 * Removes a user and ends its sessions; removing one that is not there does nothing.
	 */
	void remove(String username);

	/**
	 * The usernames at the target that begin with {@code prefix} and that, where the
	 * target can mark a user, Writ marked as its own.
	 */
	List<String> usernames(String prefix);

	@Override
	void close();

}
