package dev.botbottle.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * The streams and environment a command runs with; tests pass their own.
 *
 * @param out standard output: results (plans, lists, JSON)
 * @param err standard error: progress, warnings, problems
 * @param env the environment variables
 * @param interactive whether a person is at a terminal (prompts, confirmations, attached shells)
 */
record Console(PrintStream out, PrintStream err, Map<String, String> env, boolean interactive) {
}
