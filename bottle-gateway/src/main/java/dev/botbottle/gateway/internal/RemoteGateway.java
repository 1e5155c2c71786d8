package dev.botbottle.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRunner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.ProposalDesk;
import dev.botbottle.spi.ProposedChange;
import dev.botbottle.spi.RouteAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One running gateway program as the runtime holds it: its control channel, the desk the runtime serves to it, and
 * the stand-in services handed out; the program ends when the last of them is closed.
 */
public final class RemoteGateway {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteGateway.class);

    private final String slug;
    private final GatewayRunner.Running running;
    private final ControlClient control;
    private final CredentialSource credentials;
    private final Set<GatewayService> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ExecutorService deskCalls = new ThreadPoolExecutor(0, 16, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "gateway-desk");
        t.setDaemon(true);
        return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    private volatile Lines desk;

    /**
     * @param slug the bottle
     * @param running the program
     * @param control its control channel
     * @param credentials resolves the references of replaced routes
     */
    public RemoteGateway(String slug, GatewayRunner.Running running, ControlClient control,
                         CredentialSource credentials) {
        this.slug = slug;
        this.running = running;
        this.control = control;
        this.credentials = credentials;
    }

    /** @return the bottle */
    public String slug() {
        return slug;
    }

    /** @return the control channel */
    public ControlClient control() {
        return control;
    }

    /** @param services the stand-ins handed out; the program ends when all are closed */
    public synchronized void handOut(List<GatewayService> services) {
        open.addAll(services);
    }

    synchronized void released(GatewayService service) {
        open.remove(service);
        if (open.isEmpty()) {
            stop();
        }
    }

    /** Ends the program: the desk connection, then its standard input (its lifeline). */
    public void stop() {
        Lines d = desk;
        if (d != null) {
            d.close();
        }
        deskCalls.shutdownNow();
        running.close();
    }

    /**
     * @param routes routes
     * @return the value of every credential they name that the runtime's sources know
     */
    public Map<String, String> credentialsFor(List<EgressRoute> routes) {
        Map<String, String> values = new LinkedHashMap<>();
        for (EgressRoute route : routes) {
            route.auth().map(RouteAuth::tokenRef).ifPresent(ref ->
                    credentials.resolve(ref).ifPresent(secret -> values.put(ref, secret.reveal())));
        }
        return values;
    }

    /**
     * Opens the {@code desk} connection and answers the program's calls (proposals with the runtime's desk,
     * credential refreshes with the runtime's sources), each on a thread of its own (an {@code await} blocks), until
     * the program ends.
     *
     * @param real the runtime's desk of this bottle; null when it has none (supervise off)
     * @throws IOException when the program does not answer
     */
    public void serveDesk(ProposalDesk real) throws IOException {
        Lines lines = control.open();
        lines.write(Wire.line(control.request("desk")));
        desk = lines;
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = lines.read()) != null) {
                    JsonNode call = Wire.parse(line);
                    try {
                        deskCalls.execute(() -> answer(lines, real, call));
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        reply(lines, call, Wire.error(new dev.botbottle.spi.BottleException(
                                "too many proposal calls at once; ask again shortly")));
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("desk connection of bottle {} ended: {}", slug, e.getMessage());
            }
        }, "gateway-desk-" + slug);
        reader.setDaemon(true);
        reader.start();
    }

    private void answer(Lines lines, ProposalDesk real, JsonNode call) {
        ObjectNode answer = Wire.object();
        answer.put("ok", true);
        try {
            switch (call.path("call").asText()) {
                case "submit" -> answer.set("proposal", Wire.MAPPER.valueToTree(desk(real).submit(
                        Wire.read(call.path("change"), ProposedChange.class), call.path("justification").asText())));
                case "await" -> desk(real).await(call.path("proposalId").asText(),
                                Duration.ofMillis(call.path("timeoutMillis").asLong()))
                        .ifPresent(d -> answer.set("decision", Wire.MAPPER.valueToTree(d)));
                case "find" -> desk(real).find(call.path("proposalId").asText())
                        .ifPresent(p -> answer.set("proposal", Wire.MAPPER.valueToTree(p)));
                case "routes" -> answer.set("routes", Wire.MAPPER.valueToTree(desk(real).routes()));
                case "credential" -> credentials.credential(call.path("reference").asText())
                        .ifPresent(c -> answer.set("credential", Wire.MAPPER.valueToTree(c)));
                case "invalidate" -> credentials.invalidate(call.path("reference").asText());
                default -> throw new IllegalArgumentException("unknown desk call " + call.path("call").asText());
            }
            reply(lines, call, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            reply(lines, call, Wire.error(e));
        }
    }

    private ProposalDesk desk(ProposalDesk real) {
        if (real == null) {
            throw new BottleException("bottle " + slug + " has no proposal desk (supervise is off)");
        }
        return real;
    }

    private void reply(Lines lines, JsonNode call, ObjectNode answer) {
        answer.put("id", call.path("id").asLong());
        try {
            lines.write(Wire.line(answer));
        } catch (IOException e) {
            LOG.debug("cannot answer a desk call of bottle {}: {}", slug, e.getMessage());
        }
    }

    /** @return whether the program still runs */
    public boolean isAlive() {
        return running.isAlive();
    }
}
