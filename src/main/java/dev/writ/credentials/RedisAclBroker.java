package dev.writ.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import dev.writ.gate.ComputeGate;
import dev.writ.policy.CredentialTarget;
import dev.writ.policy.CredentialTemplate;

/**
 * Redis: an ACL user per credential, reset first and then given the grant's command, key
 * and channel rules and nothing else. Its password reaches Redis as its SHA-256
 * ({@code #…}) only. Redis has no expiry for users: the reaper removes them, and
 * {@code ACL DELUSER} ends their connections. One admin connection per call, with bounded
 * timeouts.
 */
final class RedisAclBroker implements Broker {

	/** Rules appended to every user's, after the grant's. */
	static final List<String> ALWAYS_DENIED = List.of("-@admin", "-@dangerous", "-@scripting", "-select", "-swapdb",
			"-flushall", "-flushdb", "-keys", "-scan", "-randomkey", "-dbsize", "-move", "-copy", "-migrate", "-wait",
			"-client|tracking", "-pubsub|channels", "-pubsub|numsub", "-pubsub|shardchannels", "-pubsub|shardnumsub",
			"-cluster|getkeysinslot", "-cluster|countkeysinslot");

	private final CredentialTarget target;

	private final BrokerSettings settings;

	private final RedisClient client;

	RedisAclBroker(CredentialTarget target, BrokerSettings settings) {
		this.target = target;
		this.settings = settings;
		this.client = RedisClient.create();
		this.client.setOptions(ClientOptions.builder()
			.autoReconnect(false)
			.socketOptions(SocketOptions.builder().connectTimeout(settings.timeout()).build())
			.timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
			.build());
	}

	@Override
	public void create(String username, String password, Instant expiresAt, CredentialTemplate template) {
		if (!(template instanceof CredentialTemplate.RedisUser user)) {
			throw new IllegalArgumentException("not a redis credential");
		}
		run("create an ACL user", (redis) -> {
			// SETUSER changes a user that exists: never one Writ did not just name.
			if (redis.aclUsers().contains(username)) {
				throw TargetUnavailableException.exists(this.target.id(), username);
			}
			CommandArgs<String, String> rules = new CommandArgs<>(StringCodec.UTF8).add("SETUSER")
				.add(username)
				.add("reset")
				.add("resetchannels")
				.add("on")
				.add(Secrets.redisHash(password));
			user.keys().forEach((pattern) -> rules.add("~" + pattern));
			user.channels().forEach((pattern) -> rules.add("&" + pattern));
			user.commands().forEach(rules::add);
			// Last, so that they win over any category the grant names (+@slow holds
			// ACL and CONFIG, +@write FLUSHALL): nothing that administers the server,
			// touches every key at once or lists key names beyond the patterns.
			ALWAYS_DENIED.forEach(rules::add);
			return redis.dispatch(CommandType.ACL, new StatusOutput<>(StringCodec.UTF8), rules);
		});
	}

	@Override
	public void remove(String username) {
		run("remove an ACL user", (redis) -> redis.aclDeluser(username));
	}

	@Override
	public List<String> usernames(String prefix) {
		return run("list ACL users",
				(redis) -> redis.aclUsers().stream().filter((name) -> name.startsWith(prefix)).toList());
	}

	// The server's answer to one command is a refusal of it, unless it says the
	// server as a whole is not serving (loading, busy, a replica, no primary) or that
	// the admin may not run ACL at all.
	private static boolean unreachable(RuntimeException ex) {
		if (!(ex instanceof io.lettuce.core.RedisCommandExecutionException)) {
			return true;
		}
		String message = String.valueOf(ex.getMessage());
		return message.startsWith("LOADING") || message.startsWith("BUSY") || message.startsWith("READONLY")
				|| message.startsWith("MASTERDOWN") || message.startsWith("NOPERM");
	}

	private static int database(String url) {
		int slash = url.indexOf('/', url.indexOf("://") + 3);
		return (slash < 0) ? 0 : Integer.parseInt(url.substring(slash + 1));
	}

	@Override
	public void close() {
		this.client.shutdown(Duration.ZERO, this.settings.timeout());
	}

	private <T> T run(String step, Function<RedisCommands<String, String>, T> work) {
		char[] password = AdminPassword.read(this.target, this.settings);
		// Waiting on the target gives up the request's turn to compute.
		try {
			// The host and port Writ checked against writ.credentials.allowed-hosts, and
			// no other: never a reading of the URL of Lettuce's own.
			String host = this.target.host();
			RedisURI uri = RedisURI.builder()
				.withHost(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
				.withPort(this.target.port())
				.withSsl(this.target.url().startsWith("rediss://"))
				.withVerifyPeer(true)
				.withDatabase(database(this.target.url()))
				.build();
			uri.setCredentialsProvider(io.lettuce.core.RedisCredentialsProvider
				.from(() -> io.lettuce.core.RedisCredentials.just(this.target.adminUsername(), password)));
			uri.setTimeout(this.settings.timeout());
			return ComputeGate.<T, RuntimeException>whileWaiting(() -> {
				try (StatefulRedisConnection<String, String> connection = this.client.connect(uri)) {
					return work.apply(connection.sync());
				}
			});
		}
		catch (TargetUnavailableException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw new TargetUnavailableException(
					"target " + this.target.id() + ": could not " + step + " (" + ex.getClass().getSimpleName() + ")",
					unreachable(ex));
		}
		finally {
			Arrays.fill(password, '\0');
		}
	}

}
