package dev.botbottle.it;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Keeps the module rules of the architecture true (docs/architecture.md, STYLE). */
class ArchitectureTests {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // test jars shared with this module (the egress test PKI, the smolvm test double) are test code too
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.botbottle");
    }

    @Test
    void theSpiDependsOnTheJdkOnly() {
        ArchRule rule = classes().that().resideInAPackage("dev.botbottle.spi..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.botbottle.spi..", "java..");
        rule.check(main);
    }

    @Test
    void theSecretScannerDependsOnTheSpiAndTheJdkOnly() {
        classes().that().resideInAPackage("dev.botbottle.dlp..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.botbottle.dlp..", "dev.botbottle.spi..",
                        "java..")
                .check(main);
    }

    @Test
    void theCoreReachesGatewaysBackendsAndProvidersOnlyThroughTheSpi() {
        noClasses().that().resideInAPackage("dev.botbottle.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.botbottle.egress..", "dev.botbottle.gitgate..",
                        "dev.botbottle.supervise..", "dev.botbottle.gateway..", "dev.botbottle.backend..",
                        "dev.botbottle.provider..", "dev.botbottle.contrib..", "dev.botbottle.cli..")
                .check(main);
    }

    @Test
    void pluginsDependOnTheSpiAndNotOnTheCore() {
        noClasses().that().resideInAnyPackage("dev.botbottle.backend..", "dev.botbottle.provider..",
                        "dev.botbottle.egress..", "dev.botbottle.gitgate..", "dev.botbottle.gateway..",
                        "dev.botbottle.contrib..")
                .should().dependOnClassesThat().resideInAPackage("dev.botbottle.core..")
                .check(main);
    }

    @ParameterizedTest
    @ValueSource(strings = {"core", "egress", "gitgate", "gateway", "backend.docker", "backend.smolvm", "provider.claude",
            "provider.codex", "cli"})
    void noModuleReachesIntoAnothersInternals(String module) {
        noClasses().that().resideOutsideOfPackage("dev.botbottle." + module + "..")
                .should().dependOnClassesThat().resideInAPackage("dev.botbottle." + module + ".internal..")
                .allowEmptyShould(true)
                .check(main);
    }

    /**
     * The gateway program sits above the services it runs (ADR 60): the services, backends and providers never
     * reach it (a backend offers a runner through the SPI; the launcher is found with ServiceLoader).
     */
    @Test
    void nothingBelowTheGatewayProgramReachesIt() {
        noClasses().that().resideInAnyPackage("dev.botbottle.spi..", "dev.botbottle.egress..",
                        "dev.botbottle.gitgate..", "dev.botbottle.supervise..", "dev.botbottle.backend..",
                        "dev.botbottle.provider..", "dev.botbottle.dlp..")
                .should().dependOnClassesThat().resideInAPackage("dev.botbottle.gateway..")
                .check(main);
    }

    @Test
    void onlyTheCliWritesToTheConsole() {
        // the test kit runs inside test JVMs, where a skipped test prints its reason (the project's test rules)
        noClasses().that().resideOutsideOfPackages("dev.botbottle.cli..", "dev.botbottle.testkit..")
                .should(ACCESS_STANDARD_STREAMS)
                .check(main);
    }

    /**
     * Core knows no agent provider by name (STYLE 13): every provider declares its own settings, images and skill
     * directories. Checked on core's class files and resources, where a name in a string constant would show.
     */
    @Test
    void theCoreNamesNoAgentProvider() throws Exception {
        java.nio.file.Path core = java.nio.file.Path.of(dev.botbottle.core.runtime.BottleRuntime.class
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        java.util.List<String> offenders = new java.util.ArrayList<>();
        java.util.function.BiConsumer<String, byte[]> check = (name, bytes) -> {
            String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            for (String provider : java.util.List.of("claude", "codex")) {
                if (text.contains(provider)) {
                    offenders.add(name + " names '" + provider + "'");
                }
            }
        };
        if (java.nio.file.Files.isDirectory(core)) {
            try (var files = java.nio.file.Files.walk(core)) {
                for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                    check.accept(core.relativize(f).toString(), java.nio.file.Files.readAllBytes(f));
                }
            }
        } else {
            try (var jar = new java.util.jar.JarFile(core.toFile())) {
                for (var e : java.util.Collections.list(jar.entries())) {
                    if (!e.isDirectory()) {
                        check.accept(e.getName(), jar.getInputStream(e).readAllBytes());
                    }
                }
            }
        }
        org.assertj.core.api.Assertions.assertThat(offenders).as("scanned " + core).isEmpty();
    }

    @Test
    void packagesHaveNoCycles() {
        // one exception: the kubernetes backend's internals take its public value types (GatewaySidecar, and the
        // KubernetesGateways interface its backend implements), which its public provider constructs them with
        slices().matching("dev.botbottle.(**)").should().beFreeOfCycles()
                .ignoreDependency(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(
                                "dev.botbottle.backend.kubernetes.internal"),
                        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage(
                                "dev.botbottle.backend.kubernetes"))
                .check(main);
    }
}
