package dev.writ.config;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Leaves out Spring Boot's Redis auto-configuration unless {@code writ.store.type=redis}:
 * with the memory store no connection factory, template, listener container or Lettuce
 * event loop is defined, and their classes (Lettuce, Reactor, Netty: about 1,000) are
 * never loaded. Registered in {@code META-INF/spring.factories}.
 */
final class RedisOnlyWhenUsed implements AutoConfigurationImportFilter, EnvironmentAware {

	private static final String REDIS_AUTO_CONFIGURATION = "org.springframework.boot.data.redis.";

	private boolean redis;

	@Override
	public void setEnvironment(Environment environment) {
		this.redis = "redis".equals(environment.getProperty("writ.store.type", "memory"));
	}

	@Override
	public boolean[] match(String[] candidates, AutoConfigurationMetadata metadata) {
		boolean[] matches = new boolean[candidates.length];
		for (int i = 0; i < candidates.length; i++) {
			matches[i] = this.redis || candidates[i] == null || !candidates[i].startsWith(REDIS_AUTO_CONFIGURATION);
		}
		return matches;
	}

}
