package dev.botbottle.core.manifest;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ProviderSetting;
import dev.botbottle.spi.ProviderSettings;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SettingProblem;
import dev.botbottle.spi.SuperviseEndpoint;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Doubles of installed agent providers for the manifest tests: they declare settings like the real Claude and Codex
 * providers (which core must not depend on) and a third-party one, and plan nothing.
 */
final class ProviderDoubles {
    private ProviderDoubles() {
    }

    /** Declares {@code auth_token}, a host variable (like the Claude provider). */
    static final AgentProvider TOKEN = new Double("claude", List.of(ProviderSetting.of("auth_token",
            ProviderSetting.Kind.HOST_VARIABLE, "the host variable holding the token")));
    /** Declares {@code forward_host_credentials}, a boolean (like the Codex provider). */
    static final AgentProvider FORWARD = new Double("codex", List.of(ProviderSetting.of("forward_host_credentials",
            ProviderSetting.Kind.BOOLEAN, "forward the host's login")));
    /** A third-party provider with two settings, one of which needs the other. */
    static final AgentProvider PI = new Double("pi-agent", List.of(
            ProviderSetting.of("endpoint", ProviderSetting.Kind.STRING, "where the agent's model is"),
            ProviderSetting.of("level", ProviderSetting.Kind.INTEGER, "how hard it thinks"))) {
        @Override
        public List<SettingProblem> validate(ProviderSettings settings) {
            return settings.string("level").isPresent() && settings.string("endpoint").isEmpty()
                    ? List.of(new SettingProblem("level", "level needs an endpoint")) : List.of();
        }
    };

    /** All three, with {@code claude} the default template (as the CLI sets it). */
    static final ProviderCatalog CATALOG = catalog();

    private static ProviderCatalog catalog() {
        Map<String, AgentProvider> installed = new java.util.LinkedHashMap<>();
        List.of(TOKEN, FORWARD, PI).forEach(p -> installed.put(p.name(), p));
        return new ProviderCatalog(installed, Optional.of("claude"));
    }

    private static class Double implements AgentProvider {
        private final String name;
        private final List<ProviderSetting> settings;

        Double(String name, List<ProviderSetting> settings) {
            this.name = name;
            this.settings = settings;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<ProviderSetting> settings() {
            return settings;
        }

        @Override
        public AgentProvisionPlan plan(AgentRequest request) {
            return AgentProvisionPlan.EMPTY;
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
            return List.of("true");
        }

        @Override
        public List<String> headlessCommand(String prompt) {
            return List.of("true");
        }
    }
}
