package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathTest {

    @TempDir
    Path extra;

    @Test
    void theSourcesAreThisJvmsClassPathWithTheRunnersJarsAndFollowChangesToIt() throws URISyntaxException {
        String classpath = System.getProperty("java.class.path");
        List<Path> before = Classpath.sources(ClasspathTest.class);
        assertEquals(Path.of(classpath.split(File.pathSeparator)[0]).toAbsolutePath().normalize(), before.get(0));
        for (Class<?> runnerNeeds : List.of(Runner.class, Kryo.class)) {
            assertTrue(before.contains(Path.of(runnerNeeds.getProtectionDomain().getCodeSource().getLocation().toURI())),
                    runnerNeeds + " in " + before);
        }
        assertFalse(before.contains(extra));
        try {
            System.setProperty("java.class.path", classpath + File.pathSeparator + extra.resolve("sub/..") + File.pathSeparator);
            List<Path> changed = Classpath.sources(ClasspathTest.class);
            assertTrue(changed.contains(extra), changed.toString());
            assertEquals(before.size() + 1, changed.size(), "the same entries and the new one: " + changed);
        } finally {
            System.setProperty("java.class.path", classpath);
        }
        assertEquals(before, Classpath.sources(ClasspathTest.class));
    }
}
