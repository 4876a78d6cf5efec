package dev.writ.config;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Leaves out Spring Boot's Redis auto-configuration unless {@code writ.store.type=redis}:
 * with the memory store no connection factory, template, listener container or Lettuce
 * event loop is defined, and their classes (Lettuce, Reactor, Netty: about 1,000) are
 * never loaded. Registered in {@code META-INF/spring.factories}.
 *
 * <p>
 * Under Spring's build-time processing ({@code spring.aot.enabled=true}) no
 * auto-configuration is filtered at start: the build is processed with the Redis store,
 * and {@link #leaveOutUnused} removes those parts' definitions at start when the memory
 * store is in use.
 */
final class RedisOnlyWhenUsed implements AutoConfigurationImportFilter, EnvironmentAware {

	private static final String REDIS_AUTO_CONFIGURATION = "org.springframework.boot.data.redis.";

	private static final String SPRING_DATA_REDIS = "org.springframework.data.redis.";

	private static final String LETTUCE = "io.lettuce.";

	private boolean redis;

	@Override
	public void setEnvironment(Environment environment) {
		this.redis = redis(environment);
	}

	private static boolean redis(Environment environment) {
		return "redis".equals(environment.getProperty("writ.store.type", "memory"));
	}

	/**
	 * With the memory store, removes every bean definition of Spring Boot's Redis
	 * auto-configuration and of Spring Data Redis, before any is made. Without Spring's
	 * build-time processing the filter has already left them out, and there is none.
	 */
	static void leaveOutUnused(ConfigurableListableBeanFactory beanFactory) {
		if (redis(beanFactory.getBean(Environment.class))
				|| !(beanFactory instanceof BeanDefinitionRegistry registry)) {
			return;
		}
		for (String name : registry.getBeanDefinitionNames()) {
			BeanDefinition definition = registry.getBeanDefinition(name);
			if (isRedis(name) || isRedis(definition.getBeanClassName()) || isRedis(definition.getFactoryBeanName())) {
				registry.removeBeanDefinition(name);
			}
		}
	}

	private static boolean isRedis(@Nullable String name) {
		return name != null && (name.startsWith(REDIS_AUTO_CONFIGURATION) || name.startsWith(SPRING_DATA_REDIS)
				|| name.startsWith(LETTUCE));
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
