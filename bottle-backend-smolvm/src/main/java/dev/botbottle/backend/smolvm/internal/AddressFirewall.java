package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.GatewayPorts;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host firewall chain that limits a bottle's host address to its gateway ports.
 *
 * <p>smolvm's allow-list takes addresses, not ports: a machine allowed to reach its address reaches every port
 * there. The chain {@code BBV-<hash>}, jumped to from INPUT for packets to that address (whatever the interface:
 * the VMM's relayed connections arrive on loopback), accepts replies, TCP to the gateway's TCP ports and UDP to its
 * UDP ports (the DNS responder smolvm forwards every query to), answers other
 * TCP with a reset and UDP with port-unreachable (so a forbidden connection fails at once), and drops the rest.
 * Installed in one {@code iptables-restore --noflush} transaction, so changing ports never exposes a half-filled
 * chain. Nothing else uses the address, so nothing else is affected.
 */
public final class AddressFirewall {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String iptables;
    private final String restore;
    private final ProcessRunner runner;

    /**
     * @param iptables the iptables executable; {@code iptables-restore} is expected next to it
     * @param runner runs it
     */
    public AddressFirewall(String iptables, ProcessRunner runner) {
        this.iptables = iptables;
        this.restore = iptables + "-restore";
        this.runner = runner;
    }

    /** @return empty when chains can be installed (root, iptables present), else why not */
    public Optional<String> unavailableReason() {
        ProcessRunner.Captured r;
        try {
            r = run(List.of("-S", "INPUT"));
        } catch (BackendException e) {
            return Optional.of("iptables cannot be run (" + e.getMessage() + ")");
        }
        if (!r.succeeded()) {
            return Optional.of("'" + iptables + " -S INPUT' failed (exit " + r.exitCode() + "): " + r.err()
                    + " — limiting a bottle's host address to its gateway ports needs root and iptables");
        }
        if (restore.contains("/") && !Files.isExecutable(Path.of(restore))) {
            return Optional.of(restore + " is missing; limiting a bottle's host address needs it (package iptables)");
        }
        return Optional.empty();
    }

    /**
     * Installs, or replaces the rules of, the bottle's chain and its jump.
     *
     * @param slug the bottle
     * @param address the bottle's host address
     * @param ports the gateway ports
     */
    public void install(String slug, String address, GatewayPorts ports) {
        if (!IPV4.matcher(address).matches()) {
            throw new BackendException("host address '" + address + "' of bottle " + slug + " is not an IPv4 address");
        }
        String chain = Names.chain(slug);
        boolean jumpPresent = run(withAction("-C", jumpRule(slug, address))).succeeded();
        String script = restoreScript(chain, ports, jumpPresent ? null : jumpRule(slug, address));
        ProcessRunner.Captured r = runner.capture(new ProcessRunner.Invocation(List.of(restore, "-w", "--noflush"),
                Map.of(), Optional.of(script.getBytes(StandardCharsets.US_ASCII)), TIMEOUT));
        if (!r.succeeded()) {
            throw new BackendException(restore + " could not install host firewall chain " + chain + " (exit "
                    + r.exitCode() + "): " + (r.timedOut() ? "timed out" : r.err()));
        }
    }

    static String restoreScript(String chain, GatewayPorts ports, List<String> jump) {
        StringBuilder script = new StringBuilder("*filter\n:").append(chain).append(" - [0:0]\n");
        script.append("-A ").append(chain).append(" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n");
        for (int port : ports.tcp()) {
            script.append("-A ").append(chain).append(" -p tcp --dport ").append(port).append(" -j ACCEPT\n");
        }
        for (int port : ports.udp()) {
            script.append("-A ").append(chain).append(" -p udp --dport ").append(port).append(" -j ACCEPT\n");
        }
        script.append("-A ").append(chain).append(" -p tcp -j REJECT --reject-with tcp-reset\n");
        script.append("-A ").append(chain).append(" -p udp -j REJECT --reject-with icmp-port-unreachable\n");
        script.append("-A ").append(chain).append(" -j DROP\n");
        if (jump != null) {
            script.append(String.join(" ", withAction("-I", jump, "1"))).append('\n');
        }
        return script.append("COMMIT\n").toString();
    }

    /**
     * Removes the jumps and the chain; idempotent.
     *
     * @param slug the bottle
     */
    public void remove(String slug) {
        String chain = Names.chain(slug);
        ProcessRunner.Captured input = run(List.of("-S", "INPUT"));
        if (input.succeeded()) {
            for (String rule : input.out().split("\n")) {
                if (rule.startsWith("-A INPUT ") && rule.endsWith("-j " + chain)) {
                    List<String> args = new ArrayList<>(List.of(rule.substring(3).split(" ")));
                    args.add(0, "-D");
                    check(args);
                }
            }
        }
        if (run(List.of("-S", chain)).succeeded()) {
            check(List.of("-F", chain));
            check(List.of("-X", chain));
        }
    }

    /** @return whether the bottle's chain exists */
    public boolean exists(String slug) {
        return run(List.of("-S", Names.chain(slug))).succeeded();
    }

    static List<String> jumpRule(String slug, String address) {
        return List.of("INPUT", "-d", address + "/32", "-j", Names.chain(slug));
    }

    private static List<String> withAction(String action, List<String> rule) {
        return withAction(action, rule, null);
    }

    private static List<String> withAction(String action, List<String> rule, String position) {
        List<String> args = new ArrayList<>();
        args.add(action);
        args.add(rule.get(0));
        if (position != null) {
            args.add(position);
        }
        args.addAll(rule.subList(1, rule.size()));
        return args;
    }

    private ProcessRunner.Captured run(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(iptables);
        argv.add("-w");
        argv.addAll(args);
        return runner.capture(ProcessRunner.Invocation.of(TIMEOUT, argv));
    }

    private void check(List<String> args) {
        ProcessRunner.Captured r = run(args);
        if (!r.succeeded()) {
            throw new BackendException("iptables " + String.join(" ", args) + " failed (exit " + r.exitCode() + "): "
                    + (r.timedOut() ? "timed out" : r.err()));
        }
    }
}
