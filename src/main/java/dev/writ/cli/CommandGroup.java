package dev.writ.cli;

import java.util.List;

/**
 * A group of commands ({@code policy}, {@code keys}, {@code dev}): runs the one named
 * with the words after it.
 */
interface CommandGroup {

	/**
	 * Runs a command of the group and returns its exit code.
	 * @param command the command's name in the group ({@code check} for
	 * {@code policy check})
	 * @param words the words after it
	 * @throws UsageException if the group has no such command, or the words do not fit it
	 */
	int run(String command, List<String> words);

}
