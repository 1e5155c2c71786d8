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
                        "dev.botbottle.supervise..", "dev.botbottle.backend..", "dev.botbottle.provider..",
                        "dev.botbottle.contrib..", "dev.botbottle.cli..")
                .check(main);
    }

    @Test
    void pluginsDependOnTheSpiAndNotOnTheCore() {
        noClasses().that().resideInAnyPackage("dev.botbottle.backend..", "dev.botbottle.provider..",
                        "dev.botbottle.egress..", "dev.botbottle.contrib..")
                .should().dependOnClassesThat().resideInAPackage("dev.botbottle.core..")
                .check(main);
    }

    @ParameterizedTest
    @ValueSource(strings = {"core", "egress", "backend.docker", "backend.smolvm", "provider.claude", "provider.codex", "cli"})
    void noModuleReachesIntoAnothersInternals(String module) {
        noClasses().that().resideOutsideOfPackage("dev.botbottle." + module + "..")
                .should().dependOnClassesThat().resideInAPackage("dev.botbottle." + module + ".internal..")
                .allowEmptyShould(true)
                .check(main);
    }

    @Test
    void onlyTheCliWritesToTheConsole() {
        noClasses().that().resideOutsideOfPackage("dev.botbottle.cli..")
                .should(ACCESS_STANDARD_STREAMS)
                .check(main);
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.botbottle.(**)").should().beFreeOfCycles().check(main);
    }
}
