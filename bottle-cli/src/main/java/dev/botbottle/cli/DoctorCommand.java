package dev.botbottle.cli;

import dev.botbottle.core.doctor.Doctor;
import dev.botbottle.core.doctor.Report;
import dev.botbottle.spi.Diagnostic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code bottle doctor}: what this host has and lacks for bottles, each problem with the command that fixes it; with
 * {@code --escape-test AGENT}, the sandbox-escape suite run in a real bottle of that agent ({@link EscapeTestRun}).
 */
@Command(name = "doctor", description = "Check this host: engine, isolation, images, plugins, CA bundle, orphaned"
        + " bottles. Exit 0 when the default bottle can launch, 1 otherwise. With --escape-test AGENT: launch a real"
        + " bottle of AGENT with canary credentials, try every known way out from inside it, print the table and"
        + " exit 0 only when every attempt was blocked and audited.")
final class DoctorCommand implements Callable<Integer> {

    @ParentCommand
    BottleCommand parent;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend (default $BOT_BOTTLE_BACKEND or docker)")
    String backend;

    @Option(names = "--escape-test", paramLabel = "AGENT",
            description = "run the sandbox-escape suite in a real bottle of AGENT (canary credentials; removed after)")
    String escapeTest;

    @Option(names = "--allow-weak-isolation",
            description = "with --escape-test: launch even if the backend cannot firewall the bottle from the host")
    boolean allowWeakIsolation;

    @Override
    public Integer call() {
        if (escapeTest != null) {
            return new EscapeTestRun(parent).run(escapeTest, parent.backend(backend), allowWeakIsolation);
        }
        Report report = new Doctor(parent.plugins(), parent.host(), parent.backend(backend),
                Optional.of(BottleCommand.DEFAULT_TEMPLATE), parent.backendOptions()).run(parent.runtime());
        var out = parent.console.out();
        String section = null;
        for (Report.Finding f : report.findings()) {
            if (!f.section().equals(section)) {
                section = f.section();
                out.println(section + ":");
            }
            Diagnostic d = f.diagnostic();
            out.printf("  %-5s %s: %s%n", label(d.severity()), d.subject(), d.detail());
            d.fix().ifPresent(fix -> out.println("        fix: " + fix));
        }
        long problems = report.findings().stream()
                .filter(f -> f.diagnostic().severity() == Diagnostic.Severity.PROBLEM).count();
        out.println(report.healthy() ? "ok: the default bottle can launch on " + parent.backend(backend)
                : problems + " problem(s): the default bottle cannot launch until they are fixed");
        return report.healthy() ? 0 : 1;
    }

    private static String label(Diagnostic.Severity s) {
        return switch (s) {
            case OK -> "ok";
            case INFO -> "info";
            case WARNING -> "warn";
            case PROBLEM -> "FAIL";
        };
    }
}
