package io.parley.media.turn.allocation;

import java.nio.channels.DatagramChannel;

/** A relay port held back for a later Allocate carrying its RESERVATION-TOKEN (RFC 8656 EVEN-PORT R bit). */
record Reservation(DatagramChannel channel, long expiresAt) {
}
