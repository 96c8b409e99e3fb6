package io.ocellus.pipeline.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the build holds: {@code pipeline -> operators -> models, schemas}; TensorFlow only
 * in {@code models}; no Flink in {@code models} or {@code schemas}; the tools (benchmarks, demo,
 * soak, broker) used by nothing but the {@code ocellus} command; and a {@code package-info.java} in
 * every package of every module.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.ocellus");
        assertThat(classes.size()).as("classes of every module").isGreaterThan(150);
    }

    @Test
    void onlyTheModelsModuleUsesTensorFlow() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.ocellus.models..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.tensorflow..")
                .check(classes);
    }

    @Test
    void modelsAndSchemasKnowNothingOfFlink() {
        noClasses()
                .that()
                .resideInAnyPackage("io.ocellus.models..", "io.ocellus.schemas..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.flink..")
                .check(classes);
    }

    @Test
    void dependenciesPointOneWay() {
        noClasses()
                .that()
                .resideInAPackage("io.ocellus.operators..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.ocellus.pipeline..")
                .check(classes);
        noClasses()
                .that()
                .resideInAnyPackage("io.ocellus.models..", "io.ocellus.schemas..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.ocellus.operators..", "io.ocellus.pipeline..")
                .check(classes);
        noClasses()
                .that()
                .resideInAPackage("io.ocellus.models..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.ocellus.schemas..")
                .check(classes);
    }

    @Test
    void theToolsStayApartFromTheJob() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.ocellus.pipeline.tools..")
                .and()
                .doNotHaveFullyQualifiedName("io.ocellus.pipeline.OcellusCli")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.ocellus.pipeline.tools..")
                .check(classes);
    }

    @Test
    void everyPackageSaysWhatItIsFor() throws IOException {
        Path root = Path.of(System.getProperty("ocellus.root", ".."));
        List<Path> sourceRoots;
        try (Stream<Path> modules = Files.list(root)) {
            sourceRoots =
                    modules.map(module -> module.resolve("src/main/java"))
                            .filter(Files::isDirectory)
                            .toList();
        }
        assertThat(sourceRoots)
                .as("modules under %s", root.toAbsolutePath())
                .hasSizeGreaterThanOrEqualTo(4);
        for (Path sources : sourceRoots) {
            try (Stream<Path> dirs = Files.walk(sources)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    boolean hasJava;
                    try (Stream<Path> files = Files.list(dir)) {
                        hasJava =
                                files.anyMatch(
                                        file ->
                                                file.toString().endsWith(".java")
                                                        && !file.endsWith("package-info.java"));
                    }
                    if (hasJava) {
                        assertThat(dir.resolve("package-info.java"))
                                .as("package-info.java in %s", sources.relativize(dir))
                                .exists();
                    }
                }
            }
        }
    }
}
