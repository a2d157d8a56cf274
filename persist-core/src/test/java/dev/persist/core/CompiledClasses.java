package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Compiles Java sources at test time, for classes that the test's own class loader cannot see. */
final class CompiledClasses {
    private CompiledClasses() {
    }

    /**
     * @param dir an empty directory that receives the sources and classes
     * @param sources source text by binary class name, e.g. {@code gen.Payload}
     * @return a new loader over the compiled classes, whose parent is the test's loader
     */
    static URLClassLoader compile(Path dir, Map<String, String> sources) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(
                "-classpath", System.getProperty("java.class.path"), "-d", dir.toString(), "-proc:none"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = dir.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int exitCode = compiler.run(null, null, null, arguments.toArray(String[]::new));
        assertTrue(exitCode == 0, "test sources compile");
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, CompiledClasses.class.getClassLoader());
    }
}
