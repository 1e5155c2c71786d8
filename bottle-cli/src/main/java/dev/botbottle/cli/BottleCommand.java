package dev.botbottle.cli;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.manifest.ManifestLoader;
import dev.botbottle.core.manifest.ManifestProblem;
import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.plan.Planner;
import dev.botbottle.core.plugin.Plugins;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.EnvPrompter;
import dev.botbottle.core.state.DirectoryStateStore;
import dev.botbottle.core.state.RecordStateStore;
import dev.botbottle.core.state.StateStore;
import dev.botbottle.spi.BackendContext;
import dev.botbottle.spi.BackendProvider;
import dev.botbottle.spi.BottleException;
import dev.botbottle.spi.ProgressListener;
import dev.botbottle.spi.Secret;
import dev.botbottle.spi.StateRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The {@code bottle} command and its global options.
 */
@Command(name = "bottle", mixinStandardHelpOptions = true, version = "bottle 0.1.0",
        description = "Runs AI coding agents in bottles where they never hold a real credential.",
        subcommands = {ValidateCommand.class, ListCommand.class, PlanCommand.class, InfoCommand.class,
                LaunchCommand.class, ExecCommand.class, PsCommand.class, StopCommand.class, ResumeCommand.class,
                RmCommand.class, CleanupCommand.class, DoctorCommand.class, SuperviseCommand.class,
                SchemaCommand.class, PoolCommand.class})
final class BottleCommand implements Runnable {

    /** Backend used when neither --backend nor BOT_BOTTLE_BACKEND says otherwise. */
    static final String DEFAULT_BACKEND = "docker";
    /** Template of a bottle whose {@code agent_provider} names none. */
    static final String DEFAULT_TEMPLATE = "claude";

    private Plugins plugins;
    private BottleRuntime runtime;

    final Console console;

    @Option(names = "--home", paramLabel = "DIR",
            description = "bot-bottle home (bottles, agents, skills, state); default $BOT_BOTTLE_HOME or ~/.bot-bottle")
    Path home;

    @Option(names = "--project-dir", paramLabel = "DIR",
            description = "where repo agents are looked up (.bot-bottle/agents); default the current directory")
    Path projectDir;

    @Option(names = "--debug", description = "log everything and show stack traces")
    boolean debug;

    @Option(names = "--backend-option", paramLabel = "KEY=VALUE",
            description = "an option of the backend (e.g. docker.gateway=container); repeatable")
    java.util.Map<String, String> backendOptions = new java.util.LinkedHashMap<>();

    @Option(names = "--state-records", paramLabel = "BACKEND",
            description = "keep bottles' state in records the backend shares with other hosts (kubernetes: a ConfigMap"
                    + " per bottle in kubernetes.namespace), so another host lists, resumes, supervises and removes "
                    + "them; default $BOT_BOTTLE_STATE_RECORDS, or this host's home only")
    String stateRecords;

    private StateStore stateStore;

    BottleCommand(Console console) {
        this.console = console;
    }

    @Override
    public void run() {
        console.out().println(new picocli.CommandLine(this).getUsageMessage());
    }

    HostEnvironment host() {
        HostEnvironment current = HostEnvironment.of(console.env());
        return home == null ? current : new HostEnvironment(home, current.userHome(), current.environment());
    }

    /** @return the global options of this command, for a background process running another command */
    java.util.List<String> globalArgs() {
        java.util.List<String> args = new java.util.ArrayList<>();
        if (home != null) {
            args.addAll(java.util.List.of("--home", home.toAbsolutePath().toString()));
        }
        args.addAll(java.util.List.of("--project-dir", projectDir().toAbsolutePath().toString()));
        backendOptions.forEach((key, value) -> args.addAll(java.util.List.of("--backend-option", key + "=" + value)));
        stateRecordsBackend().ifPresent(backend -> args.addAll(java.util.List.of("--state-records", backend)));
        if (debug) {
            args.add("--debug");
        }
        return args;
    }

    Path projectDir() {
        return projectDir != null ? projectDir : Path.of("").toAbsolutePath();
    }

    /** @return the plugins on the class path, discovered once per command */
    Plugins plugins() {
        if (plugins == null) {
            plugins = Plugins.discover();
        }
        return plugins;
    }

    ManifestLoader loader() {
        return ManifestLoader.forHome(host().botBottleHome()).withUserHome(host().userHome()).withProjectDir(projectDir())
                .withProviders(planner().catalog());
    }

    /** Loads the manifest, printing warnings; fails with every error when there is one. */
    Manifest manifest() {
        ManifestLoader.LoadResult result = loader().load();
        for (ManifestProblem p : result.problems()) {
            if (!p.isError()) {
                console.err().println("warning: " + p.render());
            }
        }
        if (result.problems().stream().anyMatch(ManifestProblem::isError)) {
            StringBuilder b = new StringBuilder("the manifest has problems (fix them, then run `bottle validate`):");
            result.problems().stream().filter(ManifestProblem::isError).forEach(p -> b.append("\n  ").append(p.render()));
            throw new BottleException(b.toString());
        }
        return result.manifest();
    }

    String backend(String option) {
        if (option != null) {
            return option;
        }
        String env = console.env().get("BOT_BOTTLE_BACKEND");
        return env != null && !env.isBlank() ? env : DEFAULT_BACKEND;
    }

    /** The runtime's planner: the preflight describes what this runtime's launch does (same backend options). */
    Planner planner() {
        return runtime().planner().withDefaultTemplate(DEFAULT_TEMPLATE);
    }

    ProgressListener progress() {
        return (stage, message) -> console.err().println("[" + stage + "] " + message);
    }

    /** @return this command's runtime, made once */
    BottleRuntime runtime() {
        if (runtime == null) {
            BottleRuntime.Builder builder = BottleRuntime.builder().host(host()).plugins(plugins()).progress(progress())
                    .prompter(prompter()).stateStore(stateStore());
            backendOptions().forEach(builder::backendOption);
            runtime = builder.build();
        }
        return runtime;
    }

    /** @return the backend named by {@code --state-records} or {@code BOT_BOTTLE_STATE_RECORDS}, if any */
    private java.util.Optional<String> stateRecordsBackend() {
        String named = stateRecords != null ? stateRecords : console.env().get("BOT_BOTTLE_STATE_RECORDS");
        return java.util.Optional.ofNullable(named).map(String::strip).filter(n -> !n.isEmpty());
    }

    /**
     * @return where this command keeps bottles' state, made once: this host's home, or the records of the backend
     *         {@code --state-records} names (with the {@code --backend-option} values, which say where they live)
     */
    StateStore stateStore() {
        if (stateStore == null) {
            java.nio.file.Path botBottleHome = host().botBottleHome();
            java.util.Optional<String> backend = stateRecordsBackend();
            if (backend.isEmpty()) {
                stateStore = new DirectoryStateStore(botBottleHome);
            } else {
                BackendProvider provider = plugins().backends().get(backend.get());
                StateRecords records = provider.stateRecords(new BackendContext(botBottleHome, progress(),
                        backendOptions())).orElseThrow(() -> new BottleException("--state-records " + backend.get()
                        + ": that backend keeps no records other hosts read; leave the option out to keep state in "
                        + botBottleHome + " (kubernetes keeps them in the cluster)"));
                stateStore = new RecordStateStore(botBottleHome, records);
            }
        }
        return stateStore;
    }

    /** @return the {@code --backend-option} values, keys and values stripped */
    java.util.Map<String, String> backendOptions() {
        java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
        backendOptions.forEach((key, value) -> {
            if (key.isBlank()) {
                throw new BottleException("--backend-option needs KEY=VALUE (e.g. docker.gateway=container); got '="
                        + value + "'");
            }
            options.put(key.strip(), value.strip());
        });
        return options;
    }

    EnvPrompter prompter() {
        java.io.Console terminal = System.console();
        if (!console.interactive() || terminal == null) {
            return (name, message) -> {
                String given = console.env().get("BOT_BOTTLE_PROMPT_" + name);
                if (given != null) {
                    return Secret.of(given);
                }
                return EnvPrompter.NONE.ask(name, message);
            };
        }
        return (name, message) -> {
            char[] answer = terminal.readPassword("%s%s: ", name, message.isEmpty() ? "" : " (" + message + ")");
            if (answer == null) {
                throw new BottleException("no value typed for " + name);
            }
            return Secret.of(new String(answer));
        };
    }
}
