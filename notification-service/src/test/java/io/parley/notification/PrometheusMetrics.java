package io.parley.notification;

import io.restassured.RestAssured;

/** Reads one series from the service's Prometheus endpoint, as a scraper sees it. */
public final class PrometheusMetrics {

    private PrometheusMetrics() {
    }

    /**
     * The value of the series whose line starts with {@code series} (name plus, if any, labels as exported,
     * e.g. {@code parley_notification_pushed_total{type="incoming_call"}}), or 0 when it is not exported yet.
     */
    public static double value(String series) {
        String metrics = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(line -> line.startsWith(series + " ") || line.startsWith(series + "{")
                        || (series.endsWith("}") && line.startsWith(series.substring(0, series.length() - 1))))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }
}
