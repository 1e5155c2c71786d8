package dev.botbottle.cli;

import dev.botbottle.core.manifest.AgentDef;
import dev.botbottle.core.manifest.BottleDef;
import dev.botbottle.core.manifest.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code bottle list}: the bottles and agents the manifest declares. */
@Command(name = "list", description = "List the declared bottles and agents.")
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Override
    public Integer call() {
        Manifest m = parent.manifest();
        var out = parent.console.out();
        out.println("bottles:");
        for (BottleDef b : m.bottles().values()) {
            out.printf("  %-20s %s%s%n", b.name(), b.agentProvider().flatMap(p -> p.template()).orElse("(default provider)"),
                    b.extendsNames().isEmpty() ? "" : "  extends " + String.join(", ", b.extendsNames()));
        }
        out.println("agents:");
        for (AgentDef a : m.agents().values()) {
            out.printf("  %-20s bottle %s  (%s)%n", a.name(), a.bottle().orElse("-"), a.file());
        }
        return 0;
    }
}
