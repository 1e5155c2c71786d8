package dev.botbottle.supervise.internal;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.GatewayAuditEntry;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposalDesk;
import dev.botbottle.spi.ProposedChange;
import java.time.Duration;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The supervise tools of one bottle. Proposing tools file a proposal on the bottle's desk, then wait for the
 * answer for a bounded time; a bounded number of calls may wait at once. Every call is audited with its outcome
 * (the desk audits proposals and decisions in detail).
 */
public final class Tools {

    static final String LIST_ROUTES = "list-egress-routes";
    static final String EGRESS_BLOCK = "egress-block";
    static final String CAPABILITY_BLOCK = "capability-block";
    static final String ASK = "ask";
    static final String STATUS = "proposal-status";

    private static final Logger LOG = LoggerFactory.getLogger(Tools.class);

    private final String slug;
    private final ProposalDesk desk;
    private final Duration answerWait;
    private final Semaphore waiting;
    private final Consumer<GatewayAuditEntry> audit;

    /**
     * @param slug the bottle
     * @param desk where its proposals go
     * @param answerWait how long a call waits for an answer
     * @param maxWaitingCalls how many calls may wait at once
     * @param audit receives one entry per tool call
     */
    public Tools(String slug, ProposalDesk desk, Duration answerWait, int maxWaitingCalls,
                 Consumer<GatewayAuditEntry> audit) {
        this.audit = audit;
        this.slug = slug;
        this.desk = desk;
        this.answerWait = answerWait;
        this.waiting = new Semaphore(maxWaitingCalls);
    }

    /** @param json the SDK's JSON mapper @return the tools, with their handlers */
    public List<SyncToolSpecification> specifications(McpJsonMapper json) {
        return List.of(
                spec(json, LIST_ROUTES, "List this bottle's egress routes: the only hosts (and paths and methods) it"
                        + " can reach now. Shows no credential.", "{}", true, a -> Replies.routes(desk.routes())),
                spec(json, EGRESS_BLOCK, "Ask the operator to let this bottle reach a host the egress gateway refused."
                        + " Waits for the answer for a while; an approved route works at once.", """
                        {"host": {"type": "string", "description": "host name, e.g. api.example.com, or *.example.com for its subdomains"},
                         "methods": {"type": "array", "items": {"type": "string"}, "description": "HTTP methods needed, e.g. [\\"GET\\"]; omit for all"},
                         "paths": {"type": "array", "items": {"type": "string"}, "description": "path prefixes needed, e.g. [\\"/v1/\\"]; omit for all"},
                         "ports": {"type": "array", "items": {"type": "integer"}, "description": "ports other than 443, if needed"},
                         "justification": {"type": "string", "description": "why the task needs it"}}""",
                        List.of("host", "justification"), false,
                        a -> propose(new ProposedChange.Route(a.route()), a.text("justification", Arguments.MAX_TEXT))),
                spec(json, CAPABILITY_BLOCK, "Ask the operator to change this bottle's image (e.g. install a tool)."
                        + " Takes effect when the operator rebuilds the bottle.", """
                        {"dockerfile": {"type": "string", "description": "Dockerfile instructions applied on top of the current image, e.g. RUN apt-get install -y ripgrep"},
                         "justification": {"type": "string", "description": "why the task needs it"}}""",
                        List.of("dockerfile", "justification"), false,
                        a -> propose(new ProposedChange.Image(a.text("dockerfile", Arguments.MAX_DOCKERFILE)),
                                a.text("justification", Arguments.MAX_TEXT))),
                spec(json, ASK, "Ask the operator a free-text question and wait for the answer for a while.", """
                        {"question": {"type": "string", "description": "the question"}}""",
                        List.of("question"), false,
                        a -> propose(new ProposedChange.Question(a.text("question", Arguments.MAX_TEXT)), "")),
                spec(json, STATUS, "Wait again for the answer to a proposal that was still pending.", """
                        {"proposal_id": {"type": "string", "description": "the id a still-pending answer gave"}}""",
                        List.of("proposal_id"), true, a -> status(a.text("proposal_id", 64))));
    }

    private CallToolResult propose(ProposedChange change, String justification) {
        Proposal proposal = desk.submit(change, justification);
        LOG.info("bottle {} proposed {} ({})", slug, proposal.change().summary(), proposal.id());
        return waitFor(proposal);
    }

    private CallToolResult status(String id) {
        Optional<Proposal> proposal = desk.find(id);
        if (proposal.isEmpty()) {
            return Replies.refused("this bottle has no proposal " + id);
        }
        return waitFor(proposal.get());
    }

    private CallToolResult waitFor(Proposal proposal) {
        if (!waiting.tryAcquire()) {
            return Replies.pending(proposal);
        }
        try {
            Optional<Decision> decision = desk.await(proposal.id(), answerWait);
            return decision.map(d -> Replies.decided(proposal, d, desk.routes())).orElseGet(() -> Replies.pending(proposal));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Replies.pending(proposal);
        } finally {
            waiting.release();
        }
    }

    private SyncToolSpecification spec(McpJsonMapper json, String name, String description, String properties,
                                       boolean readOnly, Function<Arguments, CallToolResult> handler) {
        return spec(json, name, description, properties, List.of(), readOnly, handler);
    }

    private SyncToolSpecification spec(McpJsonMapper json, String name, String description, String properties,
                                       List<String> required, boolean readOnly, Function<Arguments, CallToolResult> handler) {
        String schema = "{\"type\": \"object\", \"properties\": " + properties + ", \"required\": "
                + required.stream().map(r -> "\"" + r + "\"").toList() + ", \"additionalProperties\": false}";
        Tool tool = Tool.builder().name(name).description(description).inputSchema(json, schema)
                .annotations(new ToolAnnotations(null, readOnly, false, readOnly, false, null)).build();
        return new SyncToolSpecification(tool, (context, request) -> call(name, request, handler));
    }

    private CallToolResult call(String name, CallToolRequest request, Function<Arguments, CallToolResult> handler) {
        try {
            CallToolResult result = handler.apply(new Arguments(request.arguments()));
            boolean error = Boolean.TRUE.equals(result.isError());
            audit.accept(error ? GatewayAuditEntry.deny("supervise", "tools/call", name, 200, "refused")
                    : GatewayAuditEntry.allow("supervise", "tools/call", name, 200, "answered"));
            return result;
        } catch (IllegalArgumentException e) {
            audit.accept(GatewayAuditEntry.deny("supervise", "tools/call", name, 200, "refused: " + e.getMessage()));
            return Replies.refused(e.getMessage());
        } catch (BottleException e) {
            LOG.warn("supervise tool {} of bottle {} failed: {}", name, slug, e.getMessage());
            audit.accept(GatewayAuditEntry.deny("supervise", "tools/call", name, 200, "failed: " + e.getMessage()));
            return Replies.refused(e.getMessage());
        }
    }
}
