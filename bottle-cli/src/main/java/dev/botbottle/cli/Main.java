package dev.botbottle.cli;

import dev.botbottle.spi.BottleException;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Entry point of the {@code bottle} command.
 *
 * <p>Exit codes: 0 success; 2 a problem the user can fix (bad manifest, unknown agent, missing credential, a
 * backend that is not available) — one readable message, no stack trace unless {@code --debug}; 1 an unexpected
 * failure; {@code bottle exec} passes the command's own exit code through.
 *
 * @since 0.1
 */
public final class Main {

    /** Exit code of a problem the user can fix. */
    public static final int PROBLEM = 2;

    private Main() {
    }

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        boolean interactive = System.console() != null;
        System.exit(run(args, System.out, System.err, System.getenv(), interactive));
    }

    /**
     * Runs the command as {@link #main} does, with the given streams and environment, and returns the exit code.
     *
     * @param args command-line arguments
     * @param out standard output
     * @param err standard error
     * @param env environment variables
     * @param interactive whether a person is at a terminal
     * @return the exit code
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, boolean interactive) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        Logging.configure(debug);
        Console console = new Console(out, err, env, interactive);
        CommandLine cli = new CommandLine(new BottleCommand(console));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof BottleException || e instanceof IllegalArgumentException) {
                err.println("bottle: " + e.getMessage());
                if (debug) {
                    e.printStackTrace(err);
                } else if (e.getCause() != null && !(e instanceof BottleException)) {
                    err.println("(run with --debug for details)");
                }
                return PROBLEM;
            }
            err.println("bottle: unexpected failure: " + e);
            if (debug) {
                e.printStackTrace(err);
            } else {
                err.println("(run with --debug for the stack trace)");
            }
            return 1;
        });
        cli.setParameterExceptionHandler((e, argv) -> {
            err.println("bottle: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return PROBLEM;
        });
        return cli.execute(args);
    }
}
