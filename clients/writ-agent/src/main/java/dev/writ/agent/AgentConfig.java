package dev.writ.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.writ.client.TokenRequest;
import org.jspecify.annotations.Nullable;

/**
 * An agent's configuration, a JSON file:
 *
 * <pre>{@code
 * {"credentials": "/etc/writ/credentials.json",
 *  "targets": [{"audience": "https://payments.example.org", "scopes": ["payments:charge"],
 *               "file": "/run/writ/payments.token"}],
 *  "status_file": "/run/writ/status.json",
 *  "health_address": "127.0.0.1:9412"}
 * }</pre>
 *
 * Writ and the identity as {@link ClientSettings} says; a target's audience defaults to
 * the credential file's. Every problem is listed at once; an unknown key is one.
 *
 * @param client the client settings
 * @param targets the token files to keep fresh
 * @param statusFile where the status is written, if anywhere
 * @param healthAddress where the status is served, if anywhere
 * @param groupReadable whether token files are {@code 0640} ({@code "file_mode": "0640"})
 * rather than {@code 0600}: for a workload in another container that shares the agent's
 * group (Kubernetes' fsGroup)
 */
record AgentConfig(Map<String, String> client, List<Target> targets, @Nullable Path statusFile,
		@Nullable InetSocketAddress healthAddress, boolean groupReadable) {

	private static final Set<String> TARGET_KEYS = Set.of("audience", "scopes", "file");

	/**
	 * A token file and what it holds: the audience (null: the credential file's) and
	 * scopes.
	 */
	record Target(@Nullable String audience, List<String> scopes, Path file) {

		TokenRequest request(@Nullable String defaultAudience) {
			String audience = (this.audience != null) ? this.audience : defaultAudience;
			if (audience == null) {
				throw new UsageException(List.of(this.file + ": no audience, and no credential file to take one from"));
			}
			return TokenRequest.of(audience, this.scopes);
		}

	}

	static AgentConfig read(Path path) {
		Map<String, Object> json;
		try {
			json = JSONObjectUtils.parse(Files.readString(path));
		}
		catch (IOException ex) {
			throw new UsageException(List.of(path + ": cannot be read (" + ex.getClass().getSimpleName() + ")"));
		}
		catch (ParseException ex) {
			throw new UsageException(List.of(path + ": not a JSON object"));
		}
		List<String> problems = new ArrayList<>();
		Map<String, String> client = new LinkedHashMap<>();
		for (Map.Entry<String, Object> entry : json.entrySet()) {
			String key = entry.getKey();
			Object value = entry.getValue();
			if (ClientSettings.KEYS.contains(key)) {
				if (key.equals("github_actions")) {
					if (Boolean.TRUE.equals(value)) {
						client.put(key, "true");
					}
					else if (!Boolean.FALSE.equals(value)) {
						problems.add("github_actions is true or false");
					}
				}
				else if (value instanceof String text) {
					client.put(key, text);
				}
				else {
					problems.add(key + " is not a string");
				}
			}
			else if (!Set.of("targets", "status_file", "health_address", "file_mode").contains(key)) {
				problems.add("unknown key '" + key + "'");
			}
		}
		List<Target> targets = targets(json.get("targets"), problems);
		Path statusFile = (json.get("status_file") instanceof String file) ? Path.of(file) : null;
		if (json.containsKey("status_file") && statusFile == null) {
			problems.add("status_file is not a string");
		}
		InetSocketAddress health = null;
		if (json.containsKey("health_address")) {
			health = address(json.get("health_address"), problems);
		}
		Object mode = json.get("file_mode");
		if (mode != null && !"0600".equals(mode) && !"0640".equals(mode)) {
			problems.add("file_mode is \"0600\" (the default) or \"0640\"");
		}
		// No file is written over another the agent reads or writes.
		List<Path> others = new ArrayList<>();
		for (String key : List.of("identity_file", "credentials")) {
			String file = client.get(key);
			if (file != null) {
				others.add(Path.of(file).toAbsolutePath().normalize());
			}
		}
		for (Target target : targets) {
			if (others.contains(target.file())) {
				problems.add("the token file " + target.file() + " is the agent's own identity or credential file");
			}
		}
		if (statusFile != null) {
			Path status = statusFile.toAbsolutePath().normalize();
			if (others.contains(status) || targets.stream().anyMatch((t) -> t.file().equals(status))) {
				problems.add("status_file " + status + " is a token, identity or credential file");
			}
		}
		if (!problems.isEmpty()) {
			throw new UsageException(problems.stream().map((p) -> path + ": " + p).toList());
		}
		return new AgentConfig(client, targets, statusFile, health, "0640".equals(mode));
	}

	private static List<Target> targets(@Nullable Object value, List<String> problems) {
		if (!(value instanceof List<?> list) || list.isEmpty()) {
			problems.add("targets: a list of at least one {audience, scopes, file}");
			return List.of();
		}
		List<Target> targets = new ArrayList<>();
		Set<Path> files = new java.util.HashSet<>();
		for (int i = 0; i < list.size(); i++) {
			String where = "targets[" + i + "]";
			if (!(list.get(i) instanceof Map<?, ?> target)) {
				problems.add(where + " is not an object");
				continue;
			}
			for (Object key : target.keySet()) {
				if (!TARGET_KEYS.contains(String.valueOf(key))) {
					problems.add(where + ": unknown key '" + key + "'");
				}
			}
			Object audience = target.get("audience");
			if (audience != null && !(audience instanceof String)) {
				problems.add(where + ".audience is not a string");
			}
			List<String> scopes = new ArrayList<>();
			Object given = target.get("scopes");
			if (given instanceof List<?> each) {
				for (Object scope : each) {
					if (scope instanceof String text) {
						scopes.add(text);
					}
					else {
						problems.add(where + ".scopes holds something other than strings");
					}
				}
			}
			else if (given != null) {
				problems.add(where + ".scopes is not a list");
			}
			if (!(target.get("file") instanceof String file)) {
				problems.add(where + ".file: the token file's path");
				continue;
			}
			Path path = Path.of(file).toAbsolutePath().normalize();
			if (!files.add(path)) {
				problems.add(where + ".file: another target writes " + path);
			}
			try {
				Target made = new Target((audience instanceof String text) ? text : null, scopes, path);
				if (made.audience() != null) {
					made.request(null);
				}
				targets.add(made);
			}
			catch (IllegalArgumentException ex) {
				problems.add(where + ": " + ex.getMessage());
			}
		}
		return targets;
	}

	private static @Nullable InetSocketAddress address(@Nullable Object value, List<String> problems) {
		if (value instanceof String text) {
			int colon = text.lastIndexOf(':');
			if (colon > 0) {
				try {
					int port = Integer.parseInt(text.substring(colon + 1));
					String host = text.substring(0, colon).replace("[", "").replace("]", "");
					if (port >= 0 && port <= 65535) {
						return new InetSocketAddress(host, port);
					}
				}
				catch (NumberFormatException ex) {
					// refused below
				}
			}
		}
		problems.add("health_address is HOST:PORT, such as 127.0.0.1:9412");
		return null;
	}

}
