package dev.botbottle.backend.kubernetes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module rules of the architecture (docs/architecture.md) for this backend, which the integration tests' rules do
 * not import (they run without the Kubernetes client on their class path): a plugin depends on the SPI, never on the
 * core, the gateway services or another plugin, and writes nothing to the console.
 */
class ModuleRulesTests {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.botbottle.backend.kubernetes");

    @Test
    void theBackendReachesTheRestOfBotBottleOnlyThroughTheSpi() {
        noClasses().that().resideInAPackage("dev.botbottle.backend.kubernetes..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.botbottle.core..", "dev.botbottle.cli..",
                        "dev.botbottle.gateway..", "dev.botbottle.egress..", "dev.botbottle.gitgate..",
                        "dev.botbottle.supervise..", "dev.botbottle.dlp..", "dev.botbottle.provider..",
                        "dev.botbottle.contrib..", "dev.botbottle.backend.docker..", "dev.botbottle.backend.smolvm..")
                .check(MAIN);
    }

    @Test
    void itWritesNothingToTheConsole() {
        noClasses().that().resideInAPackage("dev.botbottle.backend.kubernetes..")
                .should(com.tngtech.archunit.library.GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                .check(MAIN);
    }
}
