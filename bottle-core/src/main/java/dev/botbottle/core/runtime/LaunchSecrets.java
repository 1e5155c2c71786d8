package dev.botbottle.core.runtime;

import dev.botbottle.core.manifest.EnvValue;
import dev.botbottle.core.plan.BottlePlan;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.CredentialException;
import dev.botbottle.spi.CredentialSource;
import dev.botbottle.spi.Secret;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves what a launch needs that is secret — route credentials and prompted or host-copied env values — before
 * anything is created, failing with a message that names the variable and never the value.
 */
final class LaunchSecrets {

    private final HostEnvironment host;
    private final CredentialSource credentials;
    private final EnvPrompter prompter;

    LaunchSecrets(HostEnvironment host, CredentialSource credentials, EnvPrompter prompter) {
        this.host = host;
        this.credentials = credentials;
        this.prompter = prompter;
    }

    /**
     * @return a source answering the provider's own credentials first, then the host's; every route's
     *         {@code token_ref} is checked to resolve
     */
    CredentialSource credentials(BottlePlan plan, AgentProvider provider, AgentRequest request) {
        Map<String, Secret> fromProvider = Map.copyOf(provider.credentials(request));
        for (String ref : plan.agentPlan().provision().credentialRefs()) {
            if (!fromProvider.containsKey(ref)) {
                throw new CredentialException("agent provider '" + provider.name() + "' did not supply credential "
                        + ref + " it planned for");
            }
        }
        CredentialSource source = ((CredentialSource) ref -> Optional.ofNullable(fromProvider.get(ref)))
                .orElse(credentials);
        for (var route : plan.routes()) {
            route.auth().ifPresent(auth -> {
                if (source.resolve(auth.tokenRef()).isEmpty()) {
                    throw new CredentialException("egress route " + route.host() + " injects " + auth.tokenRef()
                            + ", but that host variable is not set; export it before launching");
                }
            });
        }
        return source;
    }

    /** @return the values of prompted ({@code "?"}) and host-copied ({@code "${VAR}"}) env entries, by name */
    Map<String, String> env(BottlePlan plan) {
        Map<String, String> out = new LinkedHashMap<>();
        plan.env().forEach((name, value) -> {
            if (value instanceof EnvValue.HostVariable h) {
                String v = host.environment().get(h.name());
                if (v == null) {
                    throw new CredentialException("env " + name + " copies host variable " + h.name()
                            + ", which is not set; export it before launching");
                }
                out.put(name, v);
            } else if (value instanceof EnvValue.Prompt p) {
                out.put(name, prompter.ask(name, p.message()).reveal());
            }
        });
        return out;
    }
}
