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
 *
 * <p>The jump carries a comment naming the bottle and the host session that created it ({@code bot-bottle slug=<slug>
 * session=<pid>@<start>}): the chain's name is a hash, so the comment is how a chain left without its network is
 * found again ({@link #slugs()}) and removed.
 */
public final class HostFirewall {

    private static final Logger LOG = LoggerFactory.getLogger(HostFirewall.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** What the jump's comment starts with. */
    static final String COMMENT_PREFIX = "bot-bottle slug=";
    private static final Pattern COMMENT = Pattern.compile("--comment \"?" + COMMENT_PREFIX + "([a-z][a-z0-9-]*)");
    private static final Pattern SESSION = Pattern.compile("^[0-9]+(@[0-9]+)?$");

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
        install(slug, bridgeAddress, ports, "");
    }

    /**
     * Installs the chain as {@link #install(String, String, GatewayPorts)} does, naming the host session that created
     * the bottle in the jump's comment.
     *
     * @param session the creating session ({@code <pid>@<start millis>}), or empty for none
     */
    public void install(String slug, String bridgeAddress, GatewayPorts ports, String session) {
        if (!IPV4.matcher(bridgeAddress).matches()) {
            throw new BackendException("bridge address '" + bridgeAddress + "' of bottle " + slug
                    + " is not an IPv4 address; cannot install host firewall rules for it");
        }
        String chain = Names.chain(slug);
        boolean jumpPresent = !jumps(slug).isEmpty();
        String script = restoreScript(chain, bridgeAddress, ports, jumpPresent ? null : slug,
                SESSION.matcher(session).matches() ? session : "");
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
    static String restoreScript(String chain, String bridgeAddress, GatewayPorts ports, String jumpFor,
                                String session) {
        StringBuilder script = new StringBuilder("*filter\n:").append(chain).append(" - [0:0]\n");
        for (List<String> rule : chainRules(chain, bridgeAddress, ports)) {
            script.append(String.join(" ", rule)).append('\n');
        }
        if (jumpFor != null) {
            String comment = COMMENT_PREFIX + jumpFor + (session.isEmpty() ? "" : " session=" + session);
            script.append("-I INPUT 1 -i ").append(Names.bridgeInterface(jumpFor)).append(" -m comment --comment \"")
                    .append(comment).append("\" -j ").append(Names.chain(jumpFor)).append('\n');
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
        // every jump to the chain, with or without a comment (an interrupted install may have added two)
        for (List<String> jump : jumps(slug)) {
            List<String> delete = new ArrayList<>(List.of("-D"));
            delete.addAll(jump.subList(1, jump.size()));
            check(delete);
        }
        if (run(List.of("-S", chain)).succeeded()) {
            check(List.of("-F", chain));
            check(List.of("-X", chain));
        }
    }

    /**
     * @return the slugs of every bottle whose chain is jumped to from INPUT with our comment: chains left without
     *         their network are found here (their names are hashes)
     */
    public java.util.Set<String> slugs() {
        java.util.Set<String> slugs = new java.util.TreeSet<>();
        CommandResult r = run(List.of("-S", "INPUT"));
        if (r.succeeded()) {
            r.stdoutText().lines().forEach(line -> {
                var m = COMMENT.matcher(line);
                if (m.find() && line.contains("-j " + Names.chain(m.group(1)))) {
                    slugs.add(m.group(1));
                }
            });
        }
        return slugs;
    }

    /** @return the INPUT rules jumping to the bottle's chain, as {@code iptables -S} lists them, tokenized */
    List<List<String>> jumps(String slug) {
        String chain = Names.chain(slug);
        CommandResult r = run(List.of("-S", "INPUT"));
        List<List<String>> jumps = new ArrayList<>();
        if (!r.succeeded()) {
            return jumps;
        }
        for (String line : r.stdoutText().lines().toList()) {
            List<String> tokens = tokens(line);
            int j = tokens.indexOf("-j");
            if (tokens.size() > 2 && tokens.get(0).equals("-A") && tokens.get(1).equals("INPUT") && j > 0
                    && j + 1 < tokens.size() && tokens.get(j + 1).equals(chain)) {
                jumps.add(tokens);
            }
        }
        return jumps;
    }

    /** Splits an {@code iptables -S} line into words; double quotes group (comments). */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == '\\' && quoted && i + 1 < line.length()) {
                word.append(line.charAt(++i));
            } else if (c == ' ' && !quoted) {
                if (any || word.length() > 0) {
                    out.add(word.toString());
                }
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
            }
        }
        if (any || word.length() > 0) {
            out.add(word.toString());
        }
        return out;
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
