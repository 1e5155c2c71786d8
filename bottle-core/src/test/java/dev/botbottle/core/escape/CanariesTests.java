package dev.botbottle.core.escape;

import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SuperviseEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CanariesTests {

    /** A provider whose real credential is a fixed value: the wrapper must never hand it out. */
    static final class RealProvider implements AgentProvider {
        @Override
        public String name() {
            return "real";
        }

        @Override
        public AgentProvisionPlan plan(AgentRequest request) {
            return AgentProvisionPlan.builder().credentialRef("REAL_TOKEN").build();
        }

        @Override
        public Map<String, Secret> credentials(AgentRequest request) {
            return Map.of("REAL_TOKEN", Secret.of("the-real-token"));
        }

        @Override
        public List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle) {
            return List.of();
        }

        @Override
        public List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint) {
            return List.of();
        }

        @Override
        public List<String> interactiveCommand() {
            return List.of("real");
        }

        @Override
        public List<String> headlessCommand(String prompt) {
            return List.of("real", prompt);
        }
    }

    @Test
    void everyReferenceResolvesToItsOwnStableCanary() {
        Canaries c = new Canaries();
        CredentialSource source = c.credentials();
        Secret a = source.resolve("GITHUB_TOKEN").orElseThrow();
        assertThat(source.resolve("GITHUB_TOKEN")).contains(a);
        assertThat(source.resolve("OTHER").orElseThrow().reveal()).isNotEqualTo(a.reveal());
        assertThat(a.reveal()).startsWith("bot-bottle-canary-").hasSizeGreaterThan(30);
        assertThat(c.issued()).containsOnlyKeys("GITHUB_TOKEN", "OTHER");
    }

    @Test
    void theWrappedProviderHandsOutCanariesNeverItsRealCredential() {
        Canaries c = new Canaries();
        Plugins real = Plugins.builder().discovery(false).agent(new RealProvider()).build();
        AgentProvider wrapped = c.plugins(real).agents().get("real");
        Map<String, Secret> creds = wrapped.credentials(null);
        assertThat(creds).containsOnlyKeys("REAL_TOKEN");
        assertThat(creds.get("REAL_TOKEN").reveal()).isNotEqualTo("the-real-token").startsWith("bot-bottle-canary-");
        assertThat(c.issued()).containsEntry("REAL_TOKEN", creds.get("REAL_TOKEN"));
        assertThat(wrapped.interactiveCommand()).containsExactly("real");
    }

    @Test
    void theCanaryProvisionerRegistersNothing() {
        Plugins p = new Canaries().plugins(Plugins.builder().discovery(false).build());
        var provisioner = p.deployKeys().get(Canaries.PROVISIONER).create(Map.of(), CredentialSource.none());
        var key = provisioner.create("slug", "ssh-ed25519 AAAA x", false);
        assertThat(key.repository()).isEqualTo("nowhere");
        provisioner.delete(key);
    }
}
