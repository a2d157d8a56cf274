package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persist.core.ClassFileInfo.Reference;
import dev.persist.core.ClassFileInfo.Use;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading what compiled code uses, past every kind of variable-length instruction. */
class ClassFileInfoTest {

    @TempDir
    Path tmp;

    private ClassFileInfo compile(String source) throws IOException {
        CompiledClasses.compile(tmp, Map.of("gen.Walk", source, "gen.Other", "package gen; public class Other {}")).close();
        return ClassFileInfo.parse(Files.readAllBytes(tmp.resolve("gen/Walk.class")));
    }

    @Test
    void referencesAfterSwitchesAndWideInstructionsAreFound() throws IOException {
        // 300 locals force wide loads, stores and iinc; three switches force both padded forms.
        String locals = IntStream.range(0, 300).mapToObj(i -> "int v" + i + " = k + " + i + ";").collect(Collectors.joining(" "));
        ClassFileInfo info = compile("""
                package gen;
                public class Walk {
                    static int counter;
                    static String label;
                    static int run(int k, String s) {
                        %s
                        v299 += 1000;
                        switch (k) { case 1 -> v1++; case 2 -> v2++; case 3 -> v3++; default -> v4++; }
                        switch (k) { case 10 -> v5++; case 1000 -> v6++; case 100000 -> v7++; default -> v8++; }
                        switch (s) { case "a" -> v9++; case "b" -> v10++; default -> v11++; }
                        label = "set";
                        Runnable r = () -> label.length();
                        new Other();
                        return v299 + counter + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + v10 + v11;
                    }
                    static void take(Other[] others) {
                    }
                }
                """.formatted(locals));

        List<Reference> references = info.references("run(ILjava/lang/String;)I");

        assertTrue(references.contains(new Reference(Use.STATIC_READ, "gen/Walk", "counter", "I")), references.toString());
        assertTrue(references.contains(new Reference(Use.CLASS, "gen/Walk", null, null)), "the write of label");
        assertTrue(references.stream().noneMatch(r -> r.use() == Use.STATIC_READ && "label".equals(r.name())),
                "a write is no read");
        assertTrue(references.stream().anyMatch(r -> r.use() == Use.METHOD && r.owner().equals("gen/Walk")
                && r.name().startsWith("lambda$run$")), "the lambda's method, through its bootstrap arguments");
        assertTrue(references.contains(new Reference(Use.CLASS, "gen/Other", null, null)));
        assertEquals("gen/Walk", info.name());
        assertEquals(List.of("java/lang/Object"), info.supertypes());
        assertTrue(info.methods().contains("take([Lgen/Other;)V"), info.methods().toString());
        assertEquals(Set.of("gen/Walk", "gen/Other"), info.mentionedClasses("gen/"));
    }

    @Test
    void aLambdaReadingAStaticFieldReportsTheRead() throws IOException {
        ClassFileInfo info = compile("""
                package gen;
                public class Walk {
                    static int counter;
                    static java.util.function.IntSupplier supplier() { return () -> counter; }
                }
                """);
        String lambda = info.methods().stream().filter(m -> m.startsWith("lambda$")).findFirst().orElseThrow();

        assertEquals(List.of(new Reference(Use.STATIC_READ, "gen/Walk", "counter", "I")), info.references(lambda));
        assertEquals(List.of(), info.references("absent()V"));
    }

    @Test
    void somethingElseIsNoClassFile() {
        IOException e = assertThrows(IOException.class, () -> ClassFileInfo.parse(new byte[] {1, 2, 3, 4, 5}));
        assertEquals("not a class file", e.getMessage());
    }
}
