package dev.botbottle.supervise;

import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.GatewayAudit;
import dev.botbottle.spi.GatewayAuditEntry;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.spi.SuperviseService;
import dev.botbottle.spi.support.AuditJournal;
import dev.botbottle.supervise.internal.AgentNotes;
import dev.botbottle.supervise.internal.BearerFilter;
import dev.botbottle.supervise.internal.Tools;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;

/**
 * One bottle's supervise server, as {@link SuperviseGatewayProvider#start} returns it: the MCP SDK's stateless streamable-HTTP servlet transport on an embedded Jetty,
 * listening only on the bottle's bind address, behind {@link BearerFilter}. Stateless (no MCP sessions), so a bottle
 * whose agent restarts a thousand times holds no more memory than one that never did. Every refused request and
 * every tool call is audited ({@link GatewayAudit}; {@code <stateDir>/supervise/requests.jsonl}).
 */
public final class SuperviseServer implements GatewayService, SuperviseService, GatewayAudit {

    /** The variable the bearer is handed over in, for CLIs that read it from the environment. */
    public static final String BEARER_ENV = "BOT_BOTTLE_SUPERVISE_TOKEN";
    /** The MCP endpoint's path. */
    public static final String PATH = "/mcp";

    private static final Logger LOG = LoggerFactory.getLogger(SuperviseServer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String slug;
    private final Server jetty;
    private final McpStatelessSyncServer mcp;
    private final Secret bearer;
    private final int port;
    private final BearerFilter filter;
    private final AuditJournal journal;

    private SuperviseServer(String slug, Server jetty, McpStatelessSyncServer mcp, Secret bearer, int port,
                            BearerFilter filter, AuditJournal journal) {
        this.journal = journal;
        this.filter = filter;
        this.slug = slug;
        this.jetty = jetty;
        this.mcp = mcp;
        this.bearer = bearer;
        this.port = port;
    }

    /**
     * @param request the bottle, where to bind, its proposal desk
     * @param options waits and bounds
     * @return the running server
     * @throws BottleException when it cannot listen (the port is taken, the address is not on this host)
     */
    public static SuperviseServer start(GatewayRequest request, SuperviseOptions options) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        Secret bearer = Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(raw));
        McpJsonMapper json = McpJsonDefaults.getMapper();
        AuditJournal journal = AuditJournal.at(request.stateDir().resolve("supervise").resolve("requests.jsonl"));
        java.util.function.Consumer<GatewayAuditEntry> audit = e -> {
            try {
                journal.record(e);
            } catch (java.io.UncheckedIOException x) {
                LOG.warn("supervise server of bottle {}: {}", request.slug(), x.getMessage());
            }
        };
        HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
                .jsonMapper(json).messageEndpoint(PATH).maxRequestSize(options.maxRequestBytes()).build();
        McpStatelessSyncServer mcp = McpServer.sync(transport)
                .serverInfo("bot-bottle-supervise", "0.1.0")
                .instructions(AgentNotes.TEXT)
                .capabilities(ServerCapabilities.builder().tools(false).build())
                .tools(new Tools(request.slug(), request.proposals(), options.answerWait(), options.maxWaitingCalls(), audit).specifications(json))
                .requestTimeout(options.answerWait().plus(Duration.ofSeconds(30)))
                .immediateExecution(true)
                .build();

        QueuedThreadPool threads = new QueuedThreadPool(options.maxWaitingCalls() + 8, 2);
        threads.setName("supervise-" + request.slug());
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost(request.bindAddress());
        connector.setPort(request.port());
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder servlet = new ServletHolder("mcp", transport);
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, PATH);
        BearerFilter filter = new BearerFilter(bearer, audit);
        context.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.setStopTimeout(2_000);
        try {
            jetty.start();
        } catch (Exception e) {
            stopQuietly(jetty);
            mcp.close();
            Throwable cause = e instanceof IOException && e.getCause() instanceof BindException ? e.getCause() : e;
            throw new BottleException("the supervise server of bottle " + request.slug() + " cannot listen on "
                    + request.bindAddress() + ":" + request.port() + ": " + cause.getMessage(), e);
        }
        int port = connector.getLocalPort();
        LOG.info("supervise server of bottle {} listens on {}:{}", request.slug(), request.bindAddress(), port);
        return new SuperviseServer(request.slug(), jetty, mcp, bearer, port, filter, journal);
    }

    /** @return how many MCP requests carried this bottle's bearer (an agent CLI connecting, listing tools, calling) */
    public long authorizedRequests() {
        return filter.admitted();
    }

    /** @return the refused requests and the tool calls since this server started, oldest first */
    @Override
    public List<GatewayAuditEntry> auditEntries() {
        return journal.entries();
    }

    /** @return how many requests were refused with 401 (no bearer, or another bottle's) */
    public long refusedRequests() {
        return filter.refused();
    }

    @Override
    public String name() {
        return SuperviseGatewayProvider.NAME;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public List<ProvisionStep> bottleSteps(HostReach reach) {
        return List.of();
    }

    @Override
    public SuperviseEndpoint endpoint(HostReach reach) {
        return new SuperviseEndpoint("http://" + reach.bottleAddress() + ":" + port + PATH, BEARER_ENV, bearer,
                AgentNotes.TEXT);
    }

    @Override
    public void close() {
        stopQuietly(jetty);
        mcp.close();
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping a supervise server failed: {}", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "SuperviseServer[" + slug + ", port " + port + "]";
    }
}
