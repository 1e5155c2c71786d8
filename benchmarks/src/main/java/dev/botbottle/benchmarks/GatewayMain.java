package dev.botbottle.benchmarks;

import dev.botbottle.egress.EgressGateway;
import dev.botbottle.egress.EgressGatewayProvider;
import dev.botbottle.egress.EgressOptions;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.ProgressListener;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The egress gateway alone in its own JVM: the stand-in the benchmark began with, kept beside the real gateway
 * program (bottle-gateway's {@code GatewayMain}, which the benchmark also measures cold and warm) for what that
 * program does not offer: a choice of TLS engine, and the heap and RSS of many idle bottles in one process. Arguments: {@code <state dir> <upstream port> <upstream CA file> <intercept|pass>
 * <native|jdk>}. Prints {@code STARTUP <ms to start> <ms of the warm-up waited for> <whether it finished>}, then
 * {@code READY <port> <proxy authorization>} and writes the CA to {@code <state>/ca.pem};
 * then reads commands on stdin: {@code heap} prints the heap in use after a full collection, {@code more N} starts
 * N more idle gateways (bottles), end of input stops.
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    /**
     * @param args see the class comment
     * @throws Exception when the gateway cannot start
     */
    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        int up = Integer.parseInt(args[1]);
        Path ca = Path.of(args[2]);
        boolean pass = args[3].equals("pass");
        boolean natives = !args[4].equals("jdk");
        EgressOptions options = EgressOptions.defaults().withDnsPort(-1).withNativeEngines(natives)
                .withResolver((h, p) -> new InetSocketAddress("127.0.0.1", up));
        List<EgressRoute> routes = List.of(EgressRoute.builder("localhost").ports(List.of(up)).tlsPassthrough(pass)
                .allowPrivate(true).build(), EgressRoute.builder("*." + ExternalProxies.WILDCARD_BASE)
                .ports(List.of(up)).tlsPassthrough(pass).allowPrivate(true).build());
        List<EgressGateway> open = new ArrayList<>();
        long t0 = System.nanoTime();
        EgressGateway gw = start(options, state.resolve("gw-0"), routes, ca);
        long started = System.nanoTime();
        open.add(gw);
        Files.writeString(state.resolve("ca.pem"), gw.caCertificatePem());
        // as a launch does: the bottle is handed over once the gateway has warmed up (its container starts meanwhile)
        boolean warm = gw.awaitWarmUp(java.time.Duration.ofSeconds(10));
        System.out.println("STARTUP " + (started - t0) / 1_000_000 + " " + (System.nanoTime() - started) / 1_000_000
                + " " + warm);
        System.out.println("READY " + gw.port() + " " + gw.proxyAuthorization());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("heap")) {
                for (int i = 0; i < 3; i++) {
                    System.gc();
                }
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                System.out.println("HEAP " + used);
            } else if (line.startsWith("more ")) {
                int n = Integer.parseInt(line.substring(5).trim());
                for (int i = 0; i < n; i++) {
                    EgressGateway more = start(options, state.resolve("gw-" + open.size()), routes, ca);
                    open.add(more);
                    // an idle bottle is one handed over: its gateway's warm-up is over
                    more.awaitWarmUp(java.time.Duration.ofSeconds(30));
                }
                System.out.println("STARTED " + open.size());
            }
            System.out.flush();
        }
        for (EgressGateway g : open) {
            g.close();
        }
    }

    private static EgressGateway start(EgressOptions options, Path state, List<EgressRoute> routes, Path ca) {
        return new EgressGatewayProvider(options).start(new GatewayRequest("bench", "127.0.0.1", 0, state,
                routes, List.of(), CredentialSource.none(), List.of(ca), ProgressListener.NONE));
    }
}
