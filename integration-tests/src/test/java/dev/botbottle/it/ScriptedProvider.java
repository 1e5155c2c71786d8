package dev.botbottle.it;

import dev.botbottle.spi.AgentProvider;
import dev.botbottle.spi.AgentProvisionPlan;
import dev.botbottle.spi.AgentRequest;
import dev.botbottle.spi.Bottle;
import dev.botbottle.spi.ProvisionStep;
import dev.botbottle.spi.SuperviseEndpoint;

import java.util.List;

/** A test double of an agent provider: no image, no routes, the given provisioning steps, bash as its CLI. */
final class ScriptedProvider implements AgentProvider {
    private final String name;
    private final List<ProvisionStep> steps;

    ScriptedProvider(String name, List<ProvisionStep> steps) {
        this.name = name;
        this.steps = List.copyOf(steps);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AgentProvisionPlan plan(AgentRequest request) {
        return AgentProvisionPlan.EMPTY;
    }

    @Override
    public List<ProvisionStep> provisioningSteps(AgentRequest request, Bottle bottle) {
        return steps;
    }

    @Override
    public List<ProvisionStep> superviseSteps(SuperviseEndpoint endpoint) {
        return List.of();
    }

    @Override
    public List<String> interactiveCommand() {
        return List.of("bash");
    }

    @Override
    public List<String> headlessCommand(String prompt) {
        return List.of("bash", "-c", prompt);
    }
}
