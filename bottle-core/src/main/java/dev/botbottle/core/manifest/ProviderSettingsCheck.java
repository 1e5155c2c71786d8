package dev.botbottle.core.manifest;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.ProviderSetting;
import dev.botbottle.spi.ProviderSettings;
import dev.botbottle.spi.SettingProblem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a bottle's {@code agent_provider} settings against what its provider declares: no unknown key (with a
 * "did you mean" hint, or the template that does accept it), each value of its declared kind, then the provider's
 * own {@link AgentProvider#validate} check. Used by the manifest reader (which knows lines) and by the planner.
 *
 * @since 0.2
 */
public final class ProviderSettingsCheck {

    private ProviderSettingsCheck() {
    }

    /**
     * @param provider the bottle's provider
     * @param settings the block's keys other than {@code template}, as text
     * @param catalog every installed provider, for the hint naming the template a misplaced key belongs to
     * @return every problem, each naming its key
     */
    public static List<SettingProblem> check(AgentProvider provider, Map<String, String> settings,
                                             ProviderCatalog catalog) {
        List<SettingProblem> problems = new ArrayList<>();
        List<String> names = provider.settings().stream().map(ProviderSetting::name).toList();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            Optional<ProviderSetting> declared = provider.settings().stream()
                    .filter(s -> s.name().equals(e.getKey())).findFirst();
            if (declared.isEmpty()) {
                problems.add(new SettingProblem(e.getKey(), unknown(provider, e.getKey(), names, catalog)));
                continue;
            }
            kindProblem(declared.get(), e.getValue()).ifPresent(m -> problems.add(new SettingProblem(e.getKey(), m)));
        }
        if (problems.isEmpty()) {
            problems.addAll(provider.validate(ProviderSettings.of(settings)));
        }
        return problems;
    }

    private static String unknown(AgentProvider provider, String key, List<String> names, ProviderCatalog catalog) {
        List<String> owners = catalog.providers().values().stream()
                .filter(p -> p != provider && p.settings().stream().anyMatch(s -> s.name().equals(key)))
                .map(AgentProvider::name).toList();
        String allowed = names.isEmpty() ? "template '" + provider.name() + "' takes no settings"
                : "template '" + provider.name() + "' takes " + String.join(", ", names);
        if (!owners.isEmpty()) {
            return "'" + key + "' is a setting of template " + String.join(" / ", owners.stream().map(o -> "'" + o + "'")
                    .toList()) + ", not of '" + provider.name() + "'; " + allowed;
        }
        return Suggest.unknownKey(key, names).replaceFirst("; no keys are allowed here$", "; " + allowed);
    }

    private static Optional<String> kindProblem(ProviderSetting setting, String value) {
        return switch (setting.kind()) {
            case STRING -> value.isBlank() ? Optional.of("must not be blank") : Optional.empty();
            case HOST_VARIABLE -> Keys.ENV_NAME.matcher(value).matches() ? Optional.empty()
                    : Optional.of("must be the name of a host environment variable (letters, digits and _, not"
                    + " starting with a digit); the secret itself never goes in a manifest, so the value is not shown");
            case BOOLEAN -> value.equals("true") || value.equals("false") ? Optional.empty()
                    : Optional.of("must be true or false");
            case INTEGER -> value.matches("-?\\d{1,18}") ? Optional.empty() : Optional.of("must be a whole number");
        };
    }
}
