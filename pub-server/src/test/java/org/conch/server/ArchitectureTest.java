package org.conch.server;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of design.md, over the main classes of every module (pub-server sees them all):
 * protocol cores free of Vert.x and I/O, module arrows pointing one way, no cycles between
 * pub-server's packages, and those packages layered the way the wiring needs.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.conch");
        // An empty import would make every rule below pass: make sure each module is in it.
        for (String module : new String[]{"org.conch.feed", "org.conch.gossip", "org.conch.server"}) {
            assertThat(main.stream().anyMatch(c -> c.getPackageName().startsWith(module)))
                    .as("main classes of %s imported", module).isTrue();
        }
    }

    @Test
    void protocolCoresTakeBytesAndReturnBytesWithoutVertxOrSockets() {
        noClasses().that().resideInAnyPackage(
                        "org.conch.gossip.shs..", "org.conch.gossip.boxstream..", "org.conch.gossip.muxrpc..",
                        "org.conch.gossip.replication..", "org.conch.gossip.blobs..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "java.net..", "java.nio.channels..")
                .because("only gossip.net touches Vert.x and sockets; the cores are tested without a network")
                .check(main);
    }

    @Test
    void feedKnowsNothingOfTheNetwork() {
        noClasses().that().resideInAPackage("org.conch.feed..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..", "java.net..")
                .check(main);
    }

    @Test
    void moduleArrowsPointOneWay() {
        noClasses().that().resideInAPackage("org.conch.feed..")
                .should().dependOnClassesThat().resideInAnyPackage("org.conch.gossip..", "org.conch.server..")
                .because("schema <- feed <- gossip <- pub-server")
                .check(main);
        noClasses().that().resideInAPackage("org.conch.gossip..")
                .should().dependOnClassesThat().resideInAPackage("org.conch.server..")
                .because("schema <- feed <- gossip <- pub-server")
                .check(main);
    }

    @Test
    void gossipReachesTheStoreThroughItsInterfacesOnly() {
        noClasses().that().resideInAPackage("org.conch.gossip..")
                .should().dependOnClassesThat().haveSimpleNameStartingWith("H2")
                .because("design.md: gossip depends on feed's interfaces, never on H2FeedStore")
                .check(main);
    }

    @Test
    void pubServerPackagesHaveNoCycles() {
        slices().assignedFrom(PUB_SERVER_PACKAGES).should().beFreeOfCycles().check(main);
    }

    /** Config and the API contract at the bottom, the routes above them, the wiring above those, the CLI on top. */
    @Test
    void theWiringDependsOnTheRoutesAndTheCliOnTheWiringNotTheOtherWayRound() {
        assertThat(packagesUsedBy("org.conch.server")).contains("org.conch.server.http", "org.conch.server.web");
        assertThat(packagesUsedBy("org.conch.server.cli")).contains("org.conch.server");
        noClasses().that().resideInAPackage("org.conch.server")
                .should().dependOnClassesThat().resideInAPackage("org.conch.server.cli..").check(main);
        noClasses().that().resideInAPackage("org.conch.server.http..")
                .should().dependOnClassesThat().resideInAPackage("org.conch.server").check(main);
        noClasses().that().resideInAPackage("org.conch.server.config..")
                .should().dependOnClassesThat().resideInAnyPackage("org.conch.server", "org.conch.server.cli..").check(main);
    }

    /** The other packages the classes of {@code pkg} (that package alone) refer to. */
    private static java.util.Set<String> packagesUsedBy(String pkg) {
        java.util.Set<String> used = new java.util.TreeSet<>();
        main.stream().filter(c -> c.getPackageName().equals(pkg))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .map(dependency -> dependency.getTargetClass().getPackageName())
                .filter(target -> !target.equals(pkg))
                .forEach(used::add);
        return used;
    }

    /** Each package under org.conch.server is a slice; the classes of org.conch.server itself are one more. */
    private static final SliceAssignment PUB_SERVER_PACKAGES = new SliceAssignment() {
        private static final String ROOT = "org.conch.server";

        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (name.equals(ROOT)) return SliceIdentifier.of("server");
            if (!name.startsWith(ROOT + ".")) return SliceIdentifier.ignore();
            String rest = name.substring(ROOT.length() + 1);
            int dot = rest.indexOf('.');
            return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
        }

        @Override
        public String getDescription() {
            return "the packages of pub-server";
        }
    };
}
