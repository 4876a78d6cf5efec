package dev.writ.agent;

import java.util.List;

/**
 * What is wrong with how the agent or {@code token} was asked to run: every problem, each
 * on its line.
 */
final class UsageException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	@SuppressWarnings("serial") // an immutable List.copyOf, never serialised
	private final List<String> problems;

	UsageException(List<String> problems) {
		super(String.join("\n", problems));
		this.problems = List.copyOf(problems);
	}

	List<String> problems() {
		return this.problems;
	}

}
