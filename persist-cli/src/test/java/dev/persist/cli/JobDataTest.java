package dev.persist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.persist.JobStatus;
import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobDataTest {

    @Test
    void resultsMadeOfJsonValuesRenderAsJson() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("a", List.of(1, 2L, (short) 3));
        map.put(7, Optional.of('c'));
        map.put(JobStatus.DONE, new int[] {4, 5});
        map.put("none", Optional.empty());

        assertEquals("{\n  \"a\": [1, 2, 3],\n  \"7\": \"c\",\n  \"DONE\": [4, 5],\n  \"none\": null\n}\n",
                JobData.json(JobData.result(map)));
        assertEquals("\"text\"\n", JobData.json(JobData.result("text")));
        assertEquals("null\n", JobData.json(JobData.result(null)));
        assertEquals(new BigDecimal("2.5"), JobData.result(2.5));
        assertEquals(List.of("MONDAY"), JobData.result(Set.of(DayOfWeek.MONDAY)));
        assertEquals(List.of(true, false), JobData.result(Arrays.asList(true, false)));
    }

    @Test
    void otherResultsNameWhatHasNoJsonForm() {
        assertEquals("a value of type java.lang.Thread",
                assertThrows(IllegalArgumentException.class, () -> JobData.result(List.of(Thread.currentThread())))
                        .getMessage());
        assertEquals("a value of type java.lang.Double", assertThrows(IllegalArgumentException.class,
                () -> JobData.result(Double.NaN)).getMessage());
        assertEquals("a map key of type java.util.ArrayList", assertThrows(IllegalArgumentException.class,
                () -> JobData.result(Map.of(new java.util.ArrayList<>(List.of(1)), 1))).getMessage());
    }
}
