package dev.botbottle.backend.smolvm.testdouble;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Host commands the smolvm test double runs (docker, iptables), with argv arrays only. */
final class DoubleHost {

    private DoubleHost() {
    }

    /**
     * What a host command returned.
     *
     * @param exit its exit code
     * @param out its standard output
     * @param err its standard error
     */
    record Run(int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }
    }

    /** Thrown to end the double with smolvm's own error convention: {@code Error: ...} on stderr, exit 1. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int exit;

        Failure(String message) {
            this(message, 1);
        }

        Failure(String message, int exit) {
            super(message);
            this.exit = exit;
        }
    }

    static Run run(String... argv) {
        return run(List.of(argv), null, Map.of());
    }

    static Run run(List<String> argv, byte[] stdin, Map<String, String> env) {
        try {
            Path out = Files.createTempFile("smolvm-double-", ".out");
            Path err = Files.createTempFile("smolvm-double-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv)).redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (stdin != null) {
                    p.getOutputStream().write(stdin);
                }
                p.getOutputStream().close();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new Failure("host command did not finish: " + argv);
                }
                return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted");
        }
    }

    static String check(String what, String... argv) {
        Run r = run(argv);
        if (!r.ok()) {
            throw new Failure(what + ": " + r.err().strip());
        }
        return r.out();
    }

    static String iptablesRestore(String script) {
        Run r = run(List.of("iptables-restore", "-w", "--noflush"), script.getBytes(StandardCharsets.US_ASCII), Map.of());
        if (!r.ok()) {
            throw new Failure("the double could not install its allow-list firewall: " + r.err().strip());
        }
        return r.out();
    }
}
