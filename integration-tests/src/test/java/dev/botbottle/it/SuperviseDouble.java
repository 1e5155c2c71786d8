package dev.botbottle.it;

import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GatewayServiceProvider;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SuperviseEndpoint;
import dev.botbottle.spi.SuperviseService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A double of the supervise gateway service (the real server is a later milestone): it listens where the bottle
 * reaches the host, answers nothing, and hands out an endpoint so the runtime's registration path can be tested.
 */
final class SuperviseDouble implements GatewayServiceProvider {

    final AtomicInteger started = new AtomicInteger();

    @Override
    public String name() {
        return "supervise";
    }

    @Override
    public GatewayService start(GatewayRequest request) {
        started.incrementAndGet();
        try {
            ServerSocket socket = new ServerSocket(request.port(), 50, InetAddress.getByName(request.bindAddress()));
            return new Service(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Service implements GatewayService, SuperviseService {
        private final ServerSocket socket;

        Service(ServerSocket socket) {
            this.socket = socket;
        }

        @Override
        public String name() {
            return "supervise";
        }

        @Override
        public int port() {
            return socket.getLocalPort();
        }

        @Override
        public List<ProvisionStep> bottleSteps(HostReach reach) {
            return List.of();
        }

        @Override
        public SuperviseEndpoint endpoint(HostReach reach) {
            return new SuperviseEndpoint("http://" + reach.bottleAddress() + ":" + port() + "/mcp", "SUPERVISE_TOKEN",
                    Secret.of("double-bearer"));
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a listener we own
            }
        }
    }
}
