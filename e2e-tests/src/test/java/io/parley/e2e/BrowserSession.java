package io.parley.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a browser does for sign-in, over plain HTTP: follows redirects itself and keeps cookies per host.
 * The JDK's CookieManager would drop Keycloak's cookies, which are marked Secure even on http://localhost
 * where browsers accept them, so cookies are kept here by hand.
 */
final class BrowserSession {

    private static final Pattern LOGIN_FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Map<String, String>> cookiesByHost = new LinkedHashMap<>();

    /** Opens {@code url} and, when sent to the Keycloak login page, signs in; returns the final response. */
    HttpResponse<String> signIn(String url, String username, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = follow(get(url));
        Matcher form = LOGIN_FORM.matcher(response.body());
        if (!form.find()) {
            throw new AssertionError("expected the Keycloak login form at " + response.uri() + ", got " + response.statusCode());
        }
        String action = form.group(1).replace("&amp;", "&");
        String body = "username=" + enc(username) + "&password=" + enc(password) + "&credentialId=";
        HttpRequest post = request(action).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return follow(send(post));
    }

    /** The Cookie header this browser would send to {@code url}'s host. */
    String cookieHeader(String url) {
        return cookiesByHost.getOrDefault(URI.create(url).getAuthority(), Map.of()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
    }

    HttpResponse<String> post(String url) throws IOException, InterruptedException {
        return send(request(url).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send(request(url).GET().build());
    }

    private HttpResponse<String> follow(HttpResponse<String> response) throws IOException, InterruptedException {
        for (int hops = 0; hops < 10 && response.statusCode() / 100 == 3; hops++) {
            String location = response.headers().firstValue("Location").orElseThrow();
            response = get(response.uri().resolve(location).toString());
        }
        return response;
    }

    private HttpRequest.Builder request(String url) {
        URI uri = URI.create(url);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        Map<String, String> cookies = cookiesByHost.getOrDefault(uri.getAuthority(), Map.of());
        if (!cookies.isEmpty()) {
            builder.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        Map<String, String> jar = cookiesByHost.computeIfAbsent(request.uri().getAuthority(), h -> new LinkedHashMap<>());
        for (String header : response.headers().allValues("Set-Cookie")) {
            String pair = header.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            if (value.isEmpty() || header.toLowerCase().contains("max-age=0")) {
                jar.remove(name);
            } else {
                jar.put(name, value);
            }
        }
        return response;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
