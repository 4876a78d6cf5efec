package dev.writ.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * What every command runs with: where it writes its output and its messages, its clock,
 * and the environment whose server settings it reads.
 *
 * @param out the command's output (a token, a table, a decision)
 * @param err messages about the run and its problems
 * @param clock the time
 * @param environment the environment's variables, as the server beside the command would
 * see them
 */
record Console(PrintStream out, PrintStream err, Clock clock, Map<String, String> environment) {

	Console {
		environment = Map.copyOf(environment);
	}

}
