package dev.botbottle.egress.internal;

import dev.botbottle.dlp.DlpFinding;
import dev.botbottle.dlp.DlpScanner;
import dev.botbottle.spi.DlpPolicy;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.Secret;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Prepares an allowed request for upstream: drops the credentials the agent sent, scans what is left for secrets
 * (URI, headers, body) and applies the route's DLP action, then injects the real credential.
 */
final class RequestRewriter {

    /** Headers that carry credentials; on a route with {@code auth} whatever the agent put there is dropped. */
    static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "x-api-key", "api-key",
            "private-token", "x-auth-token", "x-goog-api-key", "cookie");

    /** Hop-by-hop headers meant for the proxy, never forwarded. */
    static final List<String> PROXY_HEADERS = List.of("proxy-authorization", "proxy-connection", "expect");

    /**
     * @param blockedBy the rules that block the request; empty when it may go on
     * @param note what DLP did (redacted/warned), for the audit reason; empty when nothing
     */
    record Outcome(Set<String> blockedBy, String note) {
        boolean blocked() {
            return !blockedBy.isEmpty();
        }
    }

    private RequestRewriter() {
    }

    /** @return whether the request asks to upgrade to WebSocket (relayed frame by frame after a 101) */
    static boolean isWebSocketUpgrade(HttpRequest req) {
        return req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    static Outcome rewrite(FullHttpRequest req, Optional<EgressRoute> route, Policy policy) {
        for (String h : PROXY_HEADERS) {
            req.headers().remove(h);
        }
        // request trailers are neither scanned nor expected upstream: dropped
        if (!req.trailingHeaders().isEmpty()) {
            req.trailingHeaders().clear();
        }
        if (isWebSocketUpgrade(req)) {
            // no permessage-deflate: frames must stay readable for DLP
            req.headers().remove(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS);
        }
        Optional<RouteAuth> auth = route.flatMap(EgressRoute::auth);
        if (auth.isPresent()) {
            for (String h : CREDENTIAL_HEADERS) {
                req.headers().remove(h);
            }
            // responses are decompressed to replace an echoed credential: only ask for what Netty always decodes
            if (req.headers().contains(HttpHeaderNames.ACCEPT_ENCODING)) {
                req.headers().set(HttpHeaderNames.ACCEPT_ENCODING, "gzip, deflate");
            }
        }
        DlpPolicy dlp = route.map(EgressRoute::dlp).orElse(DlpPolicy.DEFAULT);
        String note = "";
        if (dlp.enabled()) {
            Outcome o = scan(req, policy.scanner(), dlp.onMatch());
            if (o.blocked()) {
                return o;
            }
            note = o.note();
        }
        if (auth.isPresent()) {
            Secret value = policy.credentials().get(auth.get().tokenRef());
            if (value != null) {
                req.headers().set(HttpHeaderNames.AUTHORIZATION, auth.get().scheme() + " " + value.reveal());
            }
        }
        return new Outcome(Set.of(), note);
    }

    /**
     * @param rawHost the host as the bottle sent it (case kept: some formats are case-sensitive)
     * @param route the deciding route
     * @param policy the policy
     * @return the names of the rules a secret in the host name matches, joined; empty when none, or when the
     *         route's DLP is off or only warns (a host name cannot be redacted)
     */
    static String secretInHost(String rawHost, Optional<EgressRoute> route, Policy policy) {
        DlpPolicy dlp = route.map(EgressRoute::dlp).orElse(DlpPolicy.DEFAULT);
        if (!dlp.enabled() || dlp.onMatch() == DlpPolicy.Action.WARN) {
            return "";
        }
        Set<String> rules = new LinkedHashSet<>();
        policy.scanner().scanEncoded(rawHost).forEach(f -> rules.add(f.rule()));
        policy.scanner().scanEncoded(RouteTable.normalize(rawHost)).forEach(f -> rules.add(f.rule()));
        // DNS-tunnel shapes: the payload split across labels, base32-encoded; named only where the plain scan missed
        Set<String> direct = Set.copyOf(rules);
        List<String> views = HostLabels.views(rawHost);
        policy.scanner().scanEncoded(views.get(0)).stream().map(DlpFinding::rule).filter(r -> !direct.contains(r))
                .forEach(r -> rules.add(r + " (across labels)"));
        for (String decoded : views.subList(1, views.size())) {
            policy.scanner().scan(decoded).stream().map(DlpFinding::rule).filter(r -> !direct.contains(r))
                    .forEach(r -> rules.add(r + " (base32)"));
        }
        return String.join(", ", rules);
    }

    /** @return what the audit and the denial say instead of a host name that carries a secret */
    static String hiddenHost(String rules, String route) {
        return "[REDACTED:" + rules + "]" + (route.startsWith("*.") ? route.substring(1) : "");
    }

    private static Outcome scan(FullHttpRequest req, DlpScanner scanner, DlpPolicy.Action action) {
        Set<String> rules = new LinkedHashSet<>();
        // the method token and the URI (query strings are a classic exfiltration channel), through encodings
        scanner.scanEncoded(req.method().name()).forEach(f -> rules.add(f.rule()));
        List<DlpFinding> uriHits = scanner.scanEncoded(req.uri());
        uriHits.forEach(f -> rules.add(f.rule()));
        // headers, names (never redacted: a name with a secret blocks) and values
        List<Map.Entry<String, String>> headers = new ArrayList<>(req.headers().entries());
        boolean headerHit = false;
        boolean nameHit = false;
        for (Map.Entry<String, String> e : headers) {
            List<DlpFinding> names = scanner.scanEncoded(e.getKey());
            if (!names.isEmpty()) {
                nameHit = true;
                names.forEach(f -> rules.add(f.rule()));
            }
            List<DlpFinding> hits = scanner.scanEncoded(e.getValue());
            if (!hits.isEmpty()) {
                headerHit = true;
                hits.forEach(f -> rules.add(f.rule()));
            }
        }
        // the body, decoded byte for byte; a compressed body is also scanned inflated (and never redacted)
        ByteBuf content = req.content();
        String body = content.readableBytes() == 0 ? "" : content.toString(StandardCharsets.ISO_8859_1);
        List<DlpFinding> bodyHits = body.isEmpty() ? List.of() : scanner.scanEncoded(body);
        bodyHits.forEach(f -> rules.add(f.rule()));
        Set<String> inflated = BodyInflater.scan(req, scanner);
        rules.addAll(inflated);
        if ((nameHit || !inflated.isEmpty()) && action == DlpPolicy.Action.REDACT) {
            action = DlpPolicy.Action.BLOCK;
        }
        if (rules.isEmpty()) {
            return new Outcome(Set.of(), "");
        }
        switch (action) {
            case BLOCK:
                return new Outcome(rules, "");
            case WARN:
                return new Outcome(Set.of(), "dlp warning: " + String.join(", ", rules));
            case REDACT:
            default:
                if (!uriHits.isEmpty()) {
                    req.setUri(DlpScanner.redact(req.uri(), uriHits));
                }
                if (headerHit) {
                    for (Map.Entry<String, String> e : headers) {
                        List<DlpFinding> hits = scanner.scanEncoded(e.getValue());
                        if (!hits.isEmpty()) {
                            req.headers().set(e.getKey(), DlpScanner.redact(e.getValue(), hits));
                        }
                    }
                }
                if (!bodyHits.isEmpty()) {
                    byte[] redacted = DlpScanner.redact(body, bodyHits).getBytes(StandardCharsets.ISO_8859_1);
                    content.clear().writeBytes(redacted);
                    req.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, redacted.length);
                    req.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                }
                return new Outcome(Set.of(), "dlp redacted: " + String.join(", ", rules));
        }
    }
}
