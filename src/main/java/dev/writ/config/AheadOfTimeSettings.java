package dev.writ.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * The settings that Spring's build-time (ahead-of-time) processing fixes. With
 * {@code -Dspring.aot.enabled=true} Spring does not evaluate its conditions at start:
 * which parts exist was decided when the jar was built, from the settings the build saw.
 * A start whose settings would have chosen other parts is refused, naming each, rather
 * than served with parts its settings did not ask for. Written at build time by
 * {@code process-aot} (registered in {@code META-INF/spring/aot.factories}), checked at
 * start by {@link WritConfiguration}.
 *
 * <p>
 * The store is not among them: the build is processed with the Redis store's parts, and
 * with the memory store they are left out at start ({@link RedisOnlyWhenUsed}).
 */
final class AheadOfTimeSettings implements BeanFactoryInitializationAotProcessor {

	static final String RESOURCE = "META-INF/writ/aot-settings.properties";

	/** The settings read by conditions of the parts Writ runs, as the build saw them. */
	static final List<String> FIXED = List.of("spring.threads.virtual.enabled", "spring.autoconfigure.exclude",
			"spring.jmx.enabled", "spring.application.admin.enabled", "spring.mvc.formcontent.filter.enabled",
			"spring.mvc.hiddenmethod.filter.enabled", "spring.mvc.problemdetails.enabled",
			"spring.web.error.whitelabel.enabled", "spring.servlet.encoding.enabled", "server.forward-headers-strategy",
			"management.server.port", "management.endpoints.web.exposure.include",
			"management.endpoints.web.exposure.exclude", "management.endpoints.jmx.exposure.include",
			"management.endpoints.jmx.exposure.exclude", "management.endpoints.access.default",
			"management.endpoint.health.probes.enabled", "management.defaults.metrics.export.enabled",
			"management.prometheus.metrics.export.enabled", "management.health.defaults.enabled",
			"management.health.diskspace.enabled", "management.health.ssl.enabled", "management.health.ping.enabled",
			"management.health.livenessstate.enabled", "management.health.readinessstate.enabled",
			"management.health.redis.enabled", "spring.data.redis.repositories.enabled");

	@Override
	public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
		String recorded = write(values(beanFactory.getBean(ConfigurableEnvironment.class)));
		return (generation, code) -> generation.getGeneratedFiles().addResourceFile(RESOURCE, recorded);
	}

	/**
	 * Every fixed setting whose value here differs from the build's, when Spring runs
	 * from its build-time processing; nothing otherwise.
	 */
	static List<String> problems(Environment environment) {
		if (!AotDetector.useGeneratedArtifacts()) {
			return List.of();
		}
		Properties built = new Properties();
		try (InputStream in = AheadOfTimeSettings.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			if (in == null) {
				return List.of("spring.aot.enabled=true, but this jar was built without Writ's ahead-of-time "
						+ "processing: start it without -Dspring.aot.enabled=true");
			}
			built.load(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot read " + RESOURCE, ex);
		}
		Properties here = values(environment);
		List<String> problems = new ArrayList<>();
		for (String name : FIXED) {
			String now = here.getProperty(name);
			String then = built.getProperty(name);
			if (!Objects.equals(now, then)) {
				problems.add(name + " is " + shown(now) + ", but the jar's ahead-of-time processing fixed it at "
						+ shown(then) + " (spring.aot.enabled=true): start without -Dspring.aot.enabled=true to "
						+ "change it");
			}
		}
		return problems;
	}

	private static Properties values(Environment environment) {
		Binder binder = Binder.get(environment);
		Properties values = new Properties();
		for (String name : FIXED) {
			// A list (YAML's or a comma-separated one) compares by its items.
			binder.bind(name, String[].class)
				.map((items) -> String.join(",", items))
				.ifBound((value) -> values.setProperty(name, value));
		}
		return values;
	}

	private static String write(Properties values) {
		StringWriter out = new StringWriter();
		try {
			values.store(out, null);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		// Without the date that Properties writes first: the same build writes the same
		// file.
		return out.toString()
			.lines()
			.filter((line) -> !line.startsWith("#"))
			.sorted()
			.reduce("", (all, line) -> all + line + "\n");
	}

	private static String shown(@Nullable String value) {
		return (value == null) ? "unset" : value;
	}

}
