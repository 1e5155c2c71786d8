package dev.botbottle.it;

import dev.botbottle.core.escape.Attempt;
import dev.botbottle.core.escape.Witness;
import dev.botbottle.egress.testing.LoopbackUpstream;
import dev.botbottle.gitgate.testing.SshUpstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * What the outside saw, for the sandbox-escape suite: the loopback HTTPS upstream every route resolves to (each
 * request it received), the names the egress gateway asked its resolver for, and the OpenSSH upstream's refs. An
 * attack breaches when a canary reached any of them in any common encoding (the credential the gateway itself
 * injects in the {@code Authorization} header of an auth route excepted), when a smuggled or pipelined request
 * reached upstream, or when a git attack moved an upstream ref; a control fails when its effect is missing upstream.
 */
final class EscapeWitness implements Witness {

    private final LoopbackUpstream upstream;
    private final List<String> resolved;
    private final SshUpstream ssh;
    private final String repo;
    private final Map<String, List<String>> encodings = new LinkedHashMap<>();
    private final Set<String> authHosts;
    private List<LoopbackUpstream.Received> received = List.of();
    private Map<String, String> refsBefore = Map.of();
    private int resolvedBefore;

    /**
     * @param canaries the credentials the bottle must never get out
     * @param authHosts hosts whose requests carry the injected credential in {@code Authorization} by design
     */
    EscapeWitness(LoopbackUpstream upstream, List<String> resolved, SshUpstream ssh, String repo, List<String> canaries,
                  Set<String> authHosts) {
        this.upstream = upstream;
        this.resolved = resolved;
        this.ssh = ssh;
        this.repo = repo;
        this.authHosts = authHosts;
        for (String c : canaries) {
            byte[] raw = c.getBytes(StandardCharsets.UTF_8);
            String hex = HexFormat.of().formatHex(raw);
            encodings.put(c, List.of(c, Base64.getEncoder().encodeToString(raw).replace("=", ""),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(raw), hex, base32(raw)));
        }
    }

    @Override
    public void before(Attempt attempt) {
        upstream.drain();
        refsBefore = refs();
        resolvedBefore = resolved.size();
    }

    @Override
    public List<String> check(Attempt attempt, List<String> tags) {
        received = upstream.drain();
        List<String> out = new ArrayList<>();
        List<String> names = List.copyOf(resolved.subList(Math.min(resolvedBefore, resolved.size()), resolved.size()));
        Map<String, String> refs = refs();
        if (attempt.control()) {
            switch (attempt.id()) {
                case "control.plain-route", "control.harmless-upload" -> {
                    if (received.stream().noneMatch(r -> host(r).equals(SandboxEscapeIT.OPEN))) {
                        out.add("the upstream received no request for " + SandboxEscapeIT.OPEN);
                    }
                }
                case "control.auth-route" -> {
                    if (received.stream().noneMatch(r -> host(r).equals(SandboxEscapeIT.FORGE)
                            && r.headers().getOrDefault("authorization", "").endsWith(encodings.keySet().stream()
                            .filter(c -> c.startsWith("forge-")).findFirst().orElseThrow()))) {
                        out.add("the upstream did not receive the real (canary) credential on " + SandboxEscapeIT.FORGE);
                    }
                }
                case "control.passthrough-route" -> {
                    if (received.isEmpty()) {
                        out.add("the upstream received nothing over the passthrough tunnel");
                    }
                }
                case "control.git-push" -> {
                    if (refs.keySet().stream().noneMatch(r -> r.startsWith("refs/heads/agent/") && !refsBefore.containsKey(r))) {
                        out.add("no agent/* branch landed upstream");
                    }
                }
                default -> {
                }
            }
            return out;
        }
        for (LoopbackUpstream.Received r : received) {
            String leak = leak(r);
            if (leak != null) {
                out.add("the upstream received " + leak + " (" + r.method() + " " + host(r) + r.path() + ")");
            }
            if (r.path().contains("/escape-smuggled") || r.path().contains("/escape-pipelined")) {
                out.add("a smuggled or pipelined request reached upstream: " + r.method() + " " + host(r) + r.path());
            }
        }
        for (String name : names) {
            String flat = name.replace(".", "").toLowerCase(Locale.ROOT);
            encodings.forEach((canary, forms) -> forms.stream().filter(f -> flat.contains(f.toLowerCase(Locale.ROOT)))
                    .findFirst().ifPresent(f -> out.add("the gateway looked up a name carrying a canary: " + name)));
        }
        if (!refs.equals(refsBefore) && !attempt.id().startsWith("control.")) {
            out.add("upstream refs changed: " + refsBefore + " -> " + refs);
        }
        return out;
    }

    /** @return which canary (and how encoded) the request carries, or null */
    private String leak(LoopbackUpstream.Received r) {
        StringBuilder hay = new StringBuilder(r.method()).append(' ').append(r.path()).append('\n');
        hay.append(URLDecoder.decode(r.path().replace("+", "%2B"), StandardCharsets.UTF_8)).append('\n');
        r.headers().forEach((k, v) -> {
            if (!(k.equals("authorization") && authHosts.contains(host(r)))) {
                hay.append(k).append(": ").append(v).append('\n');
            }
        });
        hay.append(r.bodyText()).append('\n');
        hay.append(URLDecoder.decode(r.bodyText().replace("+", "%2B"), StandardCharsets.UTF_8)).append('\n');
        if (r.body().length > 2 && (r.body()[0] & 0xff) == 0x1f && (r.body()[1] & 0xff) == 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
                hay.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                hay.append("(not gzip)");
            }
        }
        String text = hay.toString().toLowerCase(Locale.ROOT);
        for (Map.Entry<String, List<String>> e : encodings.entrySet()) {
            for (String form : e.getValue()) {
                if (text.contains(form.toLowerCase(Locale.ROOT))) {
                    return "a canary" + (form.equals(e.getKey()) ? "" : " (encoded)");
                }
            }
        }
        return null;
    }

    private static String host(LoopbackUpstream.Received r) {
        String h = r.headers().getOrDefault("host", "");
        int colon = h.lastIndexOf(':');
        return (colon > 0 ? h.substring(0, colon) : h).toLowerCase(Locale.ROOT);
    }

    private Map<String, String> refs() {
        Map<String, String> out = new LinkedHashMap<>();
        Docker.Result r = Docker.run("git", "-c", "safe.directory=*", "--git-dir", ssh.repoDir(repo).toString(), "for-each-ref",
                "--format=%(refname) %(objectname)");
        r.out().lines().map(l -> l.split(" ")).filter(p -> p.length == 2).forEach(p -> out.put(p[0], p[1]));
        return out;
    }

    private static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder b = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte x : data) {
            buffer = (buffer << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                b.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            b.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        return b.toString();
    }
}
