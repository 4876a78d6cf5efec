package dev.writ;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.writ.cli.WritCli;
import dev.writ.keys.Crypto;
import dev.writ.policy.Condition;

/**
 * Writ: an OAuth 2.0 Token Exchange (RFC 8693) server for workload identity federation.
 */
@SpringBootApplication
public class WritApplication {

	/**
	 * Serves, or with a command ({@code policy check}, {@code dev svid}, ...) runs that
	 * command and exits.
	 */
	public static void main(String[] args) {
		if (WritCli.isCommand(args)) {
			System.exit(new WritCli(System.out, System.err, Clock.systemUTC(), System.getenv()).run(args));
		}
		carriersPerProcessor(2);
		Crypto.prepareInBackground();
		Condition.prepareInBackground();
		SpringApplication.run(WritApplication.class, args);
	}

	/** The JVM's setting of how many platform threads carry the virtual ones. */
	static final String CARRIERS = "jdk.virtualThreadScheduler.parallelism";

	/**
	 * Unless the JVM was told otherwise
	 * ({@code -Djdk.virtualThreadScheduler.parallelism}), carries virtual threads on
	 * {@code perProcessor} platform threads a processor, where the JVM would take one. A
	 * virtual thread keeps its carrier until it blocks, so with one carrier a core a
	 * request that has just arrived can wait long behind those taking their turns to
	 * compute; with two, the operating system shares each core between them. Measured:
	 * docs/benchmarks.md, "The tail under load". Must run before the first virtual thread
	 * is made.
	 */
	static void carriersPerProcessor(int perProcessor) {
		if (System.getProperty(CARRIERS) == null) {
			System.setProperty(CARRIERS, Integer.toString(perProcessor * Runtime.getRuntime().availableProcessors()));
		}
	}

}
