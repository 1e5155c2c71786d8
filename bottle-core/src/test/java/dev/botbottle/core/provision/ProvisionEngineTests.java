package dev.botbottle.core.provision;

import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.ProvisionStep;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProvisionEngineTests {

    private final RecordingBottle bottle = new RecordingBottle();
    private final ProvisionEngine engine = new ProvisionEngine(ProgressListener.NONE);

    private static ProvisionStep.WriteFile file(String path) {
        return new ProvisionStep.WriteFile(path, "x".getBytes(StandardCharsets.UTF_8), 0600, FileOwner.AGENT);
    }

    private static ProvisionStep.RunCommand run(String description, boolean optional, String... argv) {
        return new ProvisionStep.RunCommand(List.of(argv), FileOwner.AGENT, optional, description);
    }

    @Test
    void manySmallStepsCostOneExec() {
        ProvisionResult result = engine.apply(bottle, List.of(file("~/a"), file("~/b/c"), file("/etc/d"),
                run("first", false, "true"), run("second", false, "true")), Map.of());
        assertThat(bottle.execs).hasSize(1);
        assertThat(result.execs()).isEqualTo(1);
        assertThat(bottle.execs.get(0).argv()).containsExactly("bash", "-s");
        assertThat(bottle.execs.get(0).user()).contains("root");
        assertThat(bottle.script(0)).contains("'/home/agent/a'").contains("'/home/agent/b/c'").contains("chmod 600");
    }

    @Test
    void aHostCopyBreaksTheBatchAndKeepsOrder() {
        engine.apply(bottle, List.of(file("~/a"), new ProvisionStep.CopyPath(Path.of("/host/skills"), "~/skills/x",
                FileOwner.AGENT, 0644), file("~/b")), Map.of());
        assertThat(bottle.execs).hasSize(2);
        assertThat(bottle.copies).containsExactly("/host/skills -> /home/agent/skills/x AGENT 644");
        assertThat(bottle.script(0)).contains("/home/agent/a").doesNotContain("/home/agent/b");
        assertThat(bottle.script(1)).contains("/home/agent/b");
    }

    @Test
    void agentCommandsRunAsTheAgentWithTheEnvironmentSetSoFar() {
        ProvisionResult result = engine.apply(bottle, List.of(new ProvisionStep.SetEnv("TOOL_HOME", "/opt/tool"),
                run("configure", false, "tool", "config", "it's"), new ProvisionStep.SetEnv("LATER", "1")),
                Map.of("BASE", "b"));
        assertThat(result.env()).containsEntry("TOOL_HOME", "/opt/tool").containsEntry("LATER", "1");
        String script = bottle.script(0);
        assertThat(script).contains("runuser -u 'agent' -- env HOME='/home/agent' 'BASE=b' 'TOOL_HOME=/opt/tool' 'tool' 'config' 'it'\\''s'");
        assertThat(script).contains(ProvisionEngine.PROFILE_FILE);
    }

    @Test
    void aFailingStepIsNamedWithTheBottlesOwnWords() {
        bottle.answer(1, "BB_STEP 0\nBB_STEP 1\nmcp: permission denied\nBB_FAILED 1 3\n");
        assertThatThrownBy(() -> engine.apply(bottle, List.of(file("~/a"), run("register the server", false, "x")),
                Map.of()))
                .isInstanceOf(ProvisioningException.class)
                .hasMessage("provisioning bottle rec-1 failed at step 2 (register the server) (exit 1): mcp: permission denied");
    }

    @Test
    void anOptionalFailureIsAWarningAndProvisioningGoesOn() {
        bottle.answer(0, "BB_STEP 0\nBB_OPTIONAL_FAILED 0 7\nBB_STEP 1\n");
        ProvisionResult result = engine.apply(bottle, List.of(run("register supervise", true, "x"), file("~/a")),
                Map.of());
        assertThat(result.warnings()).containsExactly("step 1 (register supervise) failed (exit 7); going on without it");
    }

    @Test
    void certificatesAreInstalledInTheDebianLayoutAndTheStoreUpdatedOnce() {
        String pem = TestCertificates.selfSigned();
        engine.apply(bottle, List.of(new ProvisionStep.TrustCertificate("one", pem),
                new ProvisionStep.TrustCertificate("two", pem)), Map.of());
        ProvisionResult result = engine.apply(new RecordingBottle(), List.of(new ProvisionStep.TrustCertificate("x", pem)),
                Map.of());
        assertThat(result.env()).containsEntry("NODE_EXTRA_CA_CERTS", ProvisionEngine.CA_BUNDLE)
                .containsEntry("SSL_CERT_FILE", ProvisionEngine.CA_BUNDLE)
                .containsEntry("REQUESTS_CA_BUNDLE", ProvisionEngine.CA_BUNDLE);
        String script = bottle.script(0);
        assertThat(script).contains("/usr/local/share/ca-certificates/one.crt")
                .contains("/usr/local/share/ca-certificates/two.crt");
        // one trust-store update for both, naming both files; the full rebuild only as the fallback
        assertThat(script.split("BB_STEP -2", -1)).hasSize(2);
        assertThat(script).containsPattern("for bb_entry in '[0-9a-f]{8}:/usr/local/share/ca-certificates/one.crt'"
                + " '[0-9a-f]{8}:/usr/local/share/ca-certificates/two.crt'");
        assertThat(script.split("update-ca-certificates", -1)).hasSize(2);
    }

    @Test
    void aCertificateThatIsNotPemIsRejectedBeforeAnyExec() {
        assertThatThrownBy(() -> engine.apply(bottle, List.of(new ProvisionStep.TrustCertificate("bad", "nope")),
                Map.of())).isInstanceOf(ProvisioningException.class).hasMessageContaining("not a valid PEM certificate");
        assertThat(bottle.execs).isEmpty();
    }

    @Test
    void nothingToDoCostsNoExec() {
        engine.apply(bottle, List.of(), Map.of());
        assertThat(bottle.execs).isEmpty();
    }
}
