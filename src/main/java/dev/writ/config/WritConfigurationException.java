package dev.writ.config;

import java.util.List;

/**
 * Settings Writ refuses to start with, or a command to run with, with every problem
 * found.
 */
public final class WritConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	// Never serialized: an exception of Writ lives in one JVM, where it is reported.
	private final transient List<String> problems;

	WritConfigurationException(List<String> problems) {
		super("settings refused: " + String.join("; ", problems));
		this.problems = List.copyOf(problems);
	}

	public List<String> problems() {
		return this.problems;
	}

}
