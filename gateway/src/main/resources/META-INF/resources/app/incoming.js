/**
 * The incoming-call notification every page of the web app shows (from /ws/notifications, the only source
 * of incoming calls): the caller's avatar, "<name> is calling you", Answer and Decline, at the bottom
 * right. Answer opens the call window; Decline or closing the notification declines the call; it
 * disappears on every page on `incoming_call_closed` (answered anywhere, or ended). The ringtone plays
 * while one rings and the server says it should ring.
 */
import { el, avatarSrc, openCallWindow } from './ui.js';
import * as sounds from './sounds.js';

export function installIncomingCalls(parley, { ownStatus = () => 'AVAILABLE' } = {}) {
  const stack = el('div', { class: 'incoming-stack', 'aria-live': 'assertive' });
  document.body.append(stack);
  const shown = new Map();

  function updateRingtone() {
    const ringing = [...shown.values()].some(entry => entry.ring);
    if (ringing) sounds.play('ringtone');
    else sounds.stop('ringtone');
  }

  function close(callId) {
    const entry = shown.get(callId);
    if (!entry) return;
    shown.delete(callId);
    entry.node.remove();
    updateRingtone();
  }

  async function decline(callId) {
    close(callId);
    try {
      await parley.decline(callId);
    } catch (e) {
      // Already answered elsewhere, cancelled or timed out: nothing left to decline.
      if (!['INVALID_STATE', 'CALL_NOT_FOUND'].includes(e.code)) console.warn('Parley: declining failed', e);
    }
  }

  function answer(callId) {
    // The call window answers on its own signaling connection (docs/protocol.md: `answer` binds the call to it).
    if (!openCallWindow({ answer: callId })) {
      const entry = shown.get(callId);
      entry.message.textContent = 'Your browser blocked the call window: allow pop-ups for this site.';
      entry.message.hidden = false;
      return;
    }
    close(callId);
  }

  parley.on('incoming_call', payload => {
    if (shown.has(payload.callId)) return;
    const caller = payload.caller || {};
    const name = caller.name || 'Someone';
    const kind = payload.video ? 'Video call' : 'Audio call';
    const message = el('div', { class: 'incoming-message', hidden: true });
    const node = el('section', { class: 'incoming', role: 'alertdialog', 'aria-label': `${name} is calling you`, dataset: { testid: 'incoming-call', callId: payload.callId } },
      el('button', { class: 'incoming-close', type: 'button', title: 'Close (declines the call)', 'aria-label': 'Close and decline', dataset: { testid: 'close' }, onclick: () => decline(payload.callId) }, '×'),
      el('img', { class: 'avatar', src: avatarSrc(parley, caller.avatar, name), alt: '', dataset: { testid: 'caller-avatar' } }),
      el('div', { class: 'incoming-body' },
        el('div', { class: 'incoming-text', dataset: { testid: 'incoming-text' } }, `${name} is calling you`),
        el('div', { class: 'incoming-kind' }, kind),
        message,
        el('div', { class: 'incoming-actions' },
          el('button', { type: 'button', class: 'btn btn-answer', dataset: { testid: 'answer' }, onclick: () => answer(payload.callId) }, 'Answer'),
          el('button', { type: 'button', class: 'btn btn-decline', dataset: { testid: 'decline' }, onclick: () => decline(payload.callId) }, 'Decline'))));
    // A payload without `ring` (an older server): ring unless the user chose do-not-disturb.
    const ring = typeof payload.ring === 'boolean' ? payload.ring : ['AVAILABLE', 'AWAY'].includes(ownStatus());
    shown.set(payload.callId, { node, ring, message });
    stack.append(node);
    updateRingtone();
  });

  parley.on('incoming_call_closed', payload => close(payload.callId));
  window.addEventListener('pagehide', () => sounds.stop('ringtone'));
}
