package io.datastores.system;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

import io.datastores.kit.auth.TokenIssuer;
import io.datastores.testkit.ProjectLayout;

/**
 * The boundaries STYLE.md promises, across every module: the domain (and the decider contract) is
 * pure Java; it never reads the clock or mints random ids, so a replay decides the same. The
 * services validate bearer tokens and never issue one.
 */
class ArchitectureTest {

    private static final List<String> MODULES = List.of("platform-kit", "service-support", "provisioning-service",
            "failover-service", "backup-service", "marketplace-service");

    private static JavaClasses classes() {
        List<Path> paths = MODULES.stream().map(m -> ProjectLayout.module(m).resolve("target/classes"))
                .filter(Files::isDirectory).toList();
        if (paths.size() != MODULES.size()) {
            throw new IllegalStateException("build every module first: found only " + paths);
        }
        return new ClassFileImporter().importPaths(paths);
    }

    @Test
    void theDomainImportsNoFrameworkNorTheWireFormat() {
        noClasses().that().resideInAnyPackage("..domain..", "io.datastores.kit.decider..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.micronaut..",
                        "org.apache.avro..", "io.datastores.events..", "com.fasterxml..", "jakarta..")
                .check(classes());
    }

    @Test
    void theDomainNeverReadsTheClockNorMintsIds() {
        noClasses().that().resideInAnyPackage("..domain..", "io.datastores.kit.decider..")
                .should().callMethod(Instant.class, "now")
                .orShould().callMethod(UUID.class, "randomUUID")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Clock.class, "systemUTC")
                .check(classes());
    }

    @Test
    void theServicesNeverIssueTokens() {
        noClasses().that().resideInAnyPackage("io.datastores.service..", "io.datastores.provisioning..",
                        "io.datastores.failover..", "io.datastores.backup..", "io.datastores.marketplace..")
                .should().dependOnClassesThat().belongToAnyOf(TokenIssuer.class)
                .orShould().dependOnClassesThat().areAssignableTo(com.nimbusds.jose.JWSSigner.class)
                .check(classes());
    }
}
