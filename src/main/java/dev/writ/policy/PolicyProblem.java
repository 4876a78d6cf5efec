package dev.writ.policy;

import java.nio.file.Path;

/**
 * One problem in a policy file, where it is and what is wrong.
 *
 * @param file the file, as given to the loader
 * @param line the 1-based line, or 0 when the problem concerns the whole file
 * @param message what is wrong, in a sentence
 */
public record PolicyProblem(Path file, int line, String message) {

	@Override
	public String toString() {
		return (this.line > 0) ? this.file + ":" + this.line + ": " + this.message : this.file + ": " + this.message;
	}

}
