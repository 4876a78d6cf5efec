package dev.writ.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpServer;
import dev.writ.client.AccessToken;
import dev.writ.client.TokenRequest;
import dev.writ.client.WritClient;
import dev.writ.client.WritClientException;
import org.jspecify.annotations.Nullable;

/**
 * Keeps one token file per target fresh, the way spiffe-helper keeps SVID files: four
 * times a second it asks its {@link WritClient} for each target's token (answered from
 * the client's cache, which refreshes at 60-75% of a token's life) and, when the token
 * has changed, replaces the file whole ({@link AtomicFile}, mode 0600). A failure leaves
 * the file as it is (its token is valid until it expires) and is reported in the status:
 * printed, written to the status file and served at {@code /healthz}, never with a token.
 */
final class Agent implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofMillis(250);

	private final WritClient client;

	private final List<TargetState> slots;

	private final @Nullable Path statusFile;

	private final @Nullable HttpServer health;

	private final PrintStream log;

	private final Clock clock;

	private final Set<PosixFilePermission> fileMode;

	private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "writ-agent");
		thread.setDaemon(true);
		return thread;
	});

	private Agent(WritClient client, List<TargetState> slots, @Nullable Path statusFile, @Nullable HttpServer health,
			PrintStream log, Clock clock, Set<PosixFilePermission> fileMode) {
		this.fileMode = fileMode;
		this.client = client;
		this.slots = slots;
		this.statusFile = statusFile;
		this.health = health;
		this.log = log;
		this.clock = clock;
	}

	/**
	 * An agent for {@code config}, started: its first round is done when this returns.
	 */
	static Agent start(AgentConfig config, PrintStream log) {
		WritClient client = ClientSettings.client(config.client());
		List<TargetState> slots = new ArrayList<>();
		try {
			for (AgentConfig.Target target : config.targets()) {
				slots.add(new TargetState(target.request(client.defaultAudience().orElse(null)), target.file()));
			}
		}
		catch (RuntimeException ex) {
			client.close();
			throw ex;
		}
		HttpServer health = null;
		InetSocketAddress address = config.healthAddress();
		if (address != null) {
			try {
				health = HttpServer.create(address, 8);
				// Its own threads, so one slow client cannot hold the status up (requests
				// and
				// answers are bounded by WritAgentCli's sun.net.httpserver limits).
				health.setExecutor(Executors.newFixedThreadPool(2, (task) -> {
					Thread thread = new Thread(task, "writ-agent-health");
					thread.setDaemon(true);
					return thread;
				}));
				if (!address.getAddress().isLoopbackAddress()) {
					log.println("writ-agent: the status at " + address + " is open to whoever reaches it: each target's"
							+ " audience, scopes, file and last error (never a token)");
				}
			}
			catch (IOException ex) {
				client.close();
				throw new UsageException(List
					.of("health_address " + address + ": cannot listen (" + ex.getClass().getSimpleName() + ")"));
			}
		}
		Agent agent = new Agent(client, List.copyOf(slots), config.statusFile(), health, log, Clock.systemUTC(),
				config.groupReadable() ? AtomicFile.OWNER_AND_GROUP : AtomicFile.OWNER_ONLY);
		if (health != null) {
			health.createContext("/healthz", (exchange) -> {
				byte[] body = agent.statusJson().getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.getResponseHeaders().add("Cache-Control", "no-store");
				exchange.sendResponseHeaders(agent.healthy() ? 200 : 503, body.length);
				try (OutputStream out = exchange.getResponseBody()) {
					out.write(body);
				}
			});
			health.start();
		}
		agent.round();
		// round() catches what it can throw: the schedule never ends but by close().
		Future<?> unused = agent.rounds.scheduleWithFixedDelay(agent::round, INTERVAL.toMillis(), INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
		return agent;
	}

	/** Where the status is served, if it is. */
	@Nullable InetSocketAddress healthAddress() {
		return (this.health != null) ? this.health.getAddress() : null;
	}

	/** One pass over the targets; never throws, so the next round runs. */
	void round() {
		boolean changed = false;
		for (TargetState slot : this.slots) {
			try {
				changed |= refresh(slot);
			}
			catch (RuntimeException | Error ex) {
				if (slot.failed("agent_error", ex.getClass().getName(), this.clock.instant())) {
					changed = true;
					this.log.println("writ-agent: refreshing " + slot.file + " failed: " + ex.getClass().getName());
				}
			}
		}
		if (changed) {
			writeStatus();
		}
	}

	private boolean refresh(TargetState slot) {
		Instant now = this.clock.instant();
		AccessToken token;
		try {
			token = this.client.token(slot.request);
		}
		catch (WritClientException ex) {
			boolean first = slot.failed(ex.error(), ex.description().orElse(""), now);
			if (first) {
				this.log.println("writ-agent: no token for " + slot.request + ": " + ex.getMessage()
						+ ((slot.expiresAt != null) ? "; " + slot.file + " holds one until " + slot.expiresAt : ""));
			}
			return first;
		}
		if (token.value().equals(slot.written)) {
			return false;
		}
		try {
			AtomicFile.write(slot.file, token.value().getBytes(StandardCharsets.US_ASCII), this.fileMode);
		}
		catch (IOException ex) {
			boolean first = slot.failed("file_error",
					"cannot write " + slot.file + " (" + ex.getClass().getSimpleName() + ")", now);
			if (first) {
				this.log.println("writ-agent: cannot write " + slot.file + ": " + ex.getMessage());
			}
			return first;
		}
		slot.written(token, now);
		this.log
			.println("writ-agent: wrote " + slot.file + " (" + slot.request + ", expires " + token.expiresAt() + ")");
		return true;
	}

	/** Whether every file holds a token that has not expired. */
	boolean healthy() {
		Instant now = this.clock.instant();
		return this.slots.stream().allMatch((slot) -> slot.expiresAt != null && slot.expiresAt.isAfter(now));
	}

	String statusJson() {
		List<Object> targets = new ArrayList<>();
		for (TargetState slot : this.slots) {
			targets.add(slot.status());
		}
		Map<String, Object> status = new LinkedHashMap<>();
		status.put("healthy", healthy());
		status.put("targets", targets);
		return JSONObjectUtils.toJSONString(status);
	}

	private void writeStatus() {
		Path file = this.statusFile;
		if (file == null) {
			return;
		}
		try {
			AtomicFile.write(file, (statusJson() + "\n").getBytes(StandardCharsets.UTF_8), AtomicFile.READABLE);
		}
		catch (IOException ex) {
			this.log.println("writ-agent: cannot write the status file " + file + ": " + ex.getMessage());
		}
	}

	@Override
	public void close() {
		this.rounds.shutdownNow();
		if (this.health != null) {
			this.health.stop(0);
		}
		this.client.close();
	}

}
