package dev.persist.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
}
