package dev.botbottle.core.escape;

import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs one attempt in a bottle and decides its outcome: the script's verdict first, then the host side may turn a
 * block into an escape (a witness listener heard something, the other bottle's services saw a request, the
 * {@link Witness} says so, a forwarded request was not redacted) or into an unaudited one (a service it reached
 * wrote no line).
 */
final class Judge {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final Duration AUDIT_WAIT = Duration.ofSeconds(5);

    private final AuditWatch own;
    private final AuditWatch theirs;
    private final HostListeners listeners;
    private final Witness witness;
    private final Optional<RunningBottle> neighbour;
    private final String dir;

    Judge(AuditWatch own, AuditWatch theirs, HostListeners listeners, Witness witness,
          Optional<RunningBottle> neighbour, String dir) {
        this.own = own;
        this.theirs = theirs;
        this.listeners = listeners;
        this.witness = witness;
        this.neighbour = neighbour;
        this.dir = dir;
    }

    /** What the script printed. */
    record Said(Optional<String> outcome, String observed, List<String[]> audits, List<String[]> byAudit,
                List<String> tags) {
        static Said parse(String stdout) {
            Optional<String> outcome = Optional.empty();
            String observed = "";
            List<String[]> audits = new ArrayList<>();
            List<String[]> by = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (line.startsWith("BBX RESULT ")) {
                    String[] p = line.substring(11).split(" ", 2);
                    outcome = Optional.of(p[0]);
                    observed = p.length > 1 ? p[1].strip() : "";
                } else if (line.startsWith("BBX AUDIT ")) {
                    audits.add(line.substring(10).split(" ", 2));
                } else if (line.startsWith("BBX BYAUDIT ")) {
                    by.add(line.substring(12).split(" ", 2));
                } else if (line.startsWith("BBX WITNESS ")) {
                    tags.add(line.substring(12).strip());
                }
            }
            return new Said(outcome, observed, audits, by, tags);
        }
    }

    EscapeRow run(RunningBottle bottle, Attempt a, Map<String, String> env) {
        own.mark();
        if (theirs != null) {
            theirs.mark();
        }
        listeners.drain();
        witness.before(a);
        ExecResult r;
        try {
            r = bottle.exec(ExecRequest.of("bash", dir + "/attempts.sh", a.id()).withEnv(env).withTimeout(LIMIT));
        } catch (RuntimeException e) {
            return new EscapeRow(a, bottle.slug(), Outcome.FAILED, "the attempt could not run: " + e.getMessage(),
                    List.of());
        }
        Said said = Said.parse(r.stdoutText());
        List<String> problems = new ArrayList<>();
        Outcome outcome = verdict(a, said, r, problems);
        List<String> lines = new ArrayList<>();
        if (outcome != Outcome.NOT_APPLICABLE && (outcome != Outcome.FAILED || a.control())) {
            outcome = hostSide(a, said, outcome, problems, lines);
        }
        String observed = said.observed() + (problems.isEmpty() ? "" : " || " + String.join("; ", problems));
        return new EscapeRow(a, bottle.slug(), outcome, observed, lines);
    }

    private static Outcome verdict(Attempt a, Said said, ExecResult r, List<String> problems) {
        if (said.outcome().isEmpty()) {
            problems.add("no verdict (exit " + r.exitCode() + "): " + tail(r.stderrText()));
            return Outcome.FAILED;
        }
        return switch (said.outcome().get()) {
            case "PASSED" -> a.control() ? Outcome.PASSED : Outcome.FAILED;
            case "FAILED" -> Outcome.FAILED;
            case "BLOCKED" -> a.control() ? Outcome.FAILED : Outcome.BLOCKED;
            case "ESCAPED" -> Outcome.ESCAPED;
            case "NA" -> Outcome.NOT_APPLICABLE;
            default -> {
                problems.add("unknown verdict " + said.outcome().get());
                yield Outcome.FAILED;
            }
        };
    }

    private Outcome hostSide(Attempt a, Said said, Outcome outcome, List<String> problems, List<String> lines) {
        boolean control = a.control();
        // the audit lines the attempt must have left
        List<String[]> wanted = new ArrayList<>(said.audits());
        if (wanted.isEmpty() && !a.service().equals("none") && outcome != Outcome.NOT_APPLICABLE) {
            wanted.add(new String[] {a.service(), ""});
        }
        boolean unaudited = false;
        for (String[] w : wanted) {
            String service = w[0];
            String text = w.length > 1 ? w[1] : "";
            if (!own.audits(service)) {
                problems.add(service + " keeps no audit trail this test can read");
                unaudited = true;
            } else if (!own.await(service, text, AUDIT_WAIT)) {
                problems.add("no " + service + " audit line" + (text.isEmpty() ? "" : " naming " + text));
                unaudited = true;
            }
        }
        own.since().forEach((service, l) -> l.forEach(x -> lines.add(service + ": " + x)));
        // a forwarded request counts as blocked only if the gateway says it redacted it
        for (String[] by : said.byAudit()) {
            Pattern p = Pattern.compile(by.length > 1 ? by[1] : ".", Pattern.CASE_INSENSITIVE);
            boolean redacted = own.since().getOrDefault(by[0], List.of()).stream().anyMatch(l -> p.matcher(l).find());
            if (!redacted) {
                problems.add("forwarded without a redaction in the " + by[0] + " audit");
                outcome = Outcome.ESCAPED;
            }
        }
        List<String> escapes = new ArrayList<>();
        listeners.drain().forEach(h -> escapes.add("host listener heard " + h));
        if (theirs != null) {
            theirs.since().forEach((service, l) -> l.forEach(x -> escapes.add("the other bottle's " + service
                    + " saw: " + x)));
        }
        if (said.tags().contains("neighbour") && neighbour.isPresent()) {
            ExecResult heard = neighbour.get().exec(ExecRequest.of("sh", "-c", "cat " + dir + "/heard 2>/dev/null; true"));
            heard.stdoutText().lines().filter(l -> !l.isBlank())
                    .forEach(l -> escapes.add("the other bottle's container accepted a connection from " + l));
        }
        List<String> seen = witness.check(a, said.tags());
        if (control) {
            problems.addAll(escapes);
            problems.addAll(seen);
            if (!seen.isEmpty() || unaudited || !escapes.isEmpty()) {
                return Outcome.FAILED;
            }
            return outcome;
        }
        problems.addAll(escapes);
        problems.addAll(seen);
        if (!escapes.isEmpty() || !seen.isEmpty() || outcome == Outcome.ESCAPED) {
            return Outcome.ESCAPED;
        }
        return unaudited && outcome == Outcome.BLOCKED ? Outcome.UNAUDITED : outcome;
    }

    private static String tail(String text) {
        String t = text.strip();
        return t.length() <= 300 ? t : "…" + t.substring(t.length() - 300);
    }
}
