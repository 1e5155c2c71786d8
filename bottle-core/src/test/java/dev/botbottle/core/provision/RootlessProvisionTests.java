package dev.botbottle.core.provision;

import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ExecRequest;
import dev.botbottle.spi.ExecResult;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.HostCommand;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Provisioning a bottle without root ({@link Bottle#hasRoot()} false, as a Kubernetes Pod): the engine's scripts run
 * for real, by this host's bash, in a temporary directory standing for the agent's home (a DOUBLE of such a bottle:
 * the shell is real, the isolation is not).
 */
class RootlessProvisionTests {

    private final ProvisionEngine engine = new ProvisionEngine(ProgressListener.NONE);

    @Test
    void theCaGoesIntoABundleOfTheAgentsOwnThatTheEnvironmentNamesAndTheProfileIntoItsHome(@TempDir Path home)
            throws Exception {
        HostShellBottle bottle = new HostShellBottle(home);
        String pem = TestCertificates.selfSigned();
        List<ProvisionStep> steps = List.of(new ProvisionStep.TrustCertificate("gateway", pem),
                new ProvisionStep.SetEnv("HTTPS_PROXY", "http://127.0.0.1:3128"),
                new ProvisionStep.WriteFile("~/.config/tool.json", "{}".getBytes(StandardCharsets.UTF_8), 0600,
                        FileOwner.AGENT),
                new ProvisionStep.RunCommand(List.of("sh", "-c", "echo ran > \"$HOME/root-step\""), FileOwner.ROOT,
                        false, "a step written for root"));

        ProvisionResult result = engine.apply(bottle, steps, Map.of());
        engine.apply(bottle, steps, Map.of()); // a resume provisions again

        String bundle = home.resolve(".bot-bottle/ca-certificates.crt").toString();
        assertThat(bottle.users).as("every exec as the backend's own user, none as root").containsOnly("");
        assertThat(result.env()).containsEntry("SSL_CERT_FILE", bundle).containsEntry("NODE_EXTRA_CA_CERTS", bundle)
                .containsEntry("HTTPS_PROXY", "http://127.0.0.1:3128");
        // the bundle verifies the gateway's CA (and keeps the image's own roots, once each)
        Path cert = home.resolve("ca.pem");
        Files.writeString(cert, pem);
        Process verify = new ProcessBuilder("openssl", "verify", "-CAfile", bundle, cert.toString())
                .redirectErrorStream(true).start();
        assertThat(new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains(": OK");
        String written = Files.readString(Path.of(bundle));
        assertThat(occurrences(written, pem.strip().split("\n")[1])).isEqualTo(1);
        Path system = Path.of(ProvisionEngine.CA_BUNDLE);
        if (Files.isRegularFile(system)) {
            assertThat(written).contains(Files.readAllLines(system).get(1));
        }
        assertThat(Files.readString(home.resolve(".bot-bottle/profile.sh"))).contains("export HTTPS_PROXY=");
        assertThat(occurrences(Files.readString(home.resolve(".profile")), ".bot-bottle/profile.sh")).isEqualTo(1);
        assertThat(home.resolve(".config/tool.json")).exists();
        assertThat(Files.readString(home.resolve("root-step"))).as("a root step ran as the agent, in its home")
                .isEqualTo("ran\n");
    }

    @Test
    void aRootOwnedFileOutsideTheHomeFailsNamingTheStepAndTheFix(@TempDir Path home) {
        HostShellBottle bottle = new HostShellBottle(home);
        // control: the same file for the agent, in its home, is written
        engine.apply(bottle, List.of(new ProvisionStep.WriteFile("~/gitconfig", "x".getBytes(StandardCharsets.UTF_8),
                0644, FileOwner.ROOT)), Map.of());
        assertThat(home.resolve("gitconfig")).exists();

        assertThatThrownBy(() -> engine.apply(bottle, List.of(new ProvisionStep.WriteFile("/etc/bot-bottle/gitconfig",
                "x".getBytes(StandardCharsets.UTF_8), 0644, FileOwner.ROOT)), Map.of()))
                .isInstanceOf(ProvisioningException.class)
                .hasMessageContaining("/etc/bot-bottle/gitconfig").hasMessageContaining("no root")
                .hasMessageContaining("image");
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    /** A bottle without root whose execs are this host's bash, in a directory standing for the agent's home. */
    private static final class HostShellBottle implements Bottle {
        private final Path home;
        final List<String> users = new ArrayList<>();

        HostShellBottle(Path home) {
            this.home = home;
        }

        @Override
        public String slug() {
            return "rootless";
        }

        @Override
        public String agentUser() {
            return "agent";
        }

        @Override
        public String agentHome() {
            return home.toString();
        }

        @Override
        public boolean hasRoot() {
            return false;
        }

        @Override
        public ExecResult exec(ExecRequest request) {
            users.add(request.user().orElse(""));
            try {
                ProcessBuilder builder = new ProcessBuilder(request.argv()).directory(home.toFile());
                builder.environment().put("HOME", home.toString());
                Process p = builder.start();
                try (OutputStream in = p.getOutputStream()) {
                    in.write(request.stdin().orElse(new byte[0]));
                }
                byte[] out = p.getInputStream().readAllBytes();
                byte[] err = p.getErrorStream().readAllBytes();
                return new ExecResult(p.waitFor(), out, err);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int stream(ExecRequest request, OutputStream stdout, OutputStream stderr) {
            throw new UnsupportedOperationException();
        }

        @Override
        public HostCommand attachCommand(ExecRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void copyIn(Path source, String target, FileOwner owner, int mode) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void copyOut(String source, Path target) {
            throw new UnsupportedOperationException();
        }
    }
}
