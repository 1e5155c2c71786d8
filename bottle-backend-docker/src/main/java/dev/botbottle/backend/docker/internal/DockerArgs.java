package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.BottleSpec;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ResourceLimits;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the argument lists of the docker commands (without the binary). Pure functions, so what the backend
 * asks of docker is unit-tested without an engine.
 */
public final class DockerArgs {

    /**
     * The capabilities root keeps in a bottle; everything else is dropped. Provisioning runs as root and must
     * write files for the agent user (CHOWN, FOWNER for chmod of files it does not own, DAC_OVERRIDE to write
     * into the agent's 0700 directories), and tools such as {@code useradd}, {@code su} or package scripts switch
     * users (SETUID, SETGID). No NET_RAW (no raw sockets, no ping), no NET_ADMIN, no SYS_*, no MKNOD.
     */
    public static final List<String> KEPT_CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID");

    /** Environment variable carrying an exec's id, so a timed-out command can be found and killed. */
    public static final String EXEC_ID_VARIABLE = "BOT_BOTTLE_EXEC_ID";

    private DockerArgs() {
    }

    /**
     * @param spec the bottle
     * @return the labels every object of the bottle carries: the spec's, then ours (ours win)
     */
    public static Map<String, String> labels(BottleSpec spec) {
        Map<String, String> labels = new TreeMap<>(spec.labels());
        labels.put(Names.MANAGED_LABEL, "true");
        labels.put(Names.SLUG_LABEL, spec.slug());
        labels.put(Names.AGENT_LABEL, spec.agent());
        return labels;
    }

    /**
     * @param spec the bottle
     * @return {@code network create --internal ...}
     */
    public static List<String> networkCreate(BottleSpec spec) {
        List<String> args = new ArrayList<>(List.of("network", "create", "--internal", "--driver", "bridge",
                "-o", "com.docker.network.bridge.name=" + Names.bridgeInterface(spec.slug())));
        addLabels(args, labels(spec));
        args.add(Names.network(spec.slug()));
        return args;
    }

    /**
     * @param spec the bottle
     * @param runsc whether to use the gVisor runtime
     * @param weakIsolation whether the bottle runs without the host firewall chain
     * @param bridgeAddress the bottle network's gateway address on the host
     * @return {@code create ...} for the bottle's container, idling under an init so exec works
     */
    public static List<String> containerCreate(BottleSpec spec, boolean runsc, boolean weakIsolation,
                                               String bridgeAddress) {
        List<String> args = new ArrayList<>(List.of("create", "--name", Names.container(spec.slug()),
                "--hostname", hostname(spec.slug()),
                "--network", Names.network(spec.slug()),
                "--init",
                "--cap-drop", "ALL"));
        for (String cap : KEPT_CAPABILITIES) {
            args.add("--cap-add");
            args.add(cap);
        }
        args.addAll(List.of("--security-opt", "no-new-privileges"));
        if (!weakIsolation) {
            // The bottle needs no DNS: clients hand host names to the proxy. Docker's embedded resolver forwards
            // outside names to the upstream servers, and engines before 23.0.11/25.0.4/26.0 do it from the host's
            // namespace when the host resolver is on loopback (CVE-2024-29018), a leak from an internal network.
            // Its only upstream is made the bridge address, where the host firewall chain rejects port 53: every
            // outside name fails at once, and no query leaves the host.
            args.addAll(List.of("--dns", bridgeAddress));
        }
        if (runsc) {
            args.add("--runtime=runsc");
        }
        args.addAll(limits(spec.limits()));
        Map<String, String> labels = labels(spec);
        labels.put(Names.ISOLATION_LABEL, weakIsolation ? "weak" : "firewall");
        addLabels(args, labels);
        // the bottle's own environment is literal and not secret (BottleSpec): it may go on the command line
        new TreeMap<>(spec.env()).forEach((name, value) -> {
            args.add("-e");
            args.add(name + "=" + value);
        });
        args.addAll(List.of("--entrypoint", "sleep", spec.image().reference(), "infinity"));
        return args;
    }

    /**
     * @param spec the bottle
     * @param runsc whether to use the gVisor runtime
     * @param weakIsolation whether the bottle runs without the host firewall chain
     * @param bridgeAddress the bottle network's gateway address on the host
     * @return {@code run -d ...}: {@link #containerCreate} and {@code start} in one engine call
     */
    public static List<String> containerRun(BottleSpec spec, boolean runsc, boolean weakIsolation,
                                            String bridgeAddress) {
        List<String> args = containerCreate(spec, runsc, weakIsolation, bridgeAddress);
        args.set(0, "run");
        args.add(1, "-d");
        return args;
    }

    /**
     * The container that holds a bottle's gateway address ({@code docker.gateway=container}): on the bottle's
     * internal network (connected to the engine's default {@code bridge} afterwards, for the upstreams), idle under an
     * init, with no capability, a read-only root and ports below 1024 open to any user of its network namespace (the
     * gateway's DNS responder listens on 53). {@code host.docker.internal} names this host, as on Docker Desktop.
     *
     * @param spec the bottle
     * @param image the image it idles in (the base image)
     * @return {@code run -d ...}
     */
    public static List<String> gatewayHolderRun(BottleSpec spec, String image) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", Names.gatewayHolder(spec.slug()),
                "--network", Names.network(spec.slug()), "--init", "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges", "--read-only",
                "--sysctl", "net.ipv4.ip_unprivileged_port_start=0",
                "--add-host", "host.docker.internal:host-gateway"));
        Map<String, String> labels = labels(spec);
        labels.put(Names.ROLE_LABEL, Names.ROLE_GATEWAY);
        addLabels(args, labels);
        args.addAll(List.of("--entrypoint", "sleep", image, "infinity"));
        return args;
    }

    /**
     * The container a bottle's gateway program runs in: in its holder's network namespace, attached (standard input
     * is the program's configuration, credentials and lifeline), removed when it ends, as the host user that owns the
     * state directory, with no capability, a read-only root and a private {@code /tmp} (where Netty unpacks its
     * native libraries). The state and control directories are mounted at their host paths, the read-only files
     * read-only; nothing else of the host is.
     *
     * @param slug the bottle
     * @param image the gateway image
     * @param user {@code uid:gid}
     * @param mounts host paths to mount at the same paths, read-write
     * @param readOnly host paths to mount at the same paths, read-only
     * @param java the {@code java} executable in the image
     * @param javaArgs the arguments after it (class path, main class, program arguments: no secret)
     * @return {@code run -i --rm ...}
     */
    public static List<String> gatewayProgramRun(String slug, String image, String user, List<Path> mounts,
                                                 List<Path> readOnly, String java, List<String> javaArgs) {
        List<String> args = new ArrayList<>(List.of("run", "-i", "--rm", "--name", Names.gatewayProgram(slug),
                "--network", "container:" + Names.gatewayHolder(slug), "--user", user, "--cap-drop", "ALL",
                "--security-opt", "no-new-privileges", "--read-only", "--tmpfs", "/tmp:rw,exec,nosuid,size=256m",
                "--log-driver", "none"));
        for (Path p : mounts) {
            args.addAll(List.of("--mount", "type=bind,source=" + p + ",target=" + p));
        }
        for (Path p : readOnly) {
            args.addAll(List.of("--mount", "type=bind,source=" + p + ",target=" + p + ",readonly"));
        }
        addLabels(args, Map.of(Names.MANAGED_LABEL, "true", Names.SLUG_LABEL, slug,
                Names.ROLE_LABEL, Names.ROLE_GATEWAY_PROGRAM));
        args.addAll(List.of("--entrypoint", java, image));
        args.addAll(javaArgs);
        return args;
    }

    /** @return the slug cut to a valid host name (63 characters, no trailing hyphen) */
    static String hostname(String slug) {
        String name = slug.length() <= 63 ? slug : slug.substring(0, 63);
        return name.replaceAll("-+$", "");
    }

    /**
     * @param limits the bottle's limits
     * @return the matching {@code --cpus}, {@code --memory}, {@code --pids-limit} options
     */
    public static List<String> limits(ResourceLimits limits) {
        List<String> args = new ArrayList<>();
        limits.cpus().ifPresent(c -> args.addAll(List.of("--cpus", BigDecimal.valueOf(c).stripTrailingZeros().toPlainString())));
        limits.memoryBytes().ifPresent(m -> args.addAll(List.of("--memory", Long.toString(m))));
        limits.pids().ifPresent(p -> args.addAll(List.of("--pids-limit", Integer.toString(p))));
        return args;
    }

    /**
     * Builds {@code exec}. Every env variable is passed as {@code -e NAME} without its value: docker copies the
     * value from its own process environment, where the caller puts it, so no value reaches a command line.
     *
     * @param container the container
     * @param request the command
     * @param user the user to run as (already resolved)
     * @param workdir the working directory, if known
     * @param interactive {@code -i}: attach standard input
     * @param tty {@code -t}: allocate a terminal
     * @param execId the exec's id, or {@code null} for none
     * @return the argument list
     */
    public static List<String> exec(String container, ExecRequest request, String user, String workdir,
                                    boolean interactive, boolean tty, String execId) {
        List<String> args = new ArrayList<>(List.of("exec"));
        if (interactive) {
            args.add("-i");
        }
        if (tty) {
            args.add("-t");
        }
        args.addAll(List.of("-u", user));
        if (workdir != null) {
            args.addAll(List.of("-w", workdir));
        }
        for (String name : new TreeMap<>(request.env()).keySet()) {
            checkEnvName(name);
            args.addAll(List.of("-e", name));
        }
        if (execId != null) {
            args.addAll(List.of("-e", EXEC_ID_VARIABLE + "=" + execId));
        }
        args.add(container);
        args.addAll(request.argv());
        return args;
    }

    /**
     * Exec env names must be valid variable names and must not steer the docker client itself, since their values
     * travel in its environment.
     */
    static void checkEnvName(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new BackendException("exec environment variable name '" + name
                    + "' is not a valid name (letters, digits and _; not starting with a digit)");
        }
        if (name.startsWith("DOCKER_") || name.equals(EXEC_ID_VARIABLE)) {
            throw new BackendException("exec environment variable '" + name + "' cannot be passed: the docker client "
                    + "reads DOCKER_* variables itself (and " + EXEC_ID_VARIABLE + " is reserved); rename it");
        }
    }

    /**
     * @param reference the tag to build
     * @param context the build context directory (holding {@code Dockerfile})
     * @param buildArgs {@code --build-arg} values (not secret)
     * @param labels labels for the image
     * @return {@code build ...}
     */
    public static List<String> build(String reference, Path context, Map<String, String> buildArgs,
                                     Map<String, String> labels) {
        List<String> args = new ArrayList<>(List.of("build", "-t", reference, "-f",
                context.resolve("Dockerfile").toString()));
        new TreeMap<>(buildArgs).forEach((k, v) -> args.addAll(List.of("--build-arg", k + "=" + v)));
        addLabels(args, labels);
        args.add(context.toString());
        return args;
    }

    private static void addLabels(List<String> args, Map<String, String> labels) {
        new TreeMap<>(labels).forEach((k, v) -> args.addAll(List.of("--label", k + "=" + v)));
    }
}
