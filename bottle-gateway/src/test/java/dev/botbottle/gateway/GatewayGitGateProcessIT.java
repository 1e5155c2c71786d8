package dev.botbottle.gateway;

import dev.botbottle.gitgate.testing.SshUpstream;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.GatewayAudit;
import dev.botbottle.spi.GatewayAuditEntry;
import dev.botbottle.spi.GatewayRequest;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.support.HostProcessGatewayRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The git gate in the gateway program: a real OpenSSH upstream (Debian's sshd on loopback), the program as a real
 * process, host git in the bottle's place using the URL the gate's bottle steps give.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayGitGateProcessIT {

    private Path tmp;
    private SshUpstream upstream;
    private SshUpstream.ClientKey key;
    private String repo;
    private GatewayService gate;

    @BeforeAll
    void start() throws IOException {
        Optional<String> why = SshUpstream.unavailable();
        if (why.isPresent()) {
            System.out.println("SKIPPED: " + why.get());
        }
        Assumptions.assumeTrue(why.isEmpty(), why.orElse(""));
        tmp = Files.createTempDirectory("gw-gitgate-it");
        upstream = SshUpstream.start();
        key = upstream.newClientKey("gw-gate-key");
        upstream.authorize(key.publicLine());
        repo = "gw-widgets-" + UUID.randomUUID().toString().substring(0, 6);
        String url = upstream.createRepo(repo);
        String slug = "gw-git-" + UUID.randomUUID().toString().substring(0, 6);
        GitRemote origin = GitRemote.builder("origin", url).identity(key.privateKey()).hostKey(upstream.hostKey())
                .build();
        GatewayRequest request = GatewayRequest.builder(slug).bindAddress("127.0.0.1").port(0)
                .stateDir(tmp.resolve("home").resolve("state").resolve(slug)).remotes(List.of(origin))
                .credentials(CredentialSource.none()).progress(ProgressListener.NONE).build();
        gate = new ProcessGatewayLauncher().launch(request, List.of("gitgate"), Map.of(),
                new HostProcessGatewayRunner()).get(0);
    }

    @AfterAll
    void stop() {
        if (gate != null) {
            gate.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aCloneAndAPushGoThroughTheGateInTheProgramAndAreAudited() throws Exception {
        String gateUrl = gateUrl();
        Path work = tmp.resolve("clone");
        // control: the upstream's commit arrives through the gate
        assertThat(git(tmp, "clone", "-q", gateUrl, work.toString())).isZero();
        assertThat(Files.readString(work.resolve("README.md"))).isEqualTo("# " + repo + "\n");

        Files.writeString(work.resolve("work.txt"), "from the agent\n");
        assertThat(git(work, "add", "work.txt")).isZero();
        assertThat(git(work, "-c", "user.name=Agent", "-c", "user.email=agent@example.test", "commit", "-q", "-m",
                "agent work")).isZero();
        assertThat(git(work, "push", "-q", "origin", "HEAD:refs/heads/agent/work")).isZero();
        assertThat(upstream.ref(repo, "refs/heads/agent/work")).isPresent();

        assertThat(gate).isInstanceOf(GatewayAudit.class);
        assertThat(((GatewayAudit) gate).auditEntries()).anySatisfy(e -> {
            assertThat(e.verdict()).isEqualTo(GatewayAuditEntry.Verdict.ALLOW);
            assertThat(e.action()).containsIgnoringCase("push");
        });
    }

    /** The gate's URL for origin, from the git config its bottle steps write. */
    private String gateUrl() {
        for (ProvisionStep step : gate.bottleSteps(new HostReach("127.0.0.1", "127.0.0.1", "test: loopback"))) {
            // the config is the step's last argument (it writes the file, as root or as the agent)
            if (step instanceof ProvisionStep.RunCommand run) {
                Matcher m = Pattern.compile("\\[url \"([^\"]+)\"]").matcher(run.argv().get(run.argv().size() - 1));
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        throw new AssertionError("the git gate's bottle steps name no URL");
    }

    private static int git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }
}
