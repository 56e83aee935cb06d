package io.servent.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The layering rules of ARCHITECTURE.md, checked on every servent class on this module's classpath
 * (the CLI reaches every module through the node).
 */
@Timeout(120)
class ArchitectureTest {
    private static JavaClasses servent;

    @BeforeAll
    static void importClasses() {
        servent = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.servent");
    }

    @Test
    void theP2pLibraryNeverReachesUp() {
        noClasses()
                .that()
                .resideInAPackage("io.servent.p2p..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.servent.apps..", "io.servent.node..", "io.servent.cli..")
                .check(servent);
    }

    @Test
    void theApiDependsOnNoOtherServentModule() {
        classes()
                .that()
                .resideInAPackage("io.servent.p2p.api..")
                .should()
                .onlyDependOnClassesThat()
                .resideOutsideOfPackages(
                        "io.servent.p2p.host..",
                        "io.servent.p2p.noise..",
                        "io.servent.p2p.yamux..",
                        "io.servent.p2p.tcp..",
                        "io.servent.p2p.multistream..",
                        "io.servent.apps..",
                        "io.servent.node..",
                        "io.servent.cli..")
                .check(servent);
    }

    @Test
    void protocolsUseTheHostOnlyThroughTheApi() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "io.servent.p2p.identify..",
                        "io.servent.p2p.ping..",
                        "io.servent.p2p.perf..",
                        "io.servent.p2p.kad..",
                        "io.servent.p2p.gossipsub..",
                        "io.servent.p2p.mdns..",
                        "io.servent.p2p.autonat..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.servent.p2p.noise..", "io.servent.p2p.yamux..", "io.servent.p2p.tcp..")
                .check(servent);
    }

    @Test
    void applicationsUseTheNetworkOnlyThroughThePublicApis() {
        noClasses()
                .that()
                .resideInAPackage("io.servent.apps..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.servent.p2p.host..",
                        "io.servent.p2p.noise..",
                        "io.servent.p2p.yamux..",
                        "io.servent.p2p.tcp..",
                        "io.servent.node..",
                        "io.servent.cli..")
                // Applications join the classpath as the node wires them in.
                .allowEmptyShould(true)
                .check(servent);
    }

    @Test
    void theNodeNeverDependsOnTheCli() {
        noClasses()
                .that()
                .resideInAPackage("io.servent.node..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.servent.cli..")
                .check(servent);
    }

    @Test
    void namesFollowTheHouseStyle() {
        noClasses().should().haveSimpleNameEndingWith("Impl").check(servent);
        noClasses()
                .should()
                .resideInAnyPackage("..util..", "..utils..", "..common..", "..internal..", "..impl..")
                .check(servent);
    }
}
