package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void nestedValuesRoundTrip() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "a \"quoted\" \\ name\nwith\tcontrol \u0001 chars and ünïcode");
        value.put("count", 42L);
        value.put("negative", -7L);
        value.put("flag", true);
        value.put("nothing", null);
        value.put("list", List.of("x", 1L, List.of()));
        value.put("map", Map.of("k", "v"));
        value.put("empty", Map.of());
        assertEquals(value, Json.parse(Json.write(value)));
    }

    @Test
    void stringsAreEscapedWhereJsonRequiresItOnly() {
        StringBuilder out = new StringBuilder();
        Json.quote("\"a\\b\n\u0001é/\t", out);
        assertEquals("\"\\\"a\\\\b\\n\\u0001é/\\t\"", out.toString());
        out.setLength(0);
        Json.quote("", out);
        assertEquals("\"\"", out.toString());
    }

    @Test
    void invalidTextIsRejectedWithThePosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": tru}"));
        assertTrue(e.getMessage().contains("character 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": 1} trailing"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"unterminated"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\"\\u12\""));
    }

    @Test
    void unicodeEscapesAreDecoded() {
        assertEquals("é/", Json.parse("\"\\u00e9\\/\""));
    }

    @Test
    void skippedValuesAreCheckedButNotBuilt() {
        String text = "{\"big\": {\"list\": [1, -2, \"a\\\"b\", {\"big\": true}, null]}, \"small\": {\"big\": \"kept\"},"
                + " \"after\": \"x\\ty\"}";

        Object parsed = Json.parse(text, Set.of("big"));

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("big", Json.SKIPPED);
        expected.put("small", Map.of("big", "kept"));
        expected.put("after", "x\ty");
        assertEquals(expected, parsed, "only the outermost object's keys are skipped");
    }

    @Test
    void invalidTextInASkippedValueIsRejectedWithThePosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.parse("{\"big\": [1, }", Set.of("big")));
        assertEquals("Invalid JSON at character 12: unexpected character '}'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"big\": \"\\x\"}", Set.of("big")));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"big\": \"open}", Set.of("big")));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"big\": -}", Set.of("big")));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"big\": [1] 2}", Set.of("big")));
    }

    @Test
    void stringsWithAndWithoutEscapesMixed() {
        List<Object> expected = List.of("plain", "a\\b", "plain again", "\"q\"", "", "end");
        assertEquals(expected, Json.parse(Json.write(expected)));
        assertEquals(List.of("", "x"), Json.parse("[\"\", \"x\"]"));
    }

    @Test
    void onlyJsonWhitespaceSeparatesTokens() {
        assertEquals(Map.of("a", 1L), Json.parse(" \t\r\n{ \"a\" :\n 1 }\n"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("\u000b{}"));
    }
}
