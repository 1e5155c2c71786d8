package dev.botbottle.core.internal;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.FileOwner;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseEndpoint;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in {@code shell} template: no agent CLI, just a shell in the bottle. Useful to try a bottle, to run
 * scripted agents, and in tests. It ships no image: the bottle must name one.
 */
public final class ShellAgentProvider implements AgentProvider {

    @Override
    public String name() {
        return "shell";
    }

    @Override
    public AgentProvisionPlan plan(AgentRequest request) {
        return AgentProvisionPlan.EMPTY;
    }

    @Override
    public List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle) {
        List<ProvisionStep> steps = new ArrayList<>();
        if (!request.prompt().isBlank()) {
            steps.add(new ProvisionStep.WriteFile("~/PROMPT.md", request.prompt().getBytes(StandardCharsets.UTF_8), 0644,
                    FileOwner.AGENT));
        }
        request.skills().forEach(s -> steps.add(new ProvisionStep.CopyPath(s.directory(), "~/skills/" + s.name(),
                FileOwner.AGENT, 0644)));
        return steps;
    }

    @Override
    public List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint) {
        return List.of(new ProvisionStep.SetEnv("BOT_BOTTLE_SUPERVISE_URL", endpoint.url()));
    }

    @Override
    public List<String> interactiveCommand() {
        return List.of("bash", "-l");
    }

    @Override
    public List<String> headlessCommand(String prompt) {
        return List.of("bash", "-lc", prompt);
    }
}
