package io.parley.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.UUID;

/**
 * A real OIDC token issuer for service tests: serves discovery and JWKS over HTTP on loopback and signs
 * RS256 access tokens shaped like the ones Keycloak issues for the {@code parley} realm (audience
 * {@code parley}, {@code groups} with full paths, {@code preferred_username}, {@code name}, {@code avatar}).
 * Services verify these tokens exactly as they verify Keycloak's: discovery, key fetch, signature,
 * expiry, issuer and audience. It also mints the bad tokens a service must refuse.
 */
public final class TestOidcIssuer implements AutoCloseable {

    public static final String AUDIENCE = "parley";
    public static final String ADMIN_GROUP = "/platform/administrators";
    private static final String KEY_ID = "parley-test-key";

    private final HttpServer server;
    private final KeyPair keys;
    private final KeyPair strangerKeys;
    private final String issuer;

    private TestOidcIssuer(HttpServer server, int port, KeyPair keys, KeyPair strangerKeys) {
        this.server = server;
        this.keys = keys;
        this.strangerKeys = strangerKeys;
        this.issuer = "http://127.0.0.1:" + port + "/realms/parley";
    }

    /**
     * Signs with the keys of an issuer that already serves on {@code port} (started elsewhere in this JVM,
     * e.g. by another class loader); serves nothing itself.
     */
    static TestOidcIssuer attach(int port, KeyPair keys, KeyPair strangerKeys) {
        return new TestOidcIssuer(null, port, keys, strangerKeys);
    }

    int port() {
        return Integer.parseInt(issuer.substring(issuer.lastIndexOf(':') + 1, issuer.indexOf('/', issuer.lastIndexOf(':'))));
    }

    KeyPair keys() {
        return keys;
    }

    KeyPair strangerKeys() {
        return strangerKeys;
    }

    public static TestOidcIssuer start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            TestOidcIssuer issuer = new TestOidcIssuer(server, server.getAddress().getPort(), generator.generateKeyPair(),
                    generator.generateKeyPair());
            server.createContext("/realms/parley/.well-known/openid-configuration", issuer::discovery);
            server.createContext("/realms/parley/protocol/openid-connect/certs", issuer::jwks);
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The issuer URL, usable as {@code quarkus.oidc.auth-server-url}. */
    public String issuer() {
        return issuer;
    }

    /** A valid access token for {@code username}, member of {@code groups}, valid for five minutes. */
    public String accessToken(String username, String... groups) {
        return claims(username, groups).expiresAt(Instant.now().plusSeconds(300)).jws().keyId(KEY_ID)
                .sign(keys.getPrivate());
    }

    /** A valid token that expires after {@code seconds}. */
    public String shortLivedToken(String username, long seconds) {
        return claims(username).expiresAt(Instant.now().plusSeconds(seconds)).jws().keyId(KEY_ID).sign(keys.getPrivate());
    }

    /** A valid token for the demo administrator. */
    public String adminToken() {
        return accessToken("admin", ADMIN_GROUP);
    }

    /** A token that expired a minute ago (well past any clock-skew allowance). */
    public String expiredToken(String username) {
        return claims(username).issuedAt(Instant.now().minusSeconds(600)).expiresAt(Instant.now().minusSeconds(120))
                .jws().keyId(KEY_ID).sign(keys.getPrivate());
    }

    /** A correctly signed token meant for another audience. */
    public String wrongAudienceToken(String username) {
        return claims(username).audience("some-other-app").expiresAt(Instant.now().plusSeconds(300)).jws()
                .keyId(KEY_ID).sign(keys.getPrivate());
    }

    /** A token with {@code alg: none}: claims a user but carries no signature. */
    public String unsignedToken(String username) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = accessToken(username).split("\\.")[1];
        return header + "." + payload + ".";
    }

    /** A token signed by a key this issuer does not publish, with the published key's id. */
    public String foreignKeyToken(String username) {
        return claims(username).expiresAt(Instant.now().plusSeconds(300)).jws().keyId(KEY_ID)
                .sign(strangerKeys.getPrivate());
    }

    /** The subject Keycloak-like ids this issuer gives each username (stable across runs). */
    public static String subjectOf(String username) {
        return UUID.nameUUIDFromBytes(username.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private JwtClaimsBuilder claims(String username, String... groups) {
        String display = Character.toUpperCase(username.charAt(0)) + username.substring(1);
        return Jwt.claims()
                .issuer(issuer)
                .subject(subjectOf(username))
                .audience(AUDIENCE)
                .issuedAt(Instant.now())
                .claim("typ", "Bearer")
                .claim("azp", "parley-cli")
                .claim("preferred_username", username)
                .claim("name", display)
                .claim("avatar", "/avatars/" + username + ".svg")
                .groups(new HashSet<>(Arrays.asList(groups)));
    }

    private void discovery(HttpExchange exchange) throws IOException {
        String base = issuer + "/protocol/openid-connect";
        respond(exchange, "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + base + "/certs\","
                + "\"authorization_endpoint\":\"" + base + "/auth\",\"token_endpoint\":\"" + base + "/token\","
                + "\"end_session_endpoint\":\"" + base + "/logout\","
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
    }

    private void jwks(HttpExchange exchange) throws IOException {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        respond(exchange, "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KEY_ID
                + "\",\"n\":\"" + unsigned(key.getModulus()) + "\",\"e\":\"" + unsigned(key.getPublicExponent())
                + "\"}]}");
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void respond(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
