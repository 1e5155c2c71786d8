package dev.botbottle.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayAudit;
import dev.botbottle.spi.GatewayAuditEntry;
import dev.botbottle.spi.GatewayPorts;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.spi.SuperviseService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** The runtime's stand-ins for services running in a gateway program: each call goes over the control channel. */
public final class RemoteServices {

    private static final Logger LOG = LoggerFactory.getLogger(RemoteServices.class);

    private RemoteServices() {
    }

    /**
     * @param gateway the program
     * @param name the service's name
     * @param port its main port
     * @param ports every port it listens on
     * @return a stand-in implementing {@link EgressControl} for egress and {@link SuperviseService} for supervise
     */
    public static GatewayService of(RemoteGateway gateway, String name, int port, GatewayPorts ports) {
        return switch (name) {
            case "egress" -> new Egress(gateway, name, port, ports);
            case "supervise" -> new Supervise(gateway, name, port, ports);
            case "gitgate" -> new Audited(gateway, name, port, ports);
            default -> new Service(gateway, name, port, ports);
        };
    }

    /** Any service: ports, bottle steps, close. */
    static class Service implements GatewayService {
        final RemoteGateway gateway;
        private final String name;
        private final int port;
        private final GatewayPorts ports;
        private boolean closed;

        Service(RemoteGateway gateway, String name, int port, GatewayPorts ports) {
            this.gateway = gateway;
            this.name = name;
            this.port = port;
            this.ports = ports;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public GatewayPorts ports() {
            return ports;
        }

        @Override
        public List<ProvisionStep> bottleSteps(HostReach reach) {
            ObjectNode request = gateway.control().request("bottleSteps");
            request.put("service", name);
            request.set("reach", Wire.MAPPER.valueToTree(reach));
            return Arrays.asList(Wire.read(gateway.control().call(request).path("steps"), ProvisionStep[].class));
        }

        @Override
        public boolean awaitReady(java.time.Duration timeout) {
            ObjectNode request = gateway.control().request("awaitReady");
            request.put("service", name);
            request.put("timeoutMillis", timeout.toMillis());
            return gateway.control().call(request).path("ready").asBoolean(false);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                gateway.released(this);
            }
        }

        @Override
        public String toString() {
            return name + " (gateway program of " + gateway.slug() + ", port " + port + ")";
        }
    }

    /** The egress gateway: routes and audit over the channel. */
    static final class Egress extends Service implements EgressControl {
        Egress(RemoteGateway gateway, String name, int port, GatewayPorts ports) {
            super(gateway, name, port, ports);
        }

        @Override
        public List<EgressRoute> routes() {
            JsonNode answer = gateway.control().call(gateway.control().request("routes"));
            return Arrays.asList(Wire.read(answer.path("routes"), EgressRoute[].class));
        }

        @Override
        public void replaceRoutes(List<EgressRoute> routes) {
            ObjectNode request = gateway.control().request("replaceRoutes");
            request.set("routes", Wire.MAPPER.valueToTree(routes));
            request.set("credentials", Wire.MAPPER.valueToTree(gateway.credentialsFor(routes)));
            gateway.control().call(request);
        }

        @Override
        public List<EgressAuditEntry> readAudit() {
            List<EgressAuditEntry> entries = new ArrayList<>();
            gateway.control().stream(gateway.control().request("readAudit"),
                    line -> entries.add(Wire.read(line.path("entry"), EgressAuditEntry.class)));
            return entries;
        }

        @Override
        public Subscription followAudit(Consumer<EgressAuditEntry> listener) {
            Lines lines;
            try {
                lines = gateway.control().open();
                lines.write(Wire.line(gateway.control().request("followAudit")));
                String first = lines.read();
                if (first == null) {
                    lines.close();
                    throw new BottleException("the gateway of bottle " + gateway.slug() + " ended the audit follow");
                }
                Wire.checked(Wire.parse(first), "followAudit");
            } catch (IOException e) {
                throw new BottleException("cannot follow the audit of bottle " + gateway.slug() + ": "
                        + e.getMessage(), e);
            }
            Thread reader = new Thread(() -> {
                try {
                    ControlClient.stream(lines, "followAudit", node -> {
                        if (node.has("entry")) {
                            try {
                                listener.accept(Wire.read(node.path("entry"), EgressAuditEntry.class));
                            } catch (RuntimeException e) {
                                LOG.warn("an audit listener of bottle {} failed: {}", gateway.slug(), e.toString());
                            }
                        }
                    });
                } catch (IOException | RuntimeException e) {
                    LOG.debug("audit follow of bottle {} ended: {}", gateway.slug(), e.getMessage());
                }
            }, "gateway-audit-" + gateway.slug());
            reader.setDaemon(true);
            reader.start();
            return lines::close;
        }
    }

    /** A service that keeps an audit (the git gate, the supervise server). */
    static class Audited extends Service implements GatewayAudit {
        Audited(RemoteGateway gateway, String name, int port, GatewayPorts ports) {
            super(gateway, name, port, ports);
        }

        @Override
        public List<GatewayAuditEntry> auditEntries() {
            ObjectNode request = gateway.control().request("auditEntries");
            request.put("service", name());
            return Arrays.asList(Wire.read(gateway.control().call(request).path("entries"),
                    GatewayAuditEntry[].class));
        }
    }

    /** The supervise server: its endpoint over the channel. */
    static final class Supervise extends Audited implements SuperviseService {
        Supervise(RemoteGateway gateway, String name, int port, GatewayPorts ports) {
            super(gateway, name, port, ports);
        }

        @Override
        public SuperviseEndpoint endpoint(HostReach reach) {
            ObjectNode request = gateway.control().request("superviseEndpoint");
            request.put("service", name());
            request.set("reach", Wire.MAPPER.valueToTree(reach));
            return Wire.read(gateway.control().call(request).path("endpoint"), SuperviseEndpoint.class);
        }
    }

}
