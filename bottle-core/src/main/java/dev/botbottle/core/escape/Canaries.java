package dev.botbottle.core.escape;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plugin.PluginRegistry;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Availability;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.DeployKey;
import dev.botbottle.spi.DeployKeyProvisioner;
import dev.botbottle.spi.DeployKeyProvisionerFactory;
import dev.botbottle.spi.GitRemote;
import dev.botbottle.spi.ProviderSetting;
import dev.botbottle.spi.ProviderSettings;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.ProvisionedKeySpec;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.SettingProblem;
import dev.botbottle.spi.SuperviseEndpoint;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canary credentials for {@code bottle doctor --escape-test}: the user's own bottle is launched with a made-up value
 * in place of every real credential, so the attacker's script can try to carry "the" credential out without a real
 * one ever being at stake. Every route's {@code token_ref} and every agent provider's credential resolves to a fresh
 * canary; every git remote gets a deploy key that is generated as usual but registered nowhere (the canary
 * provisioner {@value #PROVISIONER} talks to no forge), so the gate cannot reach upstream and no forge is touched.
 * The canaries issued are the needles the attacker searches the bottle for.
 *
 * <p>Thread-safe.
 *
 * @since 0.3
 */
public final class Canaries {

    /** The deploy-key provisioner every remote is switched to: registers nothing anywhere. */
    public static final String PROVISIONER = "escape-canary";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Secret> issued = new LinkedHashMap<>();

    /** @return a canary for the reference, the same one each time it is asked */
    public synchronized Secret canary(String reference) {
        return issued.computeIfAbsent(reference, r -> {
            byte[] raw = new byte[16];
            RANDOM.nextBytes(raw);
            return Secret.of("bot-bottle-canary-" + HexFormat.of().formatHex(raw));
        });
    }

    /** @return the canaries issued so far, by reference */
    public synchronized Map<String, Secret> issued() {
        return Map.copyOf(issued);
    }

    /** @return a credential source answering every reference with its canary, never the real value */
    public CredentialSource credentials() {
        return reference -> java.util.Optional.of(canary(reference));
    }

    /**
     * @param real the plugins the user's runtime would use
     * @return the same plugins, with every agent provider's credentials replaced by canaries and the canary
     *         deploy-key provisioner added
     */
    public Plugins plugins(Plugins real) {
        List<AgentProvider> agents = new ArrayList<>();
        real.agents().all().values().forEach(a -> agents.add(new CanaryAgent(a, this)));
        List<DeployKeyProvisionerFactory> keys = new ArrayList<>(real.deployKeys().all().values());
        keys.add(new CanaryProvisioner());
        return new Plugins(real.backends(),
                PluginRegistry.load(AgentProvider.class, "agent provider", AgentProvider::name, agents, null),
                PluginRegistry.load(DeployKeyProvisionerFactory.class, "deploy-key provisioner",
                        DeployKeyProvisionerFactory::name, keys, null),
                real.gateways());
    }

    /**
     * @param plan the user's bottle, as planned
     * @return the same bottle with every git remote's key provisioned by the canary provisioner
     */
    public static BottlePlan withCanaryKeys(BottlePlan plan) {
        List<GitRemote> remotes = plan.remotes().stream()
                .map(r -> r.toBuilder().provisionedKey(new ProvisionedKeySpec(PROVISIONER, Map.of())).build())
                .toList();
        return plan.toBuilder().remotes(remotes).build();
    }

    /** Registers nothing: the key the runtime generated stays on this host only. */
    private static final class CanaryProvisioner implements DeployKeyProvisionerFactory {
        @Override
        public String name() {
            return PROVISIONER;
        }

        @Override
        public DeployKeyProvisioner create(Map<String, String> settings, CredentialSource credentials) {
            return new DeployKeyProvisioner() {
                @Override
                public DeployKey create(String title, String publicKey, boolean readOnly) {
                    return new DeployKey("canary-" + title, "nowhere", title, publicKey);
                }

                @Override
                public void delete(DeployKey key) {
                    // nothing was registered
                }
            };
        }
    }

    /** A provider whose credentials are canaries; everything else is the real provider's. */
    private record CanaryAgent(AgentProvider real, Canaries canaries) implements AgentProvider {
        @Override
        public String name() {
            return real.name();
        }

        @Override
        public Availability availability() {
            return real.availability();
        }

        @Override
        public List<ProviderSetting> settings() {
            return real.settings();
        }

        @Override
        public List<SettingProblem> validate(ProviderSettings settings) {
            return real.validate(settings);
        }

        @Override
        public List<Path> hostSkillDirectories(Path hostHome) {
            return real.hostSkillDirectories(hostHome);
        }

        @Override
        public AgentProvisionPlan plan(AgentRequest request) {
            return real.plan(request);
        }

        @Override
        public Map<String, Secret> credentials(AgentRequest request) {
            Map<String, Secret> out = new LinkedHashMap<>();
            for (String ref : real.plan(request).credentialRefs()) {
                out.put(ref, canaries.canary(ref));
            }
            return out;
        }

        @Override
        public List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle) {
            return real.provisioningSteps(request, bottle);
        }

        @Override
        public List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint) {
            return real.superviseSteps(endpoint);
        }

        @Override
        public List<String> interactiveCommand() {
            return real.interactiveCommand();
        }

        @Override
        public List<String> headlessCommand(String prompt) {
            return real.headlessCommand(prompt);
        }
    }
}
