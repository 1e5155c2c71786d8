package dev.botbottle.core.runtime;

import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.GatewayService;
import dev.botbottle.spi.HostReach;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What goes into a bottle at launch and resume, assembled once: the provisioning steps in their order, and the
 * environment every exec of the bottle gets.
 */
final class Provisioning {

    private Provisioning() {
    }

    /**
     * The steps of a launch, in order: what the gateway services need (CA, proxy variables, git config), the host's
     * extra CAs when asked, the git identity, the workspace, the provider's own steps, then the supervise
     * registration.
     */
    static List<ProvisionStep> launchSteps(BottlePlan plan, LaunchOptions options, List<GatewayService> gateways,
                                           HostReach reach, AgentProvider provider, AgentRequest request, Bottle bottle) {
        List<ProvisionStep> steps = new ArrayList<>(gatewaySteps(gateways, reach));
        if (options.trustHostCa()) {
            HostTrust.system().files().forEach((file, pem) ->
                    steps.add(new ProvisionStep.TrustCertificate(file.replaceFirst("\\.crt$", ""), pem)));
        }
        plan.identity().name().ifPresent(n -> steps.add(gitConfig("user.name", n)));
        plan.identity().email().ifPresent(m -> steps.add(gitConfig("user.email", m)));
        options.workspace().ifPresent(dir -> steps.add(workspace(dir)));
        steps.addAll(provider.provisioningSteps(request, bottle));
        steps.addAll(Supervision.registration(provider, gateways, reach));
        return steps;
    }

    /**
     * The steps of a resume: the gateway services' steps again (a service may have had to take a new port: the
     * bottle's proxy variables and trust store must match what runs now) and the supervise registration (its URL and
     * bearer are new).
     */
    static List<ProvisionStep> resumeSteps(List<GatewayService> gateways, HostReach reach, AgentProvider provider) {
        List<ProvisionStep> steps = new ArrayList<>(gatewaySteps(gateways, reach));
        steps.addAll(Supervision.registration(provider, gateways, reach));
        return steps;
    }

    /**
     * @return the environment every exec gets: the bottle's recorded (non-secret) environment, the secret values
     *         resolved at launch (they exist only in this process), and the supervise bearer for CLIs that read it from
     *         the variable its endpoint names (never written to a file)
     */
    static Map<String, String> execEnv(Map<String, String> bottleEnv, Map<String, String> secretEnv,
                                       List<GatewayService> gateways, HostReach reach) {
        Map<String, String> env = new LinkedHashMap<>(bottleEnv);
        env.putAll(secretEnv);
        for (GatewayService g : gateways) {
            if (g instanceof SuperviseService supervise) {
                var endpoint = supervise.endpoint(reach);
                env.put(endpoint.bearerEnvName(), endpoint.bearer().reveal());
            }
        }
        return env;
    }

    /** @return the step copying a host directory into the bottle's workspace */
    static ProvisionStep workspace(java.nio.file.Path dir) {
        return new ProvisionStep.CopyTree(dir, BottleRuntime.WORKSPACE, FileOwner.AGENT);
    }

    private static List<ProvisionStep> gatewaySteps(List<GatewayService> gateways, HostReach reach) {
        List<ProvisionStep> steps = new ArrayList<>();
        gateways.forEach(g -> steps.addAll(g.bottleSteps(reach)));
        return steps;
    }

    private static ProvisionStep gitConfig(String key, String value) {
        return new ProvisionStep.RunCommand(List.of("git", "config", "--global", key, value), FileOwner.AGENT, false,
                "git config " + key);
    }
}
