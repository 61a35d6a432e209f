package io.parley.kafka.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The topics table of docs/events.md says what TopicSpecs creates: partitions, cleanup and retention. */
class TopicSpecsDocTest {

    @Test
    void theTopicsTableOfTheEventsDocMatchesTheSpecs() throws Exception {
        Path doc = Path.of(System.getProperty("parley.project.dir", "..")).resolve("docs/events.md");
        Map<String, List<String>> rows = new HashMap<>();
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("| `parley.")) {
                List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|"))
                        .map(String::trim).toList();
                rows.put(cells.get(0).replace("`", ""), cells);
            }
        }
        assertEquals(TopicSpecs.ALL.size(), rows.size(), "one row per topic in " + doc + ": " + rows.keySet());
        for (TopicSpec spec : TopicSpecs.ALL) {
            List<String> row = rows.get(spec.name());
            assertNotNull(row, spec.name() + " is not in the topics table");
            assertEquals(Integer.toString(spec.partitions()), row.get(1), spec.name() + " partitions");
            assertEquals(spec.cleanupPolicy(), row.get(2), spec.name() + " cleanup");
            assertEquals(spec.compacted() ? "none (latest record per key kept)" : readable(spec.retention()), row.get(3),
                    spec.name() + " retention");
        }
    }

    private static String readable(Duration retention) {
        if (retention.toDays() > 0 && retention.equals(Duration.ofDays(retention.toDays()))) {
            return retention.toDays() + (retention.toDays() == 1 ? " day" : " days");
        }
        return retention.toHours() + (retention.toHours() == 1 ? " hour" : " hours");
    }
}
