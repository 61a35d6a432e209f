package io.parley.testsupport;

import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** Reads a service's Prometheus endpoint ({@code /q/metrics}) as a scraper sees it: the one copy for every test. */
public final class PrometheusMetrics {

    /** How long one scrape may take. */
    public static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(SCRAPE_TIMEOUT).build();

    private PrometheusMetrics() {
    }

    /**
     * The sum of the samples named {@code name} (e.g. {@code parley_turn_relayed_packets_total}) whose labels
     * contain {@code labels} (e.g. {@code direction="client_to_peer"}, or "" for all), from the service under
     * test ({@code @QuarkusTest}); 0 when none is exported.
     */
    public static double value(String name, String labels) {
        return sum(RestAssured.get("/q/metrics").then().statusCode(200).extract().asString(), name, labels);
    }

    /** {@link #value(String, String)} over every series of {@code name}. */
    public static double value(String name) {
        return value(name, "");
    }

    /**
     * The text a running service at {@code baseUrl} (e.g. {@code http://localhost:8085}) exports, over HTTP/1.1 as
     * Prometheus scrapes (no h2c upgrade), within {@link #SCRAPE_TIMEOUT} so that a slow scrape fails with its cause
     * instead of silently outliving the caller's await.
     */
    public static String scrape(String baseUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
                .timeout(SCRAPE_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError(baseUrl + "/q/metrics: HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** Whether {@code text} has at least one sample named {@code name}. */
    public static boolean exports(String text, String name) {
        return text.lines().anyMatch(line -> !line.startsWith("#") && sampleName(line).equals(name));
    }

    /** The sum of the samples in {@code text} named {@code name} whose labels contain {@code labels}. */
    public static double sum(String text, String name, String labels) {
        double sum = 0;
        for (String line : text.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.startsWith("#") || space < 0) {
                continue;
            }
            int brace = line.indexOf('{');
            boolean labelled = brace >= 0 && brace < space;
            String sampleName = line.substring(0, labelled ? brace : space);
            String sampleLabels = labelled ? line.substring(brace, space) : "";
            if (sampleName.equals(name) && sampleLabels.contains(labels)) {
                sum += Double.parseDouble(line.substring(space + 1));
            }
        }
        return sum;
    }

    /**
     * The metric families in {@code text} whose names start with {@code prefix}, by the name their samples carry
     * (counters with {@code _total}), with their type.
     */
    public static Map<String, String> families(String text, String prefix) {
        Map<String, String> families = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (!line.startsWith("# TYPE ")) {
                continue;
            }
            String[] parts = line.split(" ");
            String name = parts[2];
            String type = parts[3];
            if (type.equals("counter") && !name.endsWith("_total")) {
                name = name + "_total";
            }
            if (name.startsWith(prefix)) {
                families.put(name, type);
            }
        }
        return families;
    }

    private static String sampleName(String line) {
        int end = line.indexOf('{');
        if (end < 0) {
            end = line.indexOf(' ');
        }
        return end < 0 ? line : line.substring(0, end);
    }
}
