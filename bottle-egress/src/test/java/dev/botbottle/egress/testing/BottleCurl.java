package dev.botbottle.egress.testing;

import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * curl in a bottle's place, on this host: the proxy and CA an egress gateway's provisioning steps give a bottle on
 * loopback, then one request through them.
 *
 * @param code curl's exit code
 * @param out what {@code -w %{http_code}} wrote (the status, or {@code 000})
 * @param err curl's error output (a refused CONNECT's status is there)
 */
public record BottleCurl(int code, String out, String err) {

    /**
     * @param egress a running egress gateway (in process or a program's stand-in)
     * @param dir where the gateway's CA is written for curl
     * @param url the URL
     * @return what curl said
     */
    public static BottleCurl through(GatewayService egress, Path dir, String url)
            throws IOException, InterruptedException {
        String proxy = null;
        Path ca = dir.resolve("gateway-ca-" + UUID.randomUUID() + ".pem");
        for (ProvisionStep step : egress.bottleSteps(new HostReach("127.0.0.1", "127.0.0.1", "test: loopback"))) {
            if (step instanceof ProvisionStep.SetEnv env && env.name().equals("HTTPS_PROXY")) {
                proxy = env.value();
            }
            if (step instanceof ProvisionStep.TrustCertificate trust) {
                Files.writeString(ca, trust.pem());
            }
        }
        Process p = new ProcessBuilder(List.of("curl", "-sS", "--max-time", "30", "--noproxy", "", "--proxy", proxy,
                "--cacert", ca.toString(), "-o", "/dev/null", "-w", "%{http_code}", url)).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new BottleCurl(p.waitFor(), out, err);
    }
}
