package dev.writ;

import java.util.List;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

import dev.writ.store.Store;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/** The package rules of design.md §2, enforced. */
class ArchitectureTests {

	private static final JavaClasses WRIT = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		// Not the code Spring's build-time processing generates
		// (WritApplication__BeanDefinitions
		// and the like): it wires every layer, as the container does at run time.
		.withImportOption((location) -> !location.contains("__"))
		.importPackages("dev.writ");

	@Test
	void packagesHaveNoCycles() {
		slices().matching("dev.writ.(*)..").should().beFreeOfCycles().check(WRIT);
	}

	/**
	 * The flow of design.md §2, top down: the entry points ({@code web}, {@code cli},
	 * {@code config} and the application) drive {@code exchange}, which runs request →
	 * trust → context → policy → token; rehearsal drives loading and the policies; the
	 * store, keys, audit and error codes are used from above, and use none of it.
	 */
	@Test
	void packagesFollowTheFlow() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("Entry")
			.definedBy("dev.writ", "dev.writ.web..", "dev.writ.cli..", "dev.writ.config..")
			.layer("Exchange")
			.definedBy("dev.writ.exchange..")
			.layer("Credentials")
			.definedBy("dev.writ.credentials..")
			.layer("Token")
			.definedBy("dev.writ.token..")
			.layer("Rehearsal")
			.definedBy("dev.writ.policy.rehearsal..")
			.layer("Loading")
			.definedBy("dev.writ.policy.load..")
			.layer("Policy")
			.definedBy("dev.writ.policy")
			.layer("Context")
			.definedBy("dev.writ.context..")
			.layer("Trust")
			.definedBy("dev.writ.trust..")
			.layer("Request")
			.definedBy("dev.writ.request..")
			.layer("Store")
			.definedBy("dev.writ.store..")
			.layer("Keys")
			.definedBy("dev.writ.keys..")
			.layer("Audit")
			.definedBy("dev.writ.audit..")
			.layer("Error")
			.definedBy("dev.writ.error..")
			.layer("Digest")
			.definedBy("dev.writ.digest..")
			.layer("Gate")
			.definedBy("dev.writ.gate..")
			.whereLayer("Entry")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("Exchange")
			.mayOnlyBeAccessedByLayers("Entry")
			.whereLayer("Credentials")
			.mayOnlyBeAccessedByLayers("Exchange", "Entry")
			.whereLayer("Token")
			.mayOnlyBeAccessedByLayers("Exchange", "Entry")
			.whereLayer("Rehearsal")
			.mayOnlyBeAccessedByLayers("Entry")
			.whereLayer("Loading")
			.mayOnlyBeAccessedByLayers("Rehearsal", "Entry")
			.whereLayer("Policy")
			.mayOnlyBeAccessedByLayers("Loading", "Rehearsal", "Credentials", "Token", "Exchange", "Entry")
			.whereLayer("Context")
			.mayOnlyBeAccessedByLayers("Policy", "Loading", "Rehearsal", "Token", "Exchange", "Entry")
			.whereLayer("Trust")
			.mayOnlyBeAccessedByLayers("Context", "Policy", "Loading", "Rehearsal", "Token", "Exchange", "Entry")
			.whereLayer("Request")
			.mayOnlyBeAccessedByLayers("Trust", "Context", "Policy", "Loading", "Rehearsal", "Token", "Exchange",
					"Entry")
			.whereLayer("Store")
			.mayOnlyBeAccessedByLayers("Credentials", "Token", "Exchange", "Entry")
			.whereLayer("Keys")
			.mayOnlyBeAccessedByLayers("Trust", "Loading", "Rehearsal", "Token", "Exchange", "Entry")
			.whereLayer("Digest")
			.mayNotAccessAnyLayer()
			.whereLayer("Gate")
			.mayNotAccessAnyLayer()
			.whereLayer("Audit")
			.mayOnlyBeAccessedByLayers("Trust", "Credentials", "Exchange", "Entry")
			.check(WRIT);
	}

	@Test
	void onlyWebAndConfigUseSpringSecurity() {
		noClasses().that()
			.resideOutsideOfPackages("dev.writ.web..", "dev.writ.config..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.security..")
			.check(WRIT);
	}

	@Test
	void theExchangePathIsFrameworkFree() {
		// The store's interfaces and its memory implementation too; only the Redis store
		// is built on Spring Data Redis.
		noClasses().that()
			.resideInAnyPackage("dev.writ.request..", "dev.writ.trust..", "dev.writ.context..", "dev.writ.policy..",
					"dev.writ.token..", "dev.writ.exchange..", "dev.writ.keys..", "dev.writ.error..",
					"dev.writ.audit..", "dev.writ.store..")
			.and()
			.resideOutsideOfPackage("dev.writ.store.redis..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.check(WRIT);
	}

	@Test
	void theExchangeUsesTheStoreInterfacesItNeedsAndNoSharedStoreImplementation() {
		noClasses().that()
			.resideInAPackage("dev.writ.exchange..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName(Store.class.getName())
			.orShould()
			.dependOnClassesThat()
			.resideInAPackage("dev.writ.store.redis..")
			.check(WRIT);
	}

	@Test
	void theAuditPackageReadsNothingOfWritButErrorCodesAndDigests() {
		// An event is made of plain values, so that it can hold nothing of a token, a key
		// or a claim set by accident; a token appears only as its digest.
		classes().that()
			.resideInAPackage("dev.writ.audit..")
			.should()
			.onlyDependOnClassesThat()
			.resideInAnyPackage("dev.writ.audit..", "dev.writ.error..", "dev.writ.digest..", "java..", "org.slf4j..",
					"org.jspecify.annotations..", "com.nimbusds.jose.util..")
			.check(WRIT);
	}

	@Test
	void timeComesFromAnInjectedClock() {
		noClasses().that()
			.resideOutsideOfPackages("dev.writ.config..")
			.and()
			.doNotHaveFullyQualifiedName(WritApplication.class.getName())
			.should()
			.callMethod(java.time.Instant.class, "now")
			.orShould()
			.callMethod(System.class, "currentTimeMillis")
			.orShould()
			.callConstructor(java.util.Date.class)
			.orShould()
			.callMethod(java.time.Clock.class, "systemUTC")
			.check(WRIT);
	}

	@Test
	void theCommandLineReadsTheServersSettingsOnlyThroughConfig() {
		noClasses().that()
			.resideInAPackage("dev.writ.cli..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.orShould()
			.callMethod(System.class, "getenv")
			.orShould()
			.callMethod(System.class, "getenv", String.class)
			.check(WRIT);
	}

	@Test
	void onlyTheKeysPackageTouchesPrivateKeys() {
		noClasses().that()
			.resideOutsideOfPackage("dev.writ.keys..")
			.should()
			.dependOnClassesThat()
			.haveFullyQualifiedName(java.security.PrivateKey.class.getName())
			.check(WRIT);
	}

	/**
	 * NullAway checks the packages marked {@code @NullMarked} (package-info.java) only: a
	 * new package without the mark would be left out of the check without a word.
	 */
	@Test
	void everyPackageIsCheckedForNullness() {
		List<String> unmarked = WRIT.stream()
			.map(JavaClass::getPackage)
			.distinct()
			.filter((javaPackage) -> !javaPackage.isAnnotatedWith(NullMarked.class))
			.map(JavaPackage::getName)
			.sorted()
			.toList();
		assertThat(unmarked).as("packages without @NullMarked in package-info.java").isEmpty();
	}

}
