package dev.botbottle.examples.embedding;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.runtime.BottleListener;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchRequest;
import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.support.HostFiles;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small JVM tool that embeds bot-bottle: it launches an agent of a manifest folder headless on a copy of a
 * repository, prints what the agent printed, then a summary of the egress decisions the host saw as they happened,
 * and removes the bottle.
 *
 * <pre>{@code
 * java -cp ... dev.botbottle.examples.embedding.RepoAgent MANIFEST_FOLDER AGENT REPO PROMPT
 * }</pre>
 *
 * <p>{@code MANIFEST_FOLDER} holds {@code bottles/*.md} and {@code agents/*.md}; {@code REPO} is copied into the
 * bottle's {@code ~/workspace}, where the agent runs. Bottle state goes to a temporary folder removed at the end.
 *
 * @since 0.2
 */
public final class RepoAgent {

    private RepoAgent() {
    }

    /**
     * @param args {@code MANIFEST_FOLDER AGENT REPO PROMPT}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the tool.
     *
     * @param args {@code MANIFEST_FOLDER AGENT REPO PROMPT}
     * @param out receives the agent's output and the egress summary
     * @param err receives usage and errors
     * @return the agent's exit code; 2 for bad arguments, 1 when the bottle could not be launched
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 4) {
            err.println("usage: RepoAgent MANIFEST_FOLDER AGENT REPO PROMPT");
            return 2;
        }
        Path manifestFolder = Path.of(args[0]);
        Path repo = Path.of(args[2]);
        if (!Files.isDirectory(repo)) {
            err.println("RepoAgent: " + repo + " is not a directory");
            return 2;
        }
        List<EgressAuditEntry> decisions = new CopyOnWriteArrayList<>();
        Path stateHome = null;
        try {
            stateHome = Files.createTempDirectory("repo-agent-");
            Manifest manifest = Manifest.load(manifestFolder);
            try (BottleRuntime runtime = BottleRuntime.builder().home(stateHome)
                    .listener(new BottleListener() {
                        @Override
                        public void egress(String slug, EgressAuditEntry entry) {
                            decisions.add(entry); // live: each decision as the gateway makes it
                        }
                    }).build();
                 RunningBottle bottle = runtime.launch(LaunchRequest.builder(manifest, args[1]).workspace(repo)
                         .build())) {
                ByteArrayOutputStream agentErr = new ByteArrayOutputStream();
                int exit = bottle.runAgent(args[3], out, agentErr);
                out.flush();
                err.print(agentErr.toString(StandardCharsets.UTF_8));
                out.println("--- agent exited with " + exit);
                out.print(summary(decisions));
                return exit;
            }
        } catch (BottleException | java.io.IOException e) {
            err.println("RepoAgent: " + e.getMessage());
            return 1;
        } finally {
            if (stateHome != null) {
                HostFiles.deleteTreeQuietly(stateHome);
            }
        }
    }

    /**
     * @param decisions egress decisions
     * @return one line per host and verdict with its count, e.g. {@code egress: DENY example.com x1}, sorted
     */
    static String summary(List<EgressAuditEntry> decisions) {
        Map<String, Integer> counts = new TreeMap<>();
        for (EgressAuditEntry e : decisions) {
            counts.merge(e.verdict() + " " + e.host(), 1, Integer::sum);
        }
        StringBuilder s = new StringBuilder();
        if (counts.isEmpty()) {
            s.append("egress: no requests\n");
        }
        counts.forEach((key, n) -> s.append("egress: ").append(key).append(" x").append(n).append('\n'));
        return s.toString();
    }
}
