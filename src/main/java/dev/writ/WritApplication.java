package dev.writ;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.writ.cli.WritCli;
import dev.writ.keys.Crypto;

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
		Crypto.prepareInBackground();
		SpringApplication.run(WritApplication.class, args);
	}

}
