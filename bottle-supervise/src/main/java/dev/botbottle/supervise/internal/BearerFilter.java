package dev.botbottle.supervise.internal;

import dev.botbottle.spi.GatewayAuditEntry;
import dev.botbottle.spi.Secret;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * Lets a request through only when it carries this bottle's bearer ({@code Authorization: Bearer <token>});
 * anything else — no header, another scheme, another bottle's token — gets 401 before the MCP transport sees it,
 * audited first. The comparison takes the same time whatever the token.
 */
public final class BearerFilter implements Filter {

    private final byte[] expected;
    private final java.util.concurrent.atomic.AtomicLong admitted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private final Consumer<GatewayAuditEntry> audit;

    /**
     * @param bearer the only bearer let through
     * @param audit receives one entry per refused request
     */
    public BearerFilter(Secret bearer, Consumer<GatewayAuditEntry> audit) {
        this.expected = ("Bearer " + bearer.reveal()).getBytes(StandardCharsets.UTF_8);
        this.audit = audit;
    }

    /** @return how many requests carried the bottle's bearer */
    public long admitted() {
        return admitted.get();
    }

    /** @return how many requests were refused with 401 */
    public long refused() {
        return refused.get();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String given = request.getHeader("Authorization");
        if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            admitted.incrementAndGet();
            chain.doFilter(req, res);
            return;
        }
        refused.incrementAndGet();
        audit.accept(GatewayAuditEntry.deny("supervise", request.getMethod().replaceAll("[^A-Z]", "?") + " "
                + (request.getRequestURI().matches("[A-Za-z0-9/_.-]{0,64}") ? request.getRequestURI() : "?"), "-", 401,
                given == null ? "no bearer" : given.startsWith("Bearer ") ? "not this bottle's bearer"
                        : "not a bearer token"));
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"bot-bottle-supervise\"");
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write("bot-bottle supervise: this server answers only its own bottle's bearer token\n");
    }
}
