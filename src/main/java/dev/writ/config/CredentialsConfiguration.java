package dev.writ.config;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

import dev.writ.audit.LogText;
import dev.writ.credentials.BrokerSettings;
import dev.writ.credentials.Brokers;
import dev.writ.credentials.CredentialIssuer;
import dev.writ.credentials.LeaseReaper;
import dev.writ.policy.PolicyStore;
import dev.writ.store.Store;
import dev.writ.store.StoreUnavailableException;

/**
 * Just-in-time credentials ({@code writ.credentials.*}): the brokers of the policies'
 * targets, the issuer the exchange calls, and the reaper every node runs in the
 * background.
 */
@Configuration(proxyBeanMethods = false)
@DependsOn("writConfiguration")
class CredentialsConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(CredentialsConfiguration.class);

	private final WritProperties properties;

	CredentialsConfiguration(WritProperties properties) {
		this.properties = properties;
	}

	@Bean(destroyMethod = "close")
	Brokers brokers() {
		WritProperties.Credentials settings = this.properties.credentials();
		return new Brokers(new BrokerSettings(System::getenv, settings.targetTimeout(), settings.secretsDir(),
				new java.util.LinkedHashSet<>(settings.allowedHosts())));
	}

	@Bean
	LeaseReaper leaseReaper(Store store, Brokers brokers, PolicyStore policies, Clock clock) {
		return new LeaseReaper(store, brokers, policies::current, clock);
	}

	@Bean
	CredentialIssuer credentialIssuer(Store store, Brokers brokers, LeaseReaper reaper, Clock clock) {
		return new CredentialIssuer(store, brokers, reaper, clock);
	}

	/**
	 * The reaper's rounds, a second after start (a node that restarts removes what fell
	 * due while it was away) and every {@code writ.credentials.reap-interval} after.
	 */
	@Bean(destroyMethod = "shutdownNow")
	ScheduledExecutorService leaseReaping(LeaseReaper reaper) {
		Duration interval = this.properties.credentials().reapInterval();
		return Periodic.start("writ-lease-reaper", Duration.ofSeconds(1), interval, () -> {
			try {
				int removed = reaper.reap();
				if (removed > 0) {
					logger.info("Removed {} credentials whose leases were due", removed);
				}
			}
			catch (StoreUnavailableException ex) {
				logger.warn("The lease reaper cannot read the leases ({}); it tries again in {}",
						LogText.safe(ex.getMessage()), interval);
			}
		});
	}

}
