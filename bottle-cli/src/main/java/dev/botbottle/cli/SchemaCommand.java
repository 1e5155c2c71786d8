package dev.botbottle.cli;

import dev.botbottle.core.manifest.ManifestSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code bottle schema}: the JSON Schema of bottle (or agent) files, with the installed providers' settings. */
@Command(name = "schema", description = "Print the JSON Schema of bottle files (or --kind agent) for editors, with the"
        + " agent_provider settings of the installed providers.")
final class SchemaCommand implements Callable<Integer> {

    /** Which files. */
    enum Kind { bottle, agent }

    @ParentCommand
    BottleCommand parent;

    @Option(names = "--kind", paramLabel = "KIND", description = "bottle (default) or agent")
    Kind kind = Kind.bottle;

    @Override
    public Integer call() {
        parent.console.out().print(kind == Kind.agent ? ManifestSchema.agent()
                : ManifestSchema.bottle(parent.planner().catalog()));
        return 0;
    }
}
