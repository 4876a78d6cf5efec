package dev.writ.spring.client;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

/**
 * Redirects not followed where Writ tokens are sent. The JDK's HTTP client (and others)
 * copy a request's headers, {@code Authorization} included, to wherever a redirect
 * points: an open redirect at a target would hand its token to any host. So with targets
 * named, Spring Boot's HTTP clients default to
 * {@code spring.http.clients.redirects=dont-follow}; an application that asks to follow
 * them is refused at start.
 */
final class WritRedirects implements EnvironmentPostProcessor {

	static final String PROPERTY = "spring.http.clients.redirects";

	private static final List<String> ALL = List.of(PROPERTY, "spring.http.client.redirects",
			"spring.http.reactiveclient.redirects");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getProperty(PROPERTY) == null) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("writ-client-redirects", Map.of(PROPERTY, "dont-follow")));
		}
	}

	/** The redirect setting that would follow redirects, if one does. */
	static @Nullable String followed(Environment environment) {
		for (String name : ALL) {
			String value = Binder.get(environment).bind(name, Bindable.of(String.class)).orElse(null);
			if (value != null && !value.replaceAll("[-_]", "").toLowerCase(Locale.ROOT).equals("dontfollow")) {
				return name + "=" + value;
			}
		}
		return null;
	}

}
