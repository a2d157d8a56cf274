package dev.persist.cli;

import dev.persist.BackendInfo;
import dev.persist.JobSummary;
import dev.persist.core.Json;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Jobs, backends and results as JSON data. */
final class JobData {

    private JobData() {
    }

    /**
     * @param value maps, lists, strings, numbers, booleans and nulls
     * @return JSON text ending with a newline
     */
    static String json(Object value) {
        return Json.write(value);
    }

    /**
     * @param summary a job's summary
     * @return it as a JSON object: times as ISO-8601 strings, the run time in milliseconds
     */
    static Map<String, Object> summary(JobSummary summary) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", summary.name());
        json.put("backend", summary.backend());
        json.put("status", summary.status().name());
        json.put("reason", summary.reason());
        json.put("exitCode", summary.exitCode());
        json.put("submitted", time(summary.submitted()));
        json.put("started", time(summary.started()));
        json.put("ended", time(summary.ended()));
        json.put("runTimeMillis", summary.runTime() == null ? null : summary.runTime().toMillis());
        return json;
    }

    /**
     * @param backend a backend
     * @return it as a JSON object
     */
    static Map<String, Object> backend(BackendInfo backend) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", backend.name());
        json.put("version", backend.version());
        json.put("location", backend.location());
        return json;
    }

    private static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /**
     * A job's result as JSON data: null, booleans, numbers, strings, characters, enums (by name),
     * optionals, arrays, collections, and maps whose keys are strings, numbers, characters or enums.
     *
     * @param value a result
     * @return the JSON data
     * @throws IllegalArgumentException naming the type of the value (or part) that has no JSON form
     */
    static Object result(Object value) {
        if (value == null || value instanceof Boolean || value instanceof String || value instanceof Integer
                || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal) {
            return value;
        }
        if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            return BigDecimal.valueOf(((Number) value).doubleValue());
        }
        if (value instanceof Character || value instanceof Enum<?>) {
            return value instanceof Enum<?> e ? e.name() : value.toString();
        }
        if (value instanceof Optional<?> optional) {
            return result(optional.orElse(null));
        }
        if (value instanceof Collection<?> || value.getClass().isArray()) {
            List<Object> json = new ArrayList<>();
            if (value instanceof Collection<?> collection) {
                for (Object element : collection) {
                    json.add(result(element));
                }
            } else {
                for (int i = 0; i < Array.getLength(value); i++) {
                    json.add(result(Array.get(value, i)));
                }
            }
            return json;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> json = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object key = result(entry.getKey());
                if (key == null || key instanceof List || key instanceof Map) {
                    throw new IllegalArgumentException("a map key of type "
                            + (entry.getKey() == null ? "null" : entry.getKey().getClass().getName()));
                }
                json.put(key.toString(), result(entry.getValue()));
            }
            return json;
        }
        throw new IllegalArgumentException("a value of type " + value.getClass().getName());
    }
}
