package dev.botbottle.supervise;

import dev.botbottle.core.state.DirectoryStateStore;
import dev.botbottle.core.supervise.ProposalStore;
import dev.botbottle.core.supervise.Supervisor;
import dev.botbottle.spi.Decision;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayAudit;
import dev.botbottle.spi.GatewayAuditEntry;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.PathMatch;
import dev.botbottle.spi.Proposal;
import dev.botbottle.spi.ProposalDesk;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.RouteAuth;
import dev.botbottle.spi.RouteMatch;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.spi.SuperviseService;
import dev.botbottle.spi.SupervisorHandler;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The supervise server with the runtime's real proposal desk, driven by the MCP SDK's own client over HTTP.
 * The host's handler here decides by what the agent wrote in its justification; an egress double stands in for the
 * running gateway (the Docker integration test uses the real one).
 */
class SuperviseServerTests {
    static final HostReach LOOPBACK = new HostReach("127.0.0.1", "127.0.0.1", "loopback test");
    static final EgressRoute API = EgressRoute.builder("api.example.com").auth(new RouteAuth("Bearer", "HOST_API_TOKEN"))
            .matches(List.of(new RouteMatch(List.of(new PathMatch(PathMatch.Type.PREFIX, "/v1/")), List.of("GET"))))
            .build();

    @TempDir
    Path home;
    private DirectoryStateStore state;
    private final List<AutoCloseable> open = new ArrayList<>();

    /** Approves, modifies or rejects by the justification's first word; "later" leaves the proposal pending. */
    static final SupervisorHandler BY_JUSTIFICATION = p -> {
        String why = p.justification();
        if (why.startsWith("later")) {
            return Optional.empty();
        }
        if (why.startsWith("narrow") && p.change() instanceof ProposedChange.Route r) {
            return Optional.of(Decision.approveModified(new ProposedChange.Route(r.route().toBuilder()
                    .matches(List.of(new RouteMatch(List.of(new PathMatch(PathMatch.Type.PREFIX, "/simple/")),
                            List.of("GET")))).build()), "only the index"));
        }
        if (why.startsWith("no")) {
            return Optional.of(Decision.reject("not for this task"));
        }
        if (p.change() instanceof ProposedChange.Question) {
            return Optional.of(Decision.approve("use the staging database"));
        }
        return Optional.of(Decision.approve("ok"));
    };

    @BeforeEach
    void state() {
        state = new DirectoryStateStore(home);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void listsTheBottlesRoutesWithoutCredentials() {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        CallToolResult r = b.call("list-egress-routes", Map.of());
        assertThat(text(r)).contains("api.example.com {GET /v1/*} [credential injected by the gateway]")
                .doesNotContain("HOST_API_TOKEN");
    }

    @Test
    void anApprovedRouteIsAppliedToTheRunningGatewayAtOnceAndAudited() throws Exception {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        CallToolResult r = b.call("egress-block", Map.of("host", "pypi.org", "methods", List.of("GET"),
                "justification", "the task installs a package"));
        assertThat(text(r)).startsWith("APPROVED: proposal").contains("pypi.org {GET}").contains("Retry your request");
        assertThat(r.isError()).isFalse();
        assertThat(b.egress.routes()).extracting(EgressRoute::host).containsExactly("api.example.com", "pypi.org");
        assertThat(new ProposalStore(state).pending()).isEmpty();
        List<String> audit = Files.readAllLines(state.directory("demo-aaaaa").resolve("supervise/audit.jsonl"));
        assertThat(audit).hasSize(3);
        assertThat(audit.get(0)).contains("\"event\":\"proposed\"").contains("pypi.org").contains("the task installs a package");
        // the answer's writer and the process applying it log independently: either line may come first
        assertThat(audit.subList(1, 3)).anySatisfy(l -> assertThat(l).contains("\"event\":\"answered\"")
                .contains("APPROVED"));
        assertThat(audit.subList(1, 3)).anySatisfy(l -> assertThat(l).contains("\"event\":\"decided\"")
                .contains("\"before\"").contains("\"after\"").contains("APPROVED").doesNotContain("HOST_API_TOKEN\":"));
    }

    @Test
    void aModifiedApprovalGrantsWhatTheOperatorWroteNotWhatWasAsked() {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        CallToolResult r = b.call("egress-block", Map.of("host", "pypi.org", "justification", "narrow it if you like"));
        assertThat(text(r)).startsWith("APPROVED WITH CHANGES").contains("pypi.org {GET /simple/*}").contains("only the index");
        assertThat(b.egress.routes()).filteredOn(x -> x.host().equals("pypi.org")).singleElement()
                .satisfies(x -> assertThat(x.matches()).hasSize(1));
    }

    @Test
    void aRejectionChangesNothingAndSaysWhy() {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        CallToolResult r = b.call("egress-block", Map.of("host", "pastebin.com", "justification", "no real reason"));
        assertThat(text(r)).startsWith("REJECTED").contains("not for this task");
        assertThat(b.egress.replacements).isEmpty();
    }

    @Test
    void aProposalStillPendingAtTheBoundIsAnsweredLaterThroughTheStoreAndTheAgentAsksAgain() {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults().withAnswerWait(Duration.ofMillis(200)));
        CallToolResult r = b.call("egress-block", Map.of("host", "pypi.org", "justification", "later is fine"));
        assertThat(text(r)).startsWith("STILL PENDING").contains("proposal-status");
        String id = (String) ((Map<?, ?>) r.structuredContent()).get("proposal_id");
        ProposalStore store = new ProposalStore(state);
        assertThat(store.pending()).extracting(Proposal::id).containsExactly(id);

        // the operator answers from another process (bottle supervise writes the same file)
        assertThat(store.answer(store.find(id).orElseThrow(), Decision.approve("go ahead"))).isTrue();
        assertThat(store.answer(store.find(id).orElseThrow(), Decision.reject("too late"))).as("first answer wins").isFalse();
        CallToolResult again = b.call("proposal-status", Map.of("proposal_id", id));
        assertThat(text(again)).startsWith("APPROVED: proposal " + id).contains("go ahead");
        assertThat(b.egress.routes()).extracting(EgressRoute::host).contains("pypi.org");
        assertThat(store.pending()).isEmpty();
    }

    @Test
    void capabilityChangesAreRecordedForTheNextRebuild() {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        CallToolResult r = b.call("capability-block", Map.of("dockerfile", "RUN apt-get install -y ripgrep",
                "justification", "faster search"));
        assertThat(text(r)).startsWith("APPROVED").contains("rebuilds the bottle");
        assertThat(new ProposalStore(state).pendingImageChanges("demo-aaaaa")).contains("RUN apt-get install -y ripgrep\n");
        assertThat(b.egress.replacements).isEmpty();
    }

    @Test
    void aQuestionGetsTheOperatorsAnswer() {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        CallToolResult r = b.call("ask", Map.of("question", "Which database may I use?"));
        assertThat(text(r)).startsWith("ANSWER from your operator").contains("use the staging database");
    }

    @Test
    void badArgumentsAndRoutesThatCouldNarrowAnotherAreNotFiled() {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        assertThat(text(b.call("egress-block", Map.of("host", "https://pypi.org/simple", "justification", "x"))))
                .startsWith("NOT FILED").contains("host name");
        assertThat(text(b.call("egress-block", Map.of("host", "10.0.0.7", "justification", "x")))).startsWith("NOT FILED");
        assertThat(text(b.call("egress-block", Map.of("host", "*.example.com", "justification", "x"))))
                .startsWith("NOT FILED").contains("overlap").contains("api.example.com");
        assertThat(text(b.call("proposal-status", Map.of("proposal_id", "zzzz9999")))).startsWith("NOT FILED")
                .contains("no proposal");
        assertThat(new ProposalStore(state).pending()).isEmpty();
    }

    @Test
    void aMissingOrWrongBearerGets401AndTheOwnBearerGetsIn() throws Exception {
        Bottle a = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        Bottle other = bottle("other-bbbbb", BY_JUSTIFICATION, SuperviseOptions.defaults());
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        assertThat(post(a.endpoint.url(), a.endpoint.bearer().reveal(), init).statusCode()).as("control: own bearer").isEqualTo(200);
        HttpResponse<String> none = post(a.endpoint.url(), null, init, true);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(post(a.endpoint.url(), "wrong", init).statusCode()).isEqualTo(401);
        assertThat(post(a.endpoint.url(), other.endpoint.bearer().reveal(), init).statusCode())
                .as("another bottle's bearer").isEqualTo(401);
        assertThatThrownBy(() -> client(a.endpoint.url(), other.endpoint.bearer().reveal()).initialize())
                .as("the SDK client with another bottle's bearer").isInstanceOf(RuntimeException.class);
        List<GatewayAuditEntry> refused = ((GatewayAudit) a.service).auditEntries();
        assertThat(refused).as("every refusal is audited, the admitted request is not a refusal")
                .allSatisfy(e -> assertThat(e.verdict()).isEqualTo(GatewayAuditEntry.Verdict.DENY))
                .extracting(GatewayAuditEntry::reason)
                .contains("no bearer", "not this bottle's bearer").hasSizeGreaterThanOrEqualTo(4);
        assertThat(refused).extracting(GatewayAuditEntry::summary).noneMatch(l -> l.contains(other.endpoint.bearer()
                .reveal()) || l.contains(a.endpoint.bearer().reveal()));
        assertThat(Files.readAllLines(state.directory("demo-aaaaa").resolve("supervise/requests.jsonl")))
                .hasSize(refused.size()).allSatisfy(l -> assertThat(l).contains("\"verdict\":\"DENY\"")
                        .contains("\"status\":401"));
        assertThat(((GatewayAudit) other.service).auditEntries()).as("the other bottle's server saw nothing").isEmpty();
    }

    @Test
    void everyToolCallIsAuditedWithItsOutcome() {
        Bottle b = bottle("demo-aaaaa", BY_JUSTIFICATION, SuperviseOptions.defaults());
        b.call("list-egress-routes", Map.of());
        b.call("egress-block", Map.of("host", "", "justification", "bad"));
        List<String> lines = ((GatewayAudit) b.service).auditEntries().stream().map(GatewayAuditEntry::summary)
                .toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("ALLOW 200 tools/call list-egress-routes: answered");
        assertThat(lines.get(1)).startsWith("DENY 200 tools/call egress-block: refused");
    }

    @Test
    void aProposalCannotReachAnotherBottle() {
        Bottle a = bottle("demo-aaaaa", p -> Optional.empty(), SuperviseOptions.defaults().withAnswerWait(Duration.ZERO));
        Bottle other = bottle("other-bbbbb", BY_JUSTIFICATION, SuperviseOptions.defaults());
        String id = (String) ((Map<?, ?>) a.call("egress-block", Map.of("host", "pypi.org", "justification", "later"))
                .structuredContent()).get("proposal_id");
        assertThat(text(other.call("proposal-status", Map.of("proposal_id", id)))).startsWith("NOT FILED")
                .contains("no proposal " + id);
        ProposalStore store = new ProposalStore(state);
        Proposal p = store.find(id).orElseThrow();
        assertThat(p.slug()).isEqualTo("demo-aaaaa");
        store.answer(p, Decision.approve("ok"));
        assertThat(text(a.call("proposal-status", Map.of("proposal_id", id)))).startsWith("APPROVED");
        assertThat(a.egress.routes()).extracting(EgressRoute::host).contains("pypi.org");
        assertThat(other.egress.routes()).extracting(EgressRoute::host).containsExactly("api.example.com");
        assertThat(other.egress.replacements).isEmpty();
    }

    @Test
    void pendingProposalsSurviveARestartAndAreHandedToTheNewHandler() throws Exception {
        Supervisor first = new Supervisor(state, SupervisorHandler.NONE);
        Bottle b = bottle("demo-aaaaa", first, SuperviseOptions.defaults().withAnswerWait(Duration.ZERO));
        String id = (String) ((Map<?, ?>) b.call("egress-block", Map.of("host", "pypi.org", "justification", "the build"))
                .structuredContent()).get("proposal_id");
        b.close();
        first.close();
        assertThat(new ProposalStore(state).pending()).extracting(Proposal::id).containsExactly(id);

        Supervisor second = new Supervisor(state, BY_JUSTIFICATION);
        open.add(second);
        Bottle again = bottle("demo-aaaaa", second, SuperviseOptions.defaults());
        CallToolResult r = again.call("proposal-status", Map.of("proposal_id", id));
        assertThat(text(r)).startsWith("APPROVED: proposal " + id);
        assertThat(again.egress.routes()).extracting(EgressRoute::host).contains("pypi.org");
    }

    // ---------------------------------------------------------------------------------------------------------

    private Bottle bottle(String slug, SupervisorHandler handler, SuperviseOptions options) {
        Supervisor supervisor = new Supervisor(state, handler, Duration.ofMillis(20));
        open.add(supervisor);
        return bottle(slug, supervisor, options);
    }

    private Bottle bottle(String slug, Supervisor supervisor, SuperviseOptions options) {
        ProposalDesk desk = supervisor.open(slug, List.of(API));
        EgressControlDouble egress = new EgressControlDouble(List.of(API));
        supervisor.attach(slug, egress);
        GatewayService service = new SuperviseGatewayProvider(options).start(GatewayRequest.builder(slug)
                .stateDir(state.directory(slug)).proposals(desk).build());
        Bottle b = new Bottle(service, ((SuperviseService) service).endpoint(LOOPBACK), egress);
        open.add(b);
        return b;
    }

    final class Bottle implements AutoCloseable {
        final GatewayService service;
        final SuperviseEndpoint endpoint;
        final EgressControlDouble egress;
        private McpSyncClient client;

        Bottle(GatewayService service, SuperviseEndpoint endpoint, EgressControlDouble egress) {
            this.service = service;
            this.endpoint = endpoint;
            this.egress = egress;
        }

        CallToolResult call(String tool, Map<String, Object> args) {
            if (client == null) {
                client = client(endpoint.url(), endpoint.bearer().reveal());
                client.initialize();
            }
            return client.callTool(new CallToolRequest(tool, args));
        }

        @Override
        public void close() {
            if (client != null) {
                client.close();
            }
            service.close();
        }
    }

    static McpSyncClient client(String url, String bearer) {
        URI uri = URI.create(url);
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder(uri.getScheme() + "://" + uri.getAuthority()).endpoint(uri.getPath())
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + bearer)).build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
    }

    static String text(CallToolResult r) {
        return r.content().stream().filter(TextContent.class::isInstance).map(c -> ((TextContent) c).text())
                .reduce("", String::concat);
    }

    static HttpResponse<String> post(String url, String bearer, String body) throws Exception {
        return post(url, bearer, body, false);
    }

    static HttpResponse<String> post(String url, String bearer, String body, boolean noHeader) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
        if (!noHeader) {
            b.header("Authorization", "Bearer " + (bearer != null ? bearer : ""));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
