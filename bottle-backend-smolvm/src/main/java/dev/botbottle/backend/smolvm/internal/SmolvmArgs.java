package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ResourceLimits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The argument lists of the smolvm commands the backend runs (without the binary). Pure functions, so what the
 * backend asks of smolvm is unit-tested without it.
 */
public final class SmolvmArgs {

    /** The guest's view of host loopback on smolvm's virtio-net (relayed to 127.0.0.1). */
    public static final String LOOPBACK_RELAY = "100.96.0.1";

    private SmolvmArgs() {
    }

    /**
     * @param machine the machine's name
     * @param image the image archive ({@code docker save} output)
     * @param labels labels for the machine
     * @param env the bottle's literal environment (not secret)
     * @param limits resource limits
     * @param allowed the one address the machine may reach (every port there: the host firewall limits them)
     * @param dns the upstream smolvm forwards every guest DNS query to: the gateway's DNS responder, which answers
     *            NXDOMAIN at once and audits the name
     * @return {@code machine create ...}
     */
    public static List<String> create(String machine, Path image, Map<String, String> labels, Map<String, String> env,
                                      ResourceLimits limits, String allowed, String dns) {
        List<String> args = new ArrayList<>(List.of("machine", "create", "--name", machine,
                "--image", image.toAbsolutePath().toString()));
        new TreeMap<>(labels).forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
        args.addAll(limits(limits));
        new TreeMap<>(env).forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        // --allow-cidr, not --allow-host: smolvm's DNS filter stays off, so it forwards every query to --dns (the
        // gateway's responder, which audits each name) instead of answering names itself
        args.addAll(List.of("--allow-cidr", allowed + "/32", "--dns", dns));
        return args;
    }

    /** @return {@code --cpus} and {@code --mem} for the limits smolvm has (no process limit) */
    public static List<String> limits(ResourceLimits limits) {
        List<String> args = new ArrayList<>();
        limits.cpus().ifPresent(c -> {
            long cpus = Math.max(1, (long) Math.ceil(c));
            if (cpus > 255) {
                throw new BackendException("smolvm machines have at most 255 CPUs; the bottle asks for " + c);
            }
            args.addAll(List.of("--cpus", Long.toString(cpus)));
        });
        limits.memoryBytes().ifPresent(m -> args.addAll(List.of("--mem",
                Long.toString(Math.max(1, (m + (1 << 20) - 1) >> 20)))));
        return args;
    }

    /** @return {@code machine start --name M} */
    public static List<String> start(String machine) {
        return List.of("machine", "start", "--name", machine);
    }

    /** @return {@code machine stop --name M} */
    public static List<String> stop(String machine) {
        return List.of("machine", "stop", "--name", machine);
    }

    /** @return {@code machine delete --name M -f} (without {@code -f} smolvm prompts, and EOF means "cancelled") */
    public static List<String> delete(String machine) {
        return List.of("machine", "delete", "--name", machine, "-f");
    }

    /** @return {@code machine status --name M --json} */
    public static List<String> status(String machine) {
        return List.of("machine", "status", "--name", machine, "--json");
    }

    /** @return {@code machine ls --json} */
    public static List<String> list() {
        return List.of("machine", "ls", "--json");
    }

    /**
     * @param machine the machine
     * @param secretNames guest variable name → host variable name (the value travels in smolvm's environment)
     * @param interactive {@code -i}: pump standard input (else {@code --stream})
     * @param tty {@code -t}
     * @param timeoutSeconds smolvm's own time-out, or 0 for none
     * @param guestArgv the guest command
     * @return {@code machine exec --name M ... -- guestArgv}
     */
    public static List<String> exec(String machine, Map<String, String> secretNames, boolean interactive, boolean tty,
                                    long timeoutSeconds, List<String> guestArgv) {
        List<String> args = new ArrayList<>(List.of("machine", "exec", "--name", machine));
        if (timeoutSeconds > 0) {
            args.addAll(List.of("--timeout", timeoutSeconds + "s"));
        }
        if (interactive) {
            args.add("-i");
        }
        if (tty) {
            args.add("-t");
        }
        if (!interactive && !tty) {
            args.add("--stream");
        }
        new TreeMap<>(secretNames).forEach((guest, host) -> args.addAll(List.of("--secret-env", guest + "=" + host)));
        args.add("--");
        args.addAll(guestArgv);
        return args;
    }

    /** @return {@code machine cp HOST M:GUEST --mode 600} (root-owned, for staging) */
    public static List<String> upload(String machine, Path host, String guest) {
        return List.of("machine", "cp", host.toAbsolutePath().toString(), machine + ":" + guest, "--mode", "600");
    }

    /** @return {@code machine cp M:GUEST HOST} */
    public static List<String> download(String machine, String guest, Path host) {
        return List.of("machine", "cp", machine + ":" + guest, host.toAbsolutePath().toString());
    }

    /**
     * Exec env names must be valid names and must not steer smolvm itself, since their values ride in its
     * environment under generated names.
     */
    static void checkEnvName(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new BackendException("exec environment variable name '" + name
                    + "' is not a valid name (letters, digits and _; not starting with a digit)");
        }
        if (name.equals(ExecWrapper.EXEC_ID_VARIABLE)) {
            throw new BackendException("exec environment variable '" + name + "' is reserved; rename it");
        }
    }
}
