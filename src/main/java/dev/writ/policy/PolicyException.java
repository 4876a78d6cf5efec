package dev.writ.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy set refused whole, with every problem found in it. */
public final class PolicyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	// Never serialized: an exception of Writ lives in one JVM, where it is reported.
	private final transient List<PolicyProblem> problems;

	public PolicyException(List<PolicyProblem> problems) {
		super("policies refused, " + problems.size() + " problem(s):\n"
				+ problems.stream().map((p) -> "  " + p).collect(Collectors.joining("\n")));
		this.problems = List.copyOf(problems);
	}

	/** Every problem, in file and line order. */
	public List<PolicyProblem> problems() {
		return this.problems;
	}

}
