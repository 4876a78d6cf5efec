package dev.writ.agent;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.writ.client.AccessToken;
import dev.writ.client.WritClient;
import dev.writ.client.WritClientException;

/**
 * {@code java -jar writ-agent.jar token|agent}:
 * <ul>
 * <li>{@code token [WRIT AND IDENTITY] [--audience A] [--scope S]...}: prints one token
 * and a newline; exit 0, 1 when Writ gave none (its error on standard error), 2 on a
 * usage error.</li>
 * <li>{@code agent --config FILE}: keeps the configuration's token files fresh until
 * stopped ({@link Agent}, {@link AgentConfig}).</li>
 * </ul>
 * Writ and the identity: {@code --credentials FILE}, or {@code --issuer URL} or
 * {@code --token-url URL} with {@code --identity-file PATH}, {@code --identity-env NAME}
 * or {@code --github-actions} ({@link ClientSettings}); without any,
 * {@code WRIT_CREDENTIALS} names the credential file.
 */
public final class WritAgentCli {

	static final int OK = 0;

	static final int NO_TOKEN = 1;

	static final int USAGE = 2;

	private static final String USAGE_TEXT = """
			usage: java -jar writ-agent.jar token [WRIT AND IDENTITY] [--audience A] [--scope S]...
			       java -jar writ-agent.jar agent --config FILE
			WRIT AND IDENTITY: --credentials FILE (an external_account file; WRIT_CREDENTIALS names one by default)
			  or (--issuer URL | --token-url URL) with (--identity-file PATH | --identity-env NAME | --github-actions)
			  [--subject-token-type jwt|id_token]""";

	private WritAgentCli() {
	}

	public static void main(String[] args) {
		// The status server's bounds, in seconds: a client that sends a request slowly or
		// reads an answer slowly is cut off (the JDK's default is never).
		System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "5"));
		System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "5"));
		if (args.length > 0 && args[0].equals("agent")) {
			System.exit(agent(args, System.err));
		}
		System.exit(run(args, System.out, System.err, System.getenv()));
	}

	/** {@code token} (and usage); the exit status. */
	static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
		if (args.length == 0 || !args[0].equals("token")) {
			err.println((args.length == 0 || args[0].startsWith("-") || args[0].equals("help")) ? USAGE_TEXT
					: "writ-agent: unknown command '" + args[0] + "'\n" + USAGE_TEXT);
			return USAGE;
		}
		Map<String, String> settings = new LinkedHashMap<>();
		String audience = null;
		List<String> scopes = new ArrayList<>();
		List<String> problems = new ArrayList<>();
		for (int i = 1; i < args.length; i++) {
			String option = args[i];
			if (option.equals("--github-actions")) {
				settings.put("github_actions", "true");
				continue;
			}
			if (i + 1 >= args.length) {
				problems.add(option + " needs a value");
				continue;
			}
			String value = args[++i];
			switch (option) {
				case "--audience" -> audience = value;
				case "--scope" -> scopes.addAll(List.of(value.trim().split(" +")));
				case "--credentials", "--issuer", "--token-url", "--identity-file", "--identity-env",
						"--subject-token-type" ->
					settings.put(option.substring(2).replace('-', '_'), value);
				default -> problems.add("unknown option '" + option + "'");
			}
		}
		if (settings.isEmpty() && environment.containsKey("WRIT_CREDENTIALS")) {
			settings.put("credentials", environment.get("WRIT_CREDENTIALS"));
		}
		if (!problems.isEmpty()) {
			problems.forEach((p) -> err.println("writ-agent: " + p));
			err.println(USAGE_TEXT);
			return USAGE;
		}
		try (WritClient client = ClientSettings.client(settings)) {
			String target = (audience != null) ? audience : client.defaultAudience().orElse(null);
			if (target == null) {
				err.println("writ-agent: --audience: no credential file names one");
				return USAGE;
			}
			AccessToken token = client.token(target, scopes.toArray(String[]::new));
			out.println(token.value());
			return OK;
		}
		catch (UsageException ex) {
			ex.problems().forEach((p) -> err.println("writ-agent: " + p));
			return USAGE;
		}
		catch (IllegalArgumentException ex) {
			err.println("writ-agent: " + ex.getMessage());
			return USAGE;
		}
		catch (WritClientException ex) {
			err.println("writ-agent: no token: " + ex.getMessage());
			return NO_TOKEN;
		}
	}

	private static int agent(String[] args, PrintStream err) {
		if (args.length != 3 || !args[1].equals("--config")) {
			err.println(USAGE_TEXT);
			return USAGE;
		}
		Agent agent;
		try {
			agent = Agent.start(AgentConfig.read(Path.of(args[2])), err);
		}
		catch (UsageException ex) {
			ex.problems().forEach((p) -> err.println("writ-agent: " + p));
			return USAGE;
		}
		CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			agent.close();
			stopped.countDown();
		}));
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return OK;
	}

}
