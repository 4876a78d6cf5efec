package dev.writ.keys;

import java.util.List;

/** Key files that cannot be used, with every problem found, each naming its file. */
public final class KeyConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	// Never serialized: an exception of Writ lives in one JVM, where it is reported.
	private final transient List<String> problems;

	public KeyConfigurationException(List<String> problems) {
		super("key files refused: " + String.join("; ", problems));
		this.problems = List.copyOf(problems);
	}

	/** Every problem found, one per line, each naming its file. */
	public List<String> problems() {
		return this.problems;
	}

}
