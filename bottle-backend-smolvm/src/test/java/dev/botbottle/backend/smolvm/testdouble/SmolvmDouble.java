package dev.botbottle.backend.smolvm.testdouble;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A DOUBLE of the smolvm CLI, for tests on machines without KVM: the subset the smolvm backend uses, on top of
 * Docker, with smolvm 1.9.2's argument syntax, output and exit-code conventions ({@code Error: ...} on stderr and
 * exit 1 for its own failures, the guest's code otherwise, 124 on {@code --timeout}, 2 for usage errors).
 *
 * <ul>
 *   <li>{@code machine create} → {@code docker create} (an idle container; image from a {@code docker save} archive,
 *       loaded when the engine lacks it); {@code --allow-cidr} → an internal network plus a host firewall chain
 *       passing every port of the allowed addresses and refusing everything else, like smolvm's egress policy; no
 *       network flag → no network at all.</li>
 *   <li>DNS: with no {@code --allow-host}, smolvm's gateway forwards every guest query to {@code --dns}; the double
 *       gives that server to Docker's embedded resolver, which forwards the same way.</li>
 *   <li>{@code exec} → {@code docker exec} ({@code -w}, {@code -e}, {@code --secret-env} from the double's own
 *       environment, {@code -i}, {@code -t}, {@code --stream}, {@code --timeout} killing the command in the
 *       container and exiting 124). The image's default user runs it, as in smolvm 1.9.2.</li>
 *   <li>{@code cp} → {@code docker cp} of single regular files, upload owner and mode as smolvm sets them.</li>
 *   <li>{@code start}, {@code stop}, {@code delete [-f]} (without {@code -f} it prompts; EOF cancels),
 *       {@code status --json}, {@code ls --json} in smolvm's JSON shape.</li>
 * </ul>
 * Not implemented (refused with an error, never faked): registry images, {@code --allow-host} (the DNS filter),
 * {@code --net} without a policy, the host-loopback relay (100.96.0.1), volumes, ports, workloads.
 */
public final class SmolvmDouble {

    static final String VERSION = "smolvm 1.9.2 (bot-bottle test double: Docker containers, not microVMs)";
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private SmolvmDouble() {
    }

    /** @param args smolvm's arguments */
    public static void main(String[] args) {
        int exit;
        try {
            exit = run(List.of(args));
        } catch (DoubleHost.Failure e) {
            System.err.println((e.exit == 2 ? "error: " : "Error: ") + e.getMessage());
            exit = e.exit;
        } catch (RuntimeException e) {
            System.err.println("Error: " + e);
            exit = 1;
        }
        System.out.flush();
        System.exit(exit);
    }

    static int run(List<String> args) {
        if (args.equals(List.of("--version")) || args.equals(List.of("-V"))) {
            System.out.println(VERSION);
            return 0;
        }
        if (args.size() < 2 || !(args.get(0).equals("machine") || args.get(0).equals("vm"))) {
            throw usage("the test double implements 'smolvm machine ...' only");
        }
        List<String> rest = args.subList(2, args.size());
        return switch (args.get(1)) {
            case "create" -> create(new Options(rest));
            case "start" -> start(new Options(rest));
            case "stop" -> stop(new Options(rest));
            case "delete", "rm" -> delete(new Options(rest));
            case "status" -> status(new Options(rest));
            case "ls", "list" -> list(new Options(rest));
            case "exec" -> exec(new Options(rest));
            case "cp" -> cp(new Options(rest));
            default -> throw usage("unrecognized subcommand '" + args.get(1) + "' (not implemented by the double)");
        };
    }

    private static int create(Options o) {
        String name = o.name();
        if (DoubleMachines.inspect(name).isPresent()) {
            throw new DoubleHost.Failure("machine '" + name + "' already exists");
        }
        String image = o.one("-I", "--image");
        if (image == null || !(image.endsWith(".tar") || image.startsWith("/"))) {
            throw new DoubleHost.Failure("the test double needs --image with a docker save archive (registry images "
                    + "are pulled inside the guest by smolvm, which the double does not do)");
        }
        Path archive = Path.of(image).toAbsolutePath();
        String imageId = DoubleMachines.load(archive);
        List<String> cidrs = new ArrayList<>(o.all("--allow-cidr"));
        for (String cidr : cidrs) {
            if (!cidr.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
                throw new DoubleHost.Failure("invalid --allow-cidr '" + cidr + "': the test double takes IPv4 CIDRs");
            }
        }
        if (!o.all("--allow-host").isEmpty()) {
            throw new DoubleHost.Failure("the test double does not implement --allow-host (smolvm's DNS filter)");
        }
        if (cidrs.stream().anyMatch(c -> c.startsWith("100.96.0.1/"))) {
            throw new DoubleHost.Failure("the test double does not relay 100.96.0.1 to host loopback");
        }
        if (o.flag("--net") && cidrs.isEmpty()) {
            throw new DoubleHost.Failure("the test double does not implement unrestricted --net");
        }
        o.rejectUnknown("-n", "--name", "-I", "--image", "--allow-cidr", "--dns", "--net", "--label",
                "--cpus", "--mem", "--storage", "-e", "--env", "-w", "--workdir");
        boolean network = !cidrs.isEmpty();
        List<String> docker = new ArrayList<>(List.of("docker", "create", "--name", DoubleMachines.container(name),
                "--hostname", name.length() > 63 ? name.substring(0, 63) : name, "--init"));
        if (network) {
            String net = DoubleMachines.network(name);
            DoubleHost.check("create the machine's network", "docker", "network", "create", "--internal", "--label",
                    DoubleMachines.MACHINE_LABEL + "=true", "-o", "com.docker.network.bridge.name="
                            + DoubleMachines.bridge(name), net);
            JsonNode ipam = DoubleMachines.read(DoubleHost.check("inspect the machine's network", "docker", "network",
                    "inspect", "--format", "{{json .IPAM.Config}}", net));
            DoubleMachines.allowList(name, cidrs);
            // smolvm's gateway forwards the guest's every query to --dns (the host's resolver without it); Docker's
            // embedded resolver forwards to --dns the same way. Without --dns the double sends them nowhere useful.
            docker.addAll(List.of("--network", net, "--dns", o.oneOr(ipam.path(0).path("Gateway").asText(), "--dns")));
        } else {
            docker.addAll(List.of("--network", "none"));
        }
        // a VM's vCPUs and memory are recorded; only an explicit memory size becomes a container limit (vCPUs are
        // not a CPU quota, and smolvm's default of 4 may exceed the host's CPUs)
        String cpus = o.oneOr("4", "--cpus");
        String mem = o.oneOr("8192", "--mem");
        if (o.one("--mem") != null) {
            docker.addAll(List.of("--memory", mem + "m"));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(DoubleMachines.MACHINE_LABEL, "true");
        labels.put(DoubleMachines.NAME_LABEL, name);
        labels.put("smolvm-double.created-at", Long.toString(Instant.now().getEpochSecond()));
        labels.put("smolvm-double.cpus", cpus);
        labels.put("smolvm-double.mem", mem);
        labels.put("smolvm-double.image", archive.toString());
        labels.put("smolvm-double.network", Boolean.toString(network));
        for (String label : o.all("--label")) {
            int eq = label.indexOf('=');
            if (eq < 1) {
                throw usage("invalid --label '" + label + "': expected KEY=VALUE");
            }
            labels.put(DoubleMachines.USER_LABEL_PREFIX + label.substring(0, eq), label.substring(eq + 1));
        }
        labels.forEach((k, v) -> docker.addAll(List.of("--label", k + "=" + v)));
        for (String env : o.all("-e", "--env")) {
            docker.addAll(List.of("-e", env));
        }
        String workdir = o.one("-w", "--workdir");
        if (workdir != null) {
            docker.addAll(List.of("-w", workdir));
        }
        docker.addAll(List.of("--entrypoint", "sleep", imageId, "infinity"));
        DoubleHost.Run created = DoubleHost.run(docker, null, Map.of());
        if (!created.ok()) {
            if (network) {
                DoubleMachines.removeAllowList(name);
                DoubleHost.run("docker", "network", "rm", DoubleMachines.network(name));
            }
            throw new DoubleHost.Failure("could not create machine: " + created.err().strip());
        }
        System.out.println("Created machine: " + name);
        return 0;
    }

    private static int start(Options o) {
        String name = o.name();
        JsonNode c = DoubleMachines.require(name);
        if (DoubleMachines.running(c)) {
            System.out.println("Machine '" + name + "' already running");
            return 0;
        }
        System.err.println("Starting machine '" + name + "'...");
        DoubleHost.check("could not start machine '" + name + "'", "docker", "start", DoubleMachines.container(name));
        long pid = DoubleMachines.require(name).path("State").path("Pid").asLong();
        System.out.println("Machine '" + name + "' running (PID: " + pid + ")");
        return 0;
    }

    private static int stop(Options o) {
        String name = o.name();
        JsonNode c = DoubleMachines.require(name);
        if (!DoubleMachines.running(c)) {
            System.out.println("Machine '" + name + "' is not running (state: " + DoubleMachines.statusJson(c)
                    .path("state").asText() + ")");
            return 0;
        }
        DoubleHost.check("could not stop machine '" + name + "'", "docker", "stop", "-t", "5",
                DoubleMachines.container(name));
        System.out.println("Stopped machine: " + name);
        return 0;
    }

    private static int delete(Options o) {
        String name = o.name();
        DoubleMachines.require(name);
        if (!o.flag("-f") && !o.flag("--force")) {
            System.out.print("Delete machine '" + name + "'? [y/N] ");
            System.out.flush();
            String answer;
            try {
                answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                answer = null;
            }
            if (answer == null || !answer.strip().equalsIgnoreCase("y")) {
                System.out.println("Cancelled");
                return 0;
            }
        }
        DoubleHost.check("could not delete machine '" + name + "'", "docker", "rm", "-f", "-v",
                DoubleMachines.container(name));
        DoubleMachines.removeAllowList(name);
        DoubleHost.Run net = DoubleHost.run("docker", "network", "inspect", DoubleMachines.network(name));
        if (net.ok()) {
            DoubleHost.check("could not delete the network of machine '" + name + "'", "docker", "network", "rm",
                    DoubleMachines.network(name));
        }
        System.out.println("Deleted machine: " + name);
        return 0;
    }

    private static int status(Options o) {
        String name = o.nameOr("default");
        JsonNode c = DoubleMachines.require(name);
        if (o.flag("--json")) {
            System.out.println(DoubleMachines.statusJson(c).toPrettyString());
        } else {
            JsonNode s = DoubleMachines.statusJson(c);
            System.out.println("Machine '" + name + "': " + s.path("state").asText()
                    + (s.path("pid").isNull() ? "" : " (PID " + s.path("pid").asLong() + ")"));
        }
        return 0;
    }

    private static int list(Options o) {
        var machines = DoubleMachines.listJson();
        if (o.flag("--json")) {
            System.out.println(machines.toPrettyString());
        } else {
            machines.forEach(m -> System.out.println(m.path("name").asText() + "\t" + m.path("state").asText()));
        }
        return 0;
    }

    private static int exec(Options o) {
        String name = o.nameOr("default");
        if (o.command.isEmpty()) {
            throw usage("the following required arguments were not provided: <COMMAND>...");
        }
        DoubleMachines.requireRunning(name);
        String execId = UUID.randomUUID().toString();
        List<String> docker = new ArrayList<>(List.of("docker", "exec"));
        boolean interactive = o.flag("-i") || o.flag("--interactive");
        if (interactive) {
            docker.add("-i");
        }
        if (o.flag("-t") || o.flag("--tty")) {
            docker.add("-t");
        }
        String workdir = o.one("-w", "--workdir");
        if (workdir != null) {
            docker.addAll(List.of("-w", workdir));
        }
        for (String env : o.all("-e", "--env")) {
            docker.addAll(List.of("-e", env));
        }
        Map<String, String> clientEnv = new HashMap<>();
        for (String ref : o.all("--secret-env")) {
            int eq = ref.indexOf('=');
            String guest = eq < 0 ? ref : ref.substring(0, eq);
            String host = eq < 0 ? ref : ref.substring(eq + 1);
            String value = System.getenv(host);
            if (value == null) {
                throw new DoubleHost.Failure("--secret-env " + ref + ": host variable " + host + " is not set");
            }
            if (guest.startsWith("DOCKER_")) {
                throw new DoubleHost.Failure("the test double cannot pass DOCKER_* variables (" + guest + ")");
            }
            clientEnv.put(guest, value);
            docker.addAll(List.of("-e", guest));
        }
        if (clientEnv.containsKey("HOME") && System.getenv("HOME") != null) {
            clientEnv.put("DOCKER_CONFIG", Path.of(System.getenv("HOME"), ".docker").toString());
        }
        docker.addAll(List.of("-e", "SMOLVM_DOUBLE_EXEC=" + execId, DoubleMachines.container(name)));
        docker.addAll(o.command);
        Duration timeout = o.one("--timeout") == null ? null : duration(o.one("--timeout"));
        o.rejectUnknown("--name", "-w", "--workdir", "-e", "--env", "--secret-env", "--timeout", "-i",
                "--interactive", "-t", "--tty", "--stream");
        try {
            ProcessBuilder pb = new ProcessBuilder(docker).inheritIO();
            if (!interactive) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            pb.environment().putAll(clientEnv);
            Process p = pb.start();
            if (timeout == null) {
                return p.waitFor();
            }
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return p.exitValue();
            }
            p.destroyForcibly();
            // smolvm kills the command in the guest; a container's root lacks SYS_PTRACE to read other users'
            // environments, so the double finds the command's processes from the host by their exec id
            killTagged("SMOLVM_DOUBLE_EXEC=" + execId);
            System.err.println("Error: command timed out after " + o.one("--timeout"));
            return 124;
        } catch (IOException e) {
            throw new DoubleHost.Failure("could not run docker: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static void killTagged(String entry) {
        byte[] wanted = (entry + "\0").getBytes(StandardCharsets.UTF_8);
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                byte[] environ;
                try {
                    environ = Files.readAllBytes(proc.resolve("environ"));
                } catch (IOException gone) {
                    continue;
                }
                if (contains(environ, wanted)) {
                    ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException e) {
            throw new DoubleHost.Failure("could not look for the timed-out command's processes: " + e.getMessage());
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (i > 0 && haystack[i - 1] != 0) {
                continue;
            }
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int cp(Options o) {
        if (o.positional.size() != 2) {
            throw usage("machine cp takes SRC and DST");
        }
        String src = o.positional.get(0);
        String dst = o.positional.get(1);
        o.rejectUnknown("--mode", "--uid", "--gid");
        if (src.contains(":")) {
            String name = src.substring(0, src.indexOf(':'));
            String path = src.substring(src.indexOf(':') + 1);
            DoubleMachines.requireRunning(name);
            if (!DoubleHost.run("docker", "exec", "-u", "0", DoubleMachines.container(name), "test", "-f", path).ok()) {
                throw new DoubleHost.Failure("'" + path + "' is not a regular file in machine '" + name
                        + "' (cp copies single files)");
            }
            DoubleHost.check("copy failed", "docker", "cp", DoubleMachines.container(name) + ":" + path, dst);
            return 0;
        }
        if (!dst.contains(":")) {
            throw new DoubleHost.Failure("exactly one of SRC and DST must be MACHINE:PATH");
        }
        String name = dst.substring(0, dst.indexOf(':'));
        String path = dst.substring(dst.indexOf(':') + 1);
        DoubleMachines.requireRunning(name);
        if (!Files.isRegularFile(Path.of(src))) {
            throw new DoubleHost.Failure("'" + src + "' is not a regular file (cp copies single files)");
        }
        String container = DoubleMachines.container(name);
        DoubleHost.check("copy failed", "docker", "cp", src, container + ":" + path);
        String owner = o.oneOr("0", "--uid") + ":" + o.oneOr("0", "--gid");
        String mode = o.oneOr("644", "--mode");
        DoubleHost.check("copy failed", "docker", "exec", "-u", "0", container, "sh", "-c",
                "chown \"$0\" \"$2\" && chmod \"$1\" \"$2\"", owner, mode, path);
        return 0;
    }

    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw usage("invalid duration '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    static DoubleHost.Failure usage(String message) {
        return new DoubleHost.Failure(message, 2);
    }

    /** Options in clap's style: {@code --flag}, {@code --opt value}, {@code --opt=value}, positionals, {@code -- cmd}. */
    static final class Options {
        private static final List<String> VALUED = List.of("-n", "--name", "-I", "--image", "--allow-cidr",
                "--allow-host", "--dns", "--label", "--cpus", "--mem", "--storage", "-e", "--env", "-w", "--workdir",
                "--secret-env", "--timeout", "--mode", "--uid", "--gid");
        final Map<String, List<String>> values = new LinkedHashMap<>();
        final List<String> flags = new ArrayList<>();
        final List<String> positional = new ArrayList<>();
        final List<String> command = new ArrayList<>();

        Options(List<String> args) {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--")) {
                    command.addAll(args.subList(i + 1, args.size()));
                    return;
                }
                if (a.startsWith("--") && a.contains("=")) {
                    values.computeIfAbsent(a.substring(0, a.indexOf('=')), k -> new ArrayList<>())
                            .add(a.substring(a.indexOf('=') + 1));
                } else if (VALUED.contains(a)) {
                    if (i + 1 >= args.size()) {
                        throw usage("a value is required for '" + a + "'");
                    }
                    values.computeIfAbsent(a, k -> new ArrayList<>()).add(args.get(++i));
                } else if (a.startsWith("-") && a.length() > 1) {
                    flags.add(a);
                } else {
                    positional.add(a);
                }
            }
        }

        String name() {
            String name = one("-n", "--name");
            if (name == null) {
                throw usage("the following required arguments were not provided: --name <NAME>");
            }
            return name;
        }

        String nameOr(String fallback) {
            String name = one("-n", "--name");
            return name == null ? fallback : name;
        }

        List<String> all(String... keys) {
            List<String> out = new ArrayList<>();
            for (String k : keys) {
                out.addAll(values.getOrDefault(k, List.of()));
            }
            return out;
        }

        String one(String... keys) {
            List<String> all = all(keys);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }

        String oneOr(String fallback, String... keys) {
            String v = one(keys);
            return v == null ? fallback : v;
        }

        boolean flag(String f) {
            return flags.contains(f);
        }

        void rejectUnknown(String... known) {
            List<String> ok = List.of(known);
            for (String k : values.keySet()) {
                if (!ok.contains(k)) {
                    throw usage("unexpected argument '" + k + "' found (not implemented by the test double)");
                }
            }
            for (String f : flags) {
                if (!ok.contains(f) && !f.equals("--json") && !f.equals("-f") && !f.equals("--force")) {
                    throw usage("unexpected argument '" + f + "' found (not implemented by the test double)");
                }
            }
        }
    }
}
