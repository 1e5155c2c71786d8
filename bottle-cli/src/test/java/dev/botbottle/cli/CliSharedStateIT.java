package dev.botbottle.cli;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bottle --state-records kubernetes} from the packaged launcher: a bottle launched on one host (one home) is
 * listed, resumed and removed from another (a second home without the manifest), its state kept in a ConfigMap.
 * The bottles run on the real Docker engine; the cluster holding the ConfigMaps is a DOUBLE, fabric8's mock API
 * server in CRUD mode, reached by the CLI through a kubeconfig as a real cluster would be.
 */
class CliSharedStateIT {

    private static final String SLUG = "cli-shared";
    private static final String NAMESPACE = "shared";

    @TempDir
    Path dir;

    private KubernetesMockServer cluster;
    private Map<String, String> hostA;
    private Map<String, String> hostB;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(CliLifecycleIT.sh("docker", "image", "inspect", "bot-bottle/base:bookworm") == 0,
                "needs a Docker engine and bot-bottle/base:bookworm (scripts/ensure-docker.sh, scripts/build-base-image.sh)");
        cluster = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        cluster.init();
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: double
                  cluster: {server: "%s"}
                users:
                - name: tester
                  user: {token: not-a-secret}
                contexts:
                - name: double
                  context: {cluster: double, user: tester, namespace: %s}
                current-context: double
                """.formatted(cluster.url("/").replaceAll("/$", ""), NAMESPACE));
        hostA = host("home-a", kubeconfig);
        hostB = host("home-b", kubeconfig);
        Path homeA = Path.of(hostA.get("BOT_BOTTLE_HOME"));
        Files.createDirectories(homeA.resolve("bottles"));
        Files.createDirectories(homeA.resolve("agents"));
        Files.writeString(homeA.resolve("bottles/plain.md"), """
                ---
                image: bot-bottle/base:bookworm
                agent_provider: {template: shell}
                env:
                  LITERAL: plain value
                ---
                """);
        Files.writeString(homeA.resolve("agents/worker.md"), "---\nbottle: plain\n---\nWork hard.\n");
    }

    private Map<String, String> host(String home, Path kubeconfig) throws IOException {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("BOT_BOTTLE_HOME", Files.createDirectories(dir.resolve(home)).toString());
        env.put("BOT_BOTTLE_BACKEND", "docker");
        env.put("BOT_BOTTLE_STATE_RECORDS", "kubernetes");
        env.put("KUBECONFIG", kubeconfig.toString());
        return env;
    }

    @AfterEach
    void tearDown() {
        if (hostA != null) {
            CliRun.packaged(hostB, "rm", SLUG);
            CliRun.packaged(hostA, "rm", SLUG);
        }
        if (cluster != null) {
            cluster.destroy();
        }
    }

    @Test
    void aBottleLaunchedOnOneHostIsListedResumedAndRemovedFromAnother() {
        // control: the launching host itself runs and lists its bottle
        CliRun launched = CliRun.packaged(hostA, "launch", "worker", "--detach", "--label", SLUG);
        assertThat(launched.exitCode()).as(launched.err()).isZero();
        CliRun exec = CliRun.packaged(hostA, "exec", SLUG, "--", "sh", "-c", "echo $LITERAL; cat PROMPT.md");
        assertThat(exec.out()).as(exec.err()).isEqualTo("plain value\nWork hard.");
        assertThat(CliRun.packaged(hostA, "ps").out()).containsPattern(SLUG + "\\s+worker\\s+docker\\s+running");

        java.net.http.HttpResponse<String> records = records();
        assertThat(records.statusCode()).as("the bottle's records are a ConfigMap in the kubeconfig's namespace")
                .isEqualTo(200);
        assertThat(records.body()).contains("\"metadata\"").contains("\"plan\"");
        assertThat(Path.of(hostA.get("BOT_BOTTLE_HOME"), "state", SLUG, "metadata.json"))
                .as("no metadata file on the launching host").doesNotExist();

        CliRun stop = CliRun.packaged(hostA, "stop", SLUG);
        assertThat(stop.exitCode()).as(stop.err()).isZero();

        // the other host: no manifest, no state directory of its own, the same records
        CliRun ps = CliRun.packaged(hostB, "ps");
        assertThat(ps.out()).as(ps.err()).containsPattern(SLUG + "\\s+worker\\s+docker\\s+stopped \\(kept\\)");
        CliRun resumed = CliRun.packaged(hostB, "resume", SLUG, "--detach");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        CliRun again = CliRun.packaged(hostB, "exec", SLUG, "--", "sh", "-c",
                "cat PROMPT.md; curl -s -o /dev/null -w ' %{http_code}' http://example.com/");
        assertThat(again.out()).as("its own gateway refuses an undeclared host").isEqualTo("Work hard. 403");
        assertThat(CliRun.packaged(hostA, "ps").out()).as("the launching host sees it run again")
                .containsPattern(SLUG + "\\s+worker\\s+docker\\s+running");

        CliRun rm = CliRun.packaged(hostB, "rm", SLUG);
        assertThat(rm.exitCode()).as(rm.err()).isZero();
        assertThat(CliRun.packaged(hostA, "ps").out()).doesNotContain(SLUG);
        assertThat(records().statusCode()).as("the ConfigMap is removed with the bottle").isEqualTo(404);
    }

    /** @return the API server's answer for the bottle's records ConfigMap, read as kubectl would */
    private java.net.http.HttpResponse<String> records() {
        try {
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(cluster.url(
                    "/api/v1/namespaces/" + NAMESPACE + "/configmaps/bb-" + SLUG + "-records"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aBackendWithoutSharedRecordsIsNamedAsTheProblem() {
        CliRun ps = CliRun.packaged(hostA, "--state-records", "docker", "ps");
        assertThat(ps.exitCode()).isNotZero();
        assertThat(ps.err()).contains("--state-records docker: that backend keeps no records other hosts read")
                .doesNotContain("Exception");
        CliRun unknown = CliRun.packaged(hostA, "--state-records", "nowhere", "ps");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.err()).contains("nowhere").contains("kubernetes").doesNotContain("Exception");
    }
}
