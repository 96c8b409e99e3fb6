package io.ocellus.pipeline.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassReader;
import org.apache.flink.shaded.asm9.org.objectweb.asm.ClassVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Label;
import org.apache.flink.shaded.asm9.org.objectweb.asm.MethodVisitor;
import org.apache.flink.shaded.asm9.org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Small pieces, held by the build: no source file of main code over 400 lines, no method over 60
 * (measured on the compiled classes: from a method's first to its last line with code; constructors
 * and static initializers, which gather field initializers from all over a class, are left out).
 * Generated Avro classes are not ours and not counted.
 */
class CodeSizeTest {
    private static final int MAX_FILE_LINES = 400;
    private static final int MAX_METHOD_LINES = 60;

    private static final Path ROOT = Path.of(System.getProperty("ocellus.root", ".."));

    @Test
    void noSourceFileIsOverFourHundredLines() throws IOException {
        List<String> long_ = new ArrayList<>();
        for (Path file : sources()) {
            long lines = Files.readAllLines(file).size();
            if (lines > MAX_FILE_LINES) {
                long_.add(ROOT.relativize(file) + ": " + lines);
            }
        }
        assertThat(long_).as("files over %d lines", MAX_FILE_LINES).isEmpty();
    }

    @Test
    void noMethodIsOverSixtyLines() throws IOException {
        List<String> long_ = new ArrayList<>();
        int checked = 0;
        for (Path source : sources()) {
            Path module = source.getParent();
            while (!module.getFileName().toString().equals("src")) {
                module = module.getParent();
            }
            Path java = module.resolve("main/java");
            String relative = java.relativize(source).toString().replace(".java", "");
            Path classes = module.getParent().resolve("target/classes");
            Path dir = classes.resolve(relative).getParent();
            String simple = Path.of(relative).getFileName().toString();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file :
                        files.filter(
                                        f -> {
                                            String name = f.getFileName().toString();
                                            return name.equals(simple + ".class")
                                                    || name.startsWith(simple + "$");
                                        })
                                .toList()) {
                    checked++;
                    long_.addAll(longMethods(file));
                }
            }
        }
        assertThat(checked).as("compiled classes found under target/classes").isGreaterThan(150);
        assertThat(long_).as("methods over %d lines", MAX_METHOD_LINES).isEmpty();
    }

    /** The main sources of every module. */
    private static List<Path> sources() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path main :
                    modules.map(m -> m.resolve("src/main/java"))
                            .filter(Files::isDirectory)
                            .toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(f -> f.toString().endsWith(".java"))
                            .filter(f -> !f.getFileName().toString().equals("package-info.java"))
                            .forEach(sources::add);
                }
            }
        }
        assertThat(sources).as("sources under %s", ROOT.toAbsolutePath()).hasSizeGreaterThan(100);
        return sources;
    }

    private static List<String> longMethods(Path classFile) throws IOException {
        List<String> found = new ArrayList<>();
        try (InputStream in = Files.newInputStream(classFile)) {
            new ClassReader(in)
                    .accept(
                            new ClassVisitor(Opcodes.ASM9) {
                                String owner;

                                @Override
                                public void visit(
                                        int version,
                                        int access,
                                        String name,
                                        String signature,
                                        String superName,
                                        String[] interfaces) {
                                    owner = name;
                                }

                                @Override
                                public MethodVisitor visitMethod(
                                        int access,
                                        String name,
                                        String descriptor,
                                        String signature,
                                        String[] exceptions) {
                                    return new MethodVisitor(Opcodes.ASM9) {
                                        int first = Integer.MAX_VALUE;
                                        int last = -1;

                                        @Override
                                        public void visitLineNumber(int line, Label start) {
                                            first = Math.min(first, line);
                                            last = Math.max(last, line);
                                        }

                                        @Override
                                        public void visitEnd() {
                                            // initializers gather field initializers from all
                                            // over the class: their span is not a method's size
                                            boolean initializer = name.startsWith("<");
                                            if (!initializer
                                                    && last >= 0
                                                    && last - first + 1 > MAX_METHOD_LINES) {
                                                found.add(
                                                        String.format(
                                                                "%s.%s: %d lines",
                                                                owner, name, last - first + 1));
                                            }
                                        }
                                    };
                                }
                            },
                            ClassReader.SKIP_FRAMES);
        }
        return found;
    }
}
