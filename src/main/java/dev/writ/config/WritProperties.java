package dev.writ.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Writ's settings, under {@code writ.*}: in {@code application.yaml}, as
 * {@code --writ.x=...} arguments or as {@code WRIT_X} environment variables.
 *
 * @param issuer this Writ's issuer identifier: the {@code iss} of its tokens, and an
 * audience subject tokens may name. An https URL; plain http only on a loopback host or
 * with {@code allow-plain-http}. Unset, the URL of the address and port Writ listens on
 * ({@code http://localhost:8080} on the defaults, {@code http://localhost:18081} with
 * {@code server.port=18081})
 * @param audiences further audiences a subject token may name to be accepted here
 * @param policiesDir the directory of policy files
 * @param policiesReloadInterval how often the policy files and trust material are checked
 * for changes; 0 turns hot reload off
 * @param keysDir the directory of signing keys, with {@code trust/} for trust material
 * and {@code demo/} for the demo trust domain's key
 * @param clockSkew the clock skew tolerated on subject tokens' {@code exp}, {@code nbf}
 * and {@code iat}, at most 60s
 * @param token issued token settings
 * @param keys signing key settings
 * @param trust how remote trust material (OIDC JWKS, SPIFFE bundle endpoints) is fetched
 * and kept
 * @param admin admin endpoints, all off by default
 * @param store the shared store: replay guard, revocations, rate limits
 * @param metrics who may scrape {@code /actuator/prometheus}
 * @param audit where the audit events go
 * @param exchanges how many token exchanges compute at once, and how long the rest wait
 * @param dpop what DPoP proofs must carry beyond RFC 9449's checks
 * @param credentials how just-in-time credentials are removed and their targets reached
 * @param allowPlainHttp serve plain http on an address other than loopback, and accept an
 * http issuer on any host: for a demo network, or behind a TLS-terminating proxy on the
 * same host. Unset, Writ without TLS ({@code server.ssl.bundle}) refuses to listen beyond
 * loopback
 */
@ConfigurationProperties("writ")
public record WritProperties(@Nullable String issuer, @DefaultValue List<String> audiences,
		@DefaultValue("policies") Path policiesDir, @DefaultValue("2s") Duration policiesReloadInterval,
		@DefaultValue("keys") Path keysDir, @DefaultValue("30s") Duration clockSkew, @DefaultValue Token token,
		@DefaultValue Keys keys, @DefaultValue Trust trust, @DefaultValue Admin admin, @DefaultValue Store store,
		@DefaultValue Metrics metrics, @DefaultValue Audit audit, @DefaultValue Exchanges exchanges,
		@DefaultValue Delegation delegation, @DefaultValue Dpop dpop, @DefaultValue Credentials credentials,
		@DefaultValue("false") boolean allowPlainHttp) {

	/**
	 * @param reapInterval how often every node removes the credentials whose leases are
	 * due (expired or revoked) from their targets: a Redis ACL user outlives its expiry
	 * by at most this much while its target answers (a PostgreSQL role's password stops
	 * working at its expiry by itself). 1s to 5m
	 * @param targetTimeout how long one call to a target may take to connect, and then to
	 * answer; a target that takes longer answers the request `temporarily_unavailable`.
	 * 1s to 30s
	 * @param secretsDir the directory a target's `password_file` is read from, relative
	 * to it: a policy file can name no other file. Keep only targets' admin passwords
	 * there
	 * @param allowedHosts the hosts and ports the targets of policy files may be, as
	 * `host:port`, or `host` for the kind's default port (5432, 6379): Writ sends a
	 * target's admin password to no other, whatever a policy file says. Empty (the
	 * default), no target is reached
	 */
	public record Credentials(@DefaultValue("10s") Duration reapInterval, @DefaultValue("5s") Duration targetTimeout,
			@DefaultValue("secrets") Path secretsDir, @DefaultValue List<String> allowedHosts) {

		public Credentials {
			if (reapInterval.compareTo(Duration.ofSeconds(1)) < 0
					|| reapInterval.compareTo(Duration.ofMinutes(5)) > 0) {
				throw new IllegalArgumentException("writ.credentials.reap-interval must be from 1s to 5m");
			}
			if (targetTimeout.compareTo(Duration.ofSeconds(1)) < 0
					|| targetTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
				throw new IllegalArgumentException("writ.credentials.target-timeout must be from 1s to 30s");
			}
		}

	}

	/**
	 * @param requireNonce demand a server nonce in every DPoP proof (RFC 9449 §8): a
	 * proof without the current one is refused with `use_dpop_nonce`, and every answer of
	 * the token endpoint carries a fresh nonce in `DPoP-Nonce`. Nonces are made from
	 * Writ's signing keys, so every node of a fleet takes every other's; each lives five
	 * to ten minutes. Off by default: a client then needs one round trip more per nonce
	 * period
	 */
	public record Dpop(@DefaultValue("false") boolean requireNonce) {
	}

	/**
	 * @param maxDepth the most hops the chain of a delegated token may hold (an actor
	 * acting for the subject, and each further exchange of a Writ token, count one each;
	 * `act` nests that deep at most); an exchange that would make it longer is refused
	 * with `invalid_request`. 1 to 16
	 */
	public record Delegation(@DefaultValue("4") int maxDepth) {

		public Delegation {
			if (maxDepth < 1 || maxDepth > 16) {
				throw new IllegalArgumentException(
						"writ.delegation.max-depth must be between 1 and 16, not " + maxDepth);
			}
		}

	}

	/**
	 * @param defaultTtl the lifetime of a token whose grant names none
	 * @param maxTtl the cap on every token's lifetime; a grant asking for more is refused
	 * at load
	 */
	public record Token(@DefaultValue("5m") Duration defaultTtl, @DefaultValue("1h") Duration maxTtl) {
	}

	/**
	 * @param algorithm the algorithm of a generated signing key: ES256 (default), ES384
	 * or RS256
	 * @param publishAhead how long a new key is published before it signs; longer than
	 * resource servers cache Writ's JWKS, plus {@code reload-interval}
	 * @param retireAfter how long a replaced key stays published; unset:
	 * {@code token.max-ttl} plus {@code clock-skew} plus a minute, the least that is
	 * refused below
	 * @param rotationPeriod how often Writ adds the next signing key itself; 0 where keys
	 * are managed outside Writ (then {@code java -jar writ.jar keys rotate} does it)
	 * @param reloadInterval how often the key directory is re-read and keys move through
	 * their schedule; 0 turns it off (keys then change state only at a restart)
	 * @param passphraseFile a file holding the passphrase of encrypted key files (a
	 * mounted secret); without it the environment variable {@code WRIT_KEYS_PASSPHRASE}
	 * is read. Generated keys are encrypted when a passphrase is set
	 */
	public record Keys(@DefaultValue("ES256") String algorithm, @DefaultValue("1h") Duration publishAhead,
			@Nullable Duration retireAfter, @DefaultValue("30d") Duration rotationPeriod,
			@DefaultValue("10s") Duration reloadInterval, @Nullable Path passphraseFile) {

		/**
		 * {@code retireAfter} as set, or the least safe value for tokens of
		 * {@code maxTtl} and {@code clockSkew}.
		 */
		public Duration retireAfter(Duration maxTtl, Duration clockSkew) {
			return (this.retireAfter != null) ? this.retireAfter : maxTtl.plus(clockSkew).plusMinutes(1);
		}

	}

	/**
	 * @param type {@code memory} (one node; the default) or {@code redis} (a fleet; set
	 * {@code spring.data.redis.*})
	 * @param memoryMaxEntries the most live entries the memory store holds; past it, it
	 * refuses rather than forget
	 * @param replicaAcks how many Redis replicas must acknowledge a one-time token's burn
	 * or a revocation ({@code WAIT}) before it counts, so that a failover cannot make a
	 * burned token usable again; unset: 1 with Sentinel or Cluster, 0 with one server.
	 * When fewer acknowledge in time the exchange is refused (503) and the burn taken
	 * back
	 * @param replicaAckTimeout how long a burn or revocation waits for the replicas of
	 * {@code writ.store.replica-acks}; shorter than {@code spring.data.redis.timeout}
	 */
	public record Store(@DefaultValue("memory") String type, @DefaultValue("1000000") int memoryMaxEntries,
			@Nullable Integer replicaAcks, @DefaultValue("200ms") Duration replicaAckTimeout) {
	}

	/**
	 * @param allowedNetworks the networks (CIDR, or single addresses) whose clients may
	 * scrape {@code /actuator/prometheus}; loopback only by default. Behind a proxy the
	 * proxy's address counts
	 */
	public record Metrics(@DefaultValue( {
			"127.0.0.0/8", "::1/128" }) List<String> allowedNetworks){
	}

	/**
	 * @param file a file of its own for the audit events, one JSON line each, appended to
	 * and created 0640; unset, they go to the {@code writ.audit} logger (standard output,
	 * as key-value pairs when logs are structured)
	 */
	public record Audit(@Nullable Path file) {
	}

	/**
	 * @param concurrency how many token requests compute at once (verify, decide, sign),
	 * requests to introspection, revocation and the admin endpoints included; the rest
	 * wait in the order they came. A request waiting on Redis or an issuer gives its
	 * place up meanwhile. Unset: two per processor the JVM sees, which keeps every core
	 * busy and a request's wait the queue ahead of it
	 * @param maxQueueWait how long a token request waits for its turn before it is
	 * refused with 503 {@code temporarily_unavailable} and {@code Retry-After}: an
	 * overloaded node answers rather than queue without bound
	 */
	public record Exchanges(@Nullable Integer concurrency, @DefaultValue("1s") Duration maxQueueWait) {

		/** The concurrency in force: as set, or two per processor. */
		public int permits() {
			return (this.concurrency != null) ? this.concurrency : 2 * Runtime.getRuntime().availableProcessors();
		}

	}

	/**
	 * @param explain serve {@code POST /admin/explain}, for callers holding a Writ access
	 * token for this Writ's issuer with scope {@code writ:explain}
	 */
	public record Admin(@DefaultValue("false") boolean explain) {
	}

	/**
	 * @param connectTimeout connect timeout of every fetch
	 * @param timeout deadline of a whole fetch: connecting, every redirect and the body's
	 * last byte; a server that drips its answer is cut off there
	 * @param refreshInterval how old remote keys may get before a background refresh
	 * @param minRefetchInterval the least time between two fetches for an unknown
	 * {@code kid}
	 * @param retryInterval the least time between a failed fetch and the next attempt
	 * @param maxStale how long the last good keys stay in use through an outage before
	 * the source fails closed
	 * @param allowLoopbackHttp allow plain http to loopback addresses (tests, local
	 * development only)
	 * @param verifiedCacheSize how many verified subject tokens to remember so that a
	 * repeat skips its signature check (never its time, audience, replay or policy
	 * checks); 0 turns the cache off
	 */
	public record Trust(@DefaultValue("2s") Duration connectTimeout, @DefaultValue("5s") Duration timeout,
			@DefaultValue("10m") Duration refreshInterval, @DefaultValue("30s") Duration minRefetchInterval,
			@DefaultValue("10s") Duration retryInterval, @DefaultValue("6h") Duration maxStale,
			@DefaultValue("false") boolean allowLoopbackHttp, @DefaultValue("10000") int verifiedCacheSize) {
	}

}
