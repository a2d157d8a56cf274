package dev.persist.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The small JSON subset Persist's own files use: objects, arrays, strings, integers, booleans
 * and null. Objects read as {@code LinkedHashMap<String, Object>}, arrays as {@code List<Object>},
 * integers as {@code Long}.
 */
public final class Json {

    private Json() {
    }

    /**
     * @param value a map, list, string, number, boolean or null, nested as deep as needed
     * @return the value as indented JSON text
     */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            quote(s, out);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            String inner = indent + "  ";
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(inner);
                quote(e.getKey().toString(), out);
                out.append(": ");
                write(e.getValue(), out, inner);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                write(list.get(i), out, indent);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("Cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    /**
     * @param s a string
     * @param out where to append it as a JSON string literal
     */
    public static void quote(String s, StringBuilder out) {
        out.append('"');
        int plain = 0; // where the characters not yet appended, which need no escape, begin
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, plain, i);
            plain = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        out.append(s, plain, s.length()).append('"');
    }

    /**
     * @param text JSON text
     * @return the value it holds
     * @throws IllegalArgumentException if the text is not valid JSON of the supported subset
     */
    public static Object parse(String text) {
        return parse(text, Set.of());
    }

    /**
     * Parses JSON text, leaving out the values of some keys of the outermost object: their syntax
     * is checked, but nothing is built of them. For large values that are seldom needed.
     *
     * @param text JSON text
     * @param skippedKeys the keys of the outermost object whose values read as {@link #SKIPPED}
     * @return the value it holds
     * @throws IllegalArgumentException if the text is not valid JSON of the supported subset
     */
    public static Object parse(String text, Set<String> skippedKeys) {
        Parser p = new Parser(text);
        Object value = p.value(true, skippedKeys);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return value;
    }

    /** What {@link #parse(String, Set)} reads a value left out as. */
    public static final Object SKIPPED = new Object() {
        @Override
        public String toString() {
            return "(skipped)";
        }
    };

    /**
     * A recursive descent parser. Each method takes {@code build}: false only checks the syntax
     * and returns null, allocating nothing.
     */
    private static final class Parser {
        private final String s;
        private int pos;
        /** The position of the first backslash at or after {@link #pos}, or the text's length. */
        private int nextBackslash = -1;

        Parser(String s) {
            this.s = s;
        }

        Object value(boolean build, Set<String> skippedKeys) {
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(build, skippedKeys);
                case '[' -> array(build);
                case '"' -> string(build);
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number(build);
                    }
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> object(boolean build, Set<String> skippedKeys) {
            Map<String, Object> map = build ? new LinkedHashMap<>() : null;
            pos++;
            skipSpace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                String key = string(build);
                skipSpace();
                expect(':');
                boolean skipped = build && skippedKeys.contains(key);
                Object value = value(build && !skipped, Set.of());
                if (build) {
                    map.put(key, skipped ? SKIPPED : value);
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect('}');
                    return map;
                }
            }
        }

        private List<Object> array(boolean build) {
            List<Object> list = build ? new ArrayList<>() : null;
            pos++;
            skipSpace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                Object value = value(build, Set.of());
                if (build) {
                    list.add(value);
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else {
                    expect(']');
                    return list;
                }
            }
        }

        private String string(boolean build) {
            pos++;
            int end = s.indexOf('"', pos);
            if (nextBackslash < pos) {
                nextBackslash = s.indexOf('\\', pos);
                nextBackslash = nextBackslash < 0 ? s.length() : nextBackslash;
            }
            if (end >= 0 && end < nextBackslash) {
                String plain = build ? s.substring(pos, end) : null;
                pos = end + 1;
                return plain;
            }
            return escaped(build);
        }

        /** A string with escapes: the slow way, character by character. */
        private String escaped(boolean build) {
            StringBuilder out = build ? new StringBuilder() : null;
            while (true) {
                int run = pos;
                while (pos < s.length() && s.charAt(pos) != '"' && s.charAt(pos) != '\\') {
                    pos++;
                }
                if (build) {
                    out.append(s, run, pos);
                }
                if (pos >= s.length()) {
                    throw error("unterminated string");
                }
                if (s.charAt(pos++) == '"') {
                    return build ? out.toString() : null;
                }
                if (pos >= s.length()) {
                    throw error("unterminated escape");
                }
                char e = s.charAt(pos++);
                char decoded = switch (e) {
                    case '"', '\\', '/' -> e;
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("truncated \\u escape");
                        }
                        try {
                            char c = (char) Integer.parseInt(s.substring(pos, pos + 4), 16);
                            pos += 4;
                            yield c;
                        } catch (NumberFormatException ex) {
                            throw error("invalid \\u escape");
                        }
                    }
                    default -> throw error("invalid escape '\\" + e + "'");
                };
                if (build) {
                    out.append(decoded);
                }
            }
        }

        private Long number(boolean build) {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            int digits = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == digits) {
                throw error("invalid integer");
            }
            if (!build) {
                return null;
            }
            try {
                return Long.parseLong(s, start, pos, 10);
            } catch (NumberFormatException e) {
                throw error("invalid integer");
            }
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected text");
            }
            pos += word.length();
            return value;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        /** Skips JSON's whitespace: space, tab, line feed and carriage return. */
        void skipSpace() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("Invalid JSON at character " + pos + ": " + what);
        }
    }
}
