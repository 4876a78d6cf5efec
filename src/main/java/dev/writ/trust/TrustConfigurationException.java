package dev.writ.trust;

import java.util.List;

/** Trust material that cannot be used, with every problem found in it. */
public final class TrustConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	// Never serialized: an exception of Writ lives in one JVM, where it is reported.
	private final transient List<String> problems;

	public TrustConfigurationException(List<String> problems) {
		super(String.join("; ", problems));
		this.problems = List.copyOf(problems);
	}

	/** Every problem found, one sentence each. */
	public List<String> problems() {
		return this.problems;
	}

}
