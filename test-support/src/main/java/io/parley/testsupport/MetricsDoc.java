package io.parley.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docs/metrics.md read as data: the Parley metrics each service exports, with their Prometheus type. */
public final class MetricsDoc {

    private static final Pattern ROW = Pattern.compile("^\\| `(parley_[a-z_]+)` \\| ([a-z]+) \\|");

    private MetricsDoc() {
    }

    /** The metrics listed under {@code ## <service>}, by Prometheus name, with their type. */
    public static Map<String, String> of(String service) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(System.getProperty("parley.project.dir", ".."), "docs", "metrics.md"));
        } catch (IOException e) {
            throw new AssertionError("cannot read docs/metrics.md", e);
        }
        int start = lines.indexOf("## " + service);
        if (start < 0) {
            throw new AssertionError("docs/metrics.md has no section '## " + service + "'");
        }
        Map<String, String> metrics = new TreeMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                metrics.put(row.group(1), row.group(2));
            }
        }
        return metrics;
    }
}
