package io.parley.notification.missedcall.service;

import java.util.List;

/**
 * One page of a user's missed calls, newest first.
 *
 * @param page the page index, from 0
 * @param size the page size asked for
 * @param total how many missed calls match, over all pages
 * @param missedCalls this page's missed calls
 */
public record MissedCallPage(int page, int size, long total, List<MissedCall> missedCalls) {
}
