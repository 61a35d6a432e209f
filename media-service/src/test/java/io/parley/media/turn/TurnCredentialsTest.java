package io.parley.media.turn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.parley.common.turn.TurnCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** REST-API credential minting and verification (service-common's {@link TurnCredentials}) with an injected clock. */
class TurnCredentialsTest {
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private final TurnCredentials creds = new TurnCredentials("s3cret", clock);

    @Test
    void mintsCoturnCompatibleCredentials() throws Exception {
        TurnCredentials.Minted m = creds.mint("alice", Duration.ofHours(1));
        assertEquals("1700003600:alice", m.username());
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("s3cret".getBytes(), "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(m.username().getBytes()));
        assertEquals(expected, m.password());
        assertTrue(creds.verify(m.username(), m.password()));
        assertEquals("alice", creds.check(m.username()).userId());
    }

    @Test
    void refusesExpiredWrongAndMalformed() {
        TurnCredentials.Minted m = creds.mint("bob", Duration.ofMinutes(5));
        TurnCredentials later = new TurnCredentials("s3cret", Clock.offset(clock, Duration.ofMinutes(5)));
        assertEquals(TurnCredentials.Status.EXPIRED, later.check(m.username()).status());
        assertFalse(later.verify(m.username(), m.password()));
        assertFalse(creds.verify(m.username(), "nope"));
        assertFalse(new TurnCredentials("other", clock).verify(m.username(), m.password()));
        assertEquals(TurnCredentials.Status.MALFORMED, creds.check("alice").status());
        assertEquals(TurnCredentials.Status.MALFORMED, creds.check("abc:alice").status());
        assertEquals(TurnCredentials.Status.MALFORMED, creds.check("1700003600:").status());
    }
}
