package dev.botbottle.backend.docker.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.GatewayPorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * The host firewall chain that limits what a bottle reaches on the host.
 *
 * <p>An {@code --internal} network stops forwarded traffic, but packets from the bottle to any of the host's own
 * addresses arrive on the bridge interface and go through INPUT, so the bottle could reach every service the
 * host exposes. Each bottle gets a chain {@code BB-<hash>}, jumped to from INPUT for its bridge interface, that
 * accepts replies, TCP to the gateway ports and UDP to the gateway's UDP ports (its DNS responder) on the bridge address,
 * and refuses everything else.
 *
 * <p>Refused TCP is answered with a reset and other protocols with an ICMP error, then anything left is dropped:
 * an agent that dials a forbidden port fails at once instead of hanging for minutes, and the bottle learns
 * nothing it did not know (it knows the bridge address is the host).
 */
public final class HostFirewall {

    private static final Logger LOG = LoggerFactory.getLogger(HostFirewall.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String iptables;
    private final String restore;
    private final CommandRunner runner;

    /**
     * @param iptables the iptables executable; {@code iptables-restore} is expected next to it
     * @param runner runs it
     */
    public HostFirewall(String iptables, CommandRunner runner) {
        this.iptables = iptables;
        this.restore = iptables + "-restore"; // iptables-restore ships next to iptables
        this.runner = runner;
    }

    /**
     * Checks, without changing anything, whether chains can be installed (root, iptables present and working).
     *
     * @return empty when they can, else why not
     */
    public Optional<String> unavailableReason() {
        CommandResult r;
        try {
            r = run(List.of("-S", "INPUT"));
        } catch (BackendException e) {
            return Optional.of("iptables cannot be run (" + e.getMessage() + ")");
        }
        if (!r.succeeded()) {
            return Optional.of("'" + iptables + " -S INPUT' failed (exit " + r.exitCode() + "): " + r.stderrText()
                    + " — installing host firewall rules needs root and iptables");
        }
        if (restore.contains("/") && !Files.isExecutable(Path.of(restore))) {
            return Optional.of(restore + " is missing; installing host firewall rules needs it (package iptables)");
        }
        return Optional.empty();
    }

    /**
     * Installs (or replaces the rules of) the bottle's chain and the jump to it, in one {@code iptables-restore}
     * transaction: the chain is never seen half-filled, even when a running bottle's ports change.
     *
     * @param slug the bottle
     * @param bridgeAddress the bridge's address, where the gateway listens
     * @param ports the gateway ports
     * @throws BackendException quoting iptables' stderr when the rules could not be installed
     */
    public void install(String slug, String bridgeAddress, GatewayPorts ports) {
        if (!IPV4.matcher(bridgeAddress).matches()) {
            throw new BackendException("bridge address '" + bridgeAddress + "' of bottle " + slug
                    + " is not an IPv4 address; cannot install host firewall rules for it");
        }
        String chain = Names.chain(slug);
        boolean jumpPresent = run(withAction("-C", jumpRule(slug))).succeeded();
        String script = restoreScript(chain, bridgeAddress, ports, jumpPresent ? null : slug);
        CommandResult r = runner.run(new Command(List.of(restore, "-w", "--noflush"), Map.of(),
                Optional.of(script.getBytes(StandardCharsets.US_ASCII)), TIMEOUT));
        if (!r.succeeded()) {
            throw new BackendException(restore + " could not install host firewall chain " + chain + " (exit "
                    + r.exitCode() + "): " + (r.timedOut() ? "timed out" : r.stderrText()));
        }
        LOG.debug("host firewall chain {} allows {} on {}", chain, ports, bridgeAddress);
    }

    /**
     * @param jumpFor the slug whose INPUT jump to add, or {@code null} when it is already there
     * @return the {@code iptables-restore --noflush} input: declaring the chain flushes it, then fills it
     */
    static String restoreScript(String chain, String bridgeAddress, GatewayPorts ports, String jumpFor) {
        StringBuilder script = new StringBuilder("*filter\n:").append(chain).append(" - [0:0]\n");
        for (List<String> rule : chainRules(chain, bridgeAddress, ports)) {
            script.append(String.join(" ", rule)).append('\n');
        }
        if (jumpFor != null) {
            script.append(String.join(" ", withAction("-I", jumpRule(jumpFor), "1"))).append('\n');
        }
        return script.append("COMMIT\n").toString();
    }

    /**
     * Removes the jump and the chain; idempotent.
     *
     * @param slug the bottle
     * @throws BackendException quoting iptables' stderr when an existing rule could not be removed
     */
    public void remove(String slug) {
        String chain = Names.chain(slug);
        List<String> jump = jumpRule(slug);
        // a jump may have been added twice by an interrupted install; remove them all
        for (int i = 0; i < 16 && run(withAction("-C", jump)).succeeded(); i++) {
            check(withAction("-D", jump));
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

    /** @return the {@code -A} rules filling the chain, in order */
    static List<List<String>> chainRules(String chain, String bridgeAddress, GatewayPorts ports) {
        List<List<String>> rules = new ArrayList<>();
        rules.add(List.of("-A", chain, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"));
        for (int port : ports.tcp()) {
            rules.add(List.of("-A", chain, "-p", "tcp", "-d", bridgeAddress, "--dport", Integer.toString(port),
                    "-j", "ACCEPT"));
        }
        for (int port : ports.udp()) {
            rules.add(List.of("-A", chain, "-p", "udp", "-d", bridgeAddress, "--dport", Integer.toString(port),
                    "-j", "ACCEPT"));
        }
        rules.add(List.of("-A", chain, "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"));
        rules.add(List.of("-A", chain, "-p", "udp", "-j", "REJECT", "--reject-with", "icmp-port-unreachable"));
        rules.add(List.of("-A", chain, "-j", "DROP"));
        return rules;
    }

    /** @return the INPUT rule jumping to the chain, without the action */
    static List<String> jumpRule(String slug) {
        return List.of("INPUT", "-i", Names.bridgeInterface(slug), "-j", Names.chain(slug));
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

    private CommandResult run(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(iptables);
        argv.add("-w"); // wait for the xtables lock instead of failing when docker holds it
        argv.addAll(args);
        return runner.run(Command.of(TIMEOUT, argv));
    }

    private void check(List<String> args) {
        CommandResult r = run(args);
        if (!r.succeeded()) {
            throw new BackendException("iptables " + String.join(" ", args) + " failed (exit " + r.exitCode() + "): "
                    + (r.timedOut() ? "timed out" : r.stderrText()));
        }
    }
}
