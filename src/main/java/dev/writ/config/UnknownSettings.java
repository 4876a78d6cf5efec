package dev.writ.config;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Finds {@code writ.*} settings that no property binds — a typo that would otherwise be
 * ignored and leave a default in force — and suggests the nearest valid name. Every
 * source counts: arguments, files, system properties and {@code WRIT_*} environment
 * variables, whose names are compared in the two forms Spring Boot binds
 * ({@code writ.token.max-ttl} from {@code WRIT_TOKEN_MAXTTL} or
 * {@code WRIT_TOKEN_MAX_TTL}).
 */
final class UnknownSettings {

	/**
	 * Read by Writ outside Spring's binding, before Spring starts, and only from where
	 * this map says: anywhere else they would be ignored without a word, so there they
	 * are refused with where to put them instead.
	 */
	static final Map<String, String> OUTSIDE_PROPERTIES = Map.of("writ.crypto.provider",
			"a JVM system property (-Dwrit.crypto.provider) or the environment variable WRIT_CRYPTO_PROVIDER",
			"writ.keys.passphrase",
			"the environment variable WRIT_KEYS_PASSPHRASE, or a file named by writ.keys.passphrase-file; never a property");

	// 0 needs no unit: it means the same in every one ("0 turns hot reload off").
	private static final Pattern BARE_NUMBER = Pattern.compile("\\s*[+-]?0*[1-9]\\d*\\s*");

	private static final Pattern INDEX = Pattern.compile("\\[\\d+]|\\.\\d+(?=\\.|$)");

	private static final Pattern ENV_INDEX = Pattern.compile("_\\d+(?=_|$)");

	/**
	 * The variables Kubernetes puts into every pod for each service of its namespace
	 * (service links): a service named {@code writ} or {@code writ-redis} gives
	 * {@code WRIT_SERVICE_HOST}, {@code WRIT_PORT}, {@code WRIT_REDIS_PORT_6379_TCP_ADDR}
	 * and so on. They are not settings, and must not stop Writ.
	 */
	private static final Pattern KUBERNETES_SERVICE_LINK = Pattern.compile(
			"WRIT(_[A-Z0-9_]+)?_(SERVICE_(HOST|PORT)(_[A-Z0-9_]+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)");

	private UnknownSettings() {
	}

	/**
	 * The names of every {@code writ.*} setting, in kebab case, as {@link WritProperties}
	 * binds them.
	 */
	static Set<String> known() {
		Set<String> names = new TreeSet<>();
		collect("writ", WritProperties.class, names);
		return names;
	}

	/** The names of the {@code writ.*} settings that are durations. */
	static Set<String> durations() {
		Set<String> names = new TreeSet<>();
		collect("writ", WritProperties.class, names, Duration.class);
		return names;
	}

	private static void collect(String prefix, Class<?> type, Set<String> names) {
		collect(prefix, type, names, null);
	}

	// Every leaf setting, or only those of type {@code of} where it is not null.
	private static void collect(String prefix, Class<?> type, Set<String> names, @Nullable Class<?> of) {
		for (RecordComponent component : type.getRecordComponents()) {
			String name = prefix + "." + kebab(component.getName());
			if (component.getType().isRecord()) {
				collect(name, component.getType(), names, of);
			}
			else if (of == null || of.equals(component.getType())) {
				names.add(name);
			}
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	/**
	 * One problem for every {@code writ.*} duration set as a bare number, by the
	 * setting's name: Spring would read {@code 15} as 15 milliseconds, never what was
	 * meant. Each problem names the setting and the value it was given.
	 */
	static Map<String, String> unitlessDurations(Environment environment) {
		Map<String, String> problems = new LinkedHashMap<>();
		for (String name : durations()) {
			String value = environment.getProperty(name);
			if (value != null && BARE_NUMBER.matcher(value).matches()) {
				problems.put(name,
						name + "=" + value.trim() + " has no unit: write it with one, such as " + value.trim() + "s, "
								+ value.trim() + "m or " + value.trim()
								+ "h (a bare number would be read as milliseconds)");
			}
		}
		return problems;
	}

	/** One problem for every unknown {@code writ.*} setting in {@code environment}. */
	static List<String> problems(ConfigurableEnvironment environment) {
		Set<String> known = known();
		Set<String> environmentKnown = new TreeSet<>(known);
		environmentKnown.addAll(OUTSIDE_PROPERTIES.keySet());
		Set<String> problems = new LinkedHashSet<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
				continue;
			}
			boolean env = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(source.getName());
			boolean systemProperties = StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME
				.equals(source.getName());
			for (String name : enumerable.getPropertyNames()) {
				String problem;
				if (env) {
					problem = environmentProblem(name, environmentKnown);
				}
				else if (systemProperties && "writ.crypto.provider".equals(name)) {
					problem = null;
				}
				else if (OUTSIDE_PROPERTIES.containsKey(relaxedLower(name))) {
					problem = name + " is read only from " + OUTSIDE_PROPERTIES.get(relaxedLower(name));
				}
				else {
					problem = propertyProblem(name, known);
				}
				if (problem != null) {
					problems.add(problem);
				}
			}
		}
		return new ArrayList<>(problems);
	}

	private static @Nullable String propertyProblem(String name, Set<String> known) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (!lower.startsWith("writ.")) {
			return null;
		}
		String unindexed = INDEX.matcher(lower).replaceAll("");
		String relaxed = relaxed(unindexed);
		for (String candidate : known) {
			if (relaxed(candidate).equals(relaxed)) {
				return null;
			}
		}
		return name + " is not a Writ setting" + suggestion(unindexed, known);
	}

	private static @Nullable String environmentProblem(String name, Set<String> known) {
		if (!name.startsWith("WRIT_") || KUBERNETES_SERVICE_LINK.matcher(name).matches()) {
			return null;
		}
		String unindexed = ENV_INDEX.matcher(name).replaceAll("");
		for (String candidate : known) {
			if (EnvironmentNames.all(candidate).contains(unindexed)) {
				return null;
			}
		}
		String nearest = nearest(unindexed, known, EnvironmentNames::canonical);
		return "environment variable " + name + " is not a Writ setting" + ((nearest != null)
				? "; did you mean " + EnvironmentNames.canonical(nearest) + " (" + nearest + ")?" : "");
	}

	private static String relaxedLower(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		for (String outside : OUTSIDE_PROPERTIES.keySet()) {
			if (relaxed(outside).equals(relaxed(lower))) {
				return outside;
			}
		}
		return lower;
	}

	// Spring Boot binds writ.token.max-ttl from writ.token.maxTtl, writ.token.max_ttl and
	// writ.token.maxttl alike.
	private static String relaxed(String name) {
		return name.replace("-", "").replace("_", "");
	}

	private static String suggestion(String name, Set<String> known) {
		String nearest = nearest(name, known, UnaryOperator.identity());
		return (nearest != null) ? "; did you mean " + nearest + "?" : "";
	}

	/**
	 * The known setting whose {@code form} is nearest to {@code name}, if near enough to
	 * be the one meant.
	 */
	private static @Nullable String nearest(String name, Set<String> known, UnaryOperator<String> form) {
		String nearest = null;
		int best = Math.max(3, name.length() / 4) + 1;
		for (String candidate : known) {
			int distance = distance(name, form.apply(candidate));
			if (distance < best) {
				best = distance;
				nearest = candidate;
			}
		}
		return nearest;
	}

	// Levenshtein distance.
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
