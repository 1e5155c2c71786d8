package dev.botbottle.it;

import dev.botbottle.core.runtime.RunningBottle;
import dev.botbottle.spi.EgressControl;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.GatewayServiceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static dev.botbottle.it.GatewayModeBottles.curl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Docker bottle launched by the runtime with {@code docker.gateway=process}: its gateway services run in a
 * gateway program of their own (a child process of this JVM), and the runtime reaches them only through the SPI
 * stand-ins the launcher hands back. The upstream is a real TLS server on loopback, reached by the name
 * {@code localhost} (which the program resolves itself) with the route's {@code allow_private}.
 */
class GatewayProcessInBottleIT {

    static final String TOKEN = "gwp-real-" + UUID.randomUUID().toString().replace("-", "");
    static final String GATEWAY_MAIN = "dev.botbottle.gateway.GatewayMain";

    @TempDir
    Path home;

    private GatewayModeBottles bottles;
    private String url;

    @BeforeEach
    void setUp() throws IOException {
        Docker.assumeEngine();
        bottles = new GatewayModeBottles(home, "process", "localhost", "127.0.0.1", TOKEN);
        url = "https://localhost:" + bottles.upstream.port() + "/echo";
    }

    @AfterEach
    void tearDown() {
        if (bottles != null) {
            bottles.close();
        }
    }

    @Test
    void theBottleReachesItsAllowedHostWithTheTokenInjectedAndIsRefusedElsewhere() throws IOException {
        RunningBottle bottle = bottles.launch("worker");
        // control: the allowed host answers, with the real token injected by the gateway program
        bottles.assertTheRouteWorksAndAnotherHostIsRefused(bottle, url);

        // the services run in a process of their own that holds no secret in its command line or environment
        ProcessHandle program = gatewayProgram();
        String cmdline = cmdline(program.pid());
        String environ = Files.readString(Path.of("/proc/" + program.pid() + "/environ"), StandardCharsets.ISO_8859_1);
        assertThat(cmdline).contains(GATEWAY_MAIN).doesNotContain(TOKEN);
        assertThat(environ).doesNotContain(TOKEN).doesNotContain(GatewayModeBottles.TOKEN_VARIABLE);

        bottles.teardown();
        assertThat(program.isAlive()).as("the gateway program ends with its bottle").isFalse();
    }

    @Test
    void routesReplacedThroughTheControlChannelDecideTheBottlesNextRequests() {
        RunningBottle bottle = bottles.launch("worker");
        assertThat(curl(bottle, url).stdoutText()).isEqualTo("200");
        bottles.upstream.take();

        EgressControl egress = bottle.gateway(GatewayServiceProvider.EGRESS, EgressControl.class).orElseThrow();
        List<EgressRoute> before = egress.routes();
        egress.replaceRoutes(List.of(EgressRoute.allow("elsewhere.example.test")));
        ExecResult refused = curl(bottle, url);
        assertThat(refused.stdoutText() + refused.stderrText()).contains("403");

        egress.replaceRoutes(before);
        assertThat(curl(bottle, url).stdoutText()).isEqualTo("200");
        assertThat(bottles.upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void aStoppedBottleResumesWithANewGatewayProgram() {
        RunningBottle bottle = bottles.launch("worker");
        assertThat(curl(bottle, url).stdoutText()).isEqualTo("200");
        bottles.upstream.take();
        ProcessHandle first = gatewayProgram();

        bottles.runtime.stop(bottles.slug());
        assertThat(first.isAlive()).isFalse();
        RunningBottle resumed = bottles.runtime.resume(bottles.slug());
        assertThat(curl(resumed, url).stdoutText()).isEqualTo("200");
        assertThat(bottles.upstream.take().headers().get("authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(gatewayProgram().pid()).isNotEqualTo(first.pid());
    }

    @Test
    void aProposalFromTheBottleReachesTheRuntimesDeskAndItsApprovalWidensTheProgramsRoutes() {
        bottles.assertAProposalWidensTheRoutes(bottles.launch("worker"), "localhost");
    }

    private static ProcessHandle gatewayProgram() {
        // read /proc itself: ProcessHandle.Info leaves out a command line as long as the program's class path
        List<ProcessHandle> programs = ProcessHandle.current().children()
                .filter(p -> cmdline(p.pid()).contains(GATEWAY_MAIN)).toList();
        assertThat(programs).as("gateway programs among this JVM's children").hasSize(1);
        return programs.get(0);
    }

    private static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }
}
