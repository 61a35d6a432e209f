/**
 * The directory page (/): who is signed in and their status, the people with live presence and Call
 * buttons, missed calls, and the incoming-call notification.
 */
import { Parley } from '/sdk/parley.js';
import { installIncomingCalls } from './incoming.js';
import { el, avatarSrc, openCallWindow, remembered, remember, missedReason, formatTime } from './ui.js';
import './sounds.js';

const PROVIDER_KEY = 'parley.call.provider';
const parley = new Parley();
const $ = id => document.getElementById(id);

let me = null;
let ownStatus = 'AVAILABLE';
let providers = [];
const rows = new Map();
const missed = new Map();

parley.on('auth_required', reloadToSignIn);
installIncomingCalls(parley, { ownStatus: () => ownStatus });
start().catch(e => {
  console.error('Parley: the page could not start', e);
  $('connection').textContent = `Could not load: ${e.message}`;
});

async function start() {
  me = await parley.fetchJson('/api/gateway/me');
  $('name').textContent = me.name;
  $('username').textContent = me.username;
  $('avatar').src = avatarSrc(parley, me.avatar, me.name);
  // Only administrators are offered the admin page; the admin service checks the group again on every request.
  $('admin-link').hidden = !me.groups.includes('/platform/administrators');
  parley.userId = me.userId;

  wireStatus();
  wireConnectionState();
  wireMissedCalls();
  $('diagnostics').addEventListener('toggle', checkServices, { once: true });

  const config = await parley.clientConfig().catch(e => {
    console.warn('Parley: no client configuration', e);
    return { providers: [{ id: 'webrtc', name: 'WebRTC' }] };
  });
  providers = config.providers || [];
  $('calls-disabled').hidden = providers.length > 0;

  parley.connect({ presence: true, notifications: true }).catch(e => console.warn('Parley: sockets not open yet', e));
  await loadDirectory('');
  let typing = null;
  $('search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => loadDirectory($('search').value.trim()).catch(e => console.warn('Parley: search failed', e)), 250);
  });
}

// ---- own status

function wireStatus() {
  const select = $('my-status');
  parley.on('welcome', payload => {
    if (payload.socket !== 'presence') return;
    showOwnStatus(payload.status);
    select.disabled = false;
  });
  parley.on('status', ({ userId, status }) => {
    if (userId === me.userId) showOwnStatus(status);
    showPresence(userId, status);
  });
  select.addEventListener('change', async () => {
    const chosen = select.value;
    try {
      showOwnStatus(await parley.setStatus(chosen));
      showPresence(me.userId, ownStatus);
    } catch (e) {
      console.warn('Parley: status not changed', e);
      showOwnStatus(ownStatus);
    }
  });
}

function showOwnStatus(status) {
  if (!status) return;
  ownStatus = status;
  const select = $('my-status');
  if ([...select.options].some(o => o.value === status)) select.value = status;
}

function wireConnectionState() {
  const states = {};
  // A server of another protocol version: the SDK closed that socket for good; say so until the page reloads.
  let refused = null;
  const show = () => {
    const down = Object.entries(states).filter(([, s]) => s === 'reconnecting').map(([name]) => name);
    $('connection').textContent = refused || (down.length ? 'Connection lost, reconnecting…' : '');
    document.body.classList.toggle('offline', !!refused || down.length > 0);
  };
  parley.on('connection', ({ socket, state }) => {
    states[socket] = state;
    show();
  });
  parley.on('error', ({ code, message }) => {
    if (code !== 'PROTOCOL_VERSION') return;
    refused = message;
    show();
  });
}

// ---- directory

async function loadDirectory(search) {
  const users = await parley.directory({ search, limit: 100 });
  const list = $('directory');
  list.replaceChildren();
  rows.clear();
  users.sort((a, b) => (a.id === me.userId) - (b.id === me.userId) || a.displayName.localeCompare(b.displayName));
  for (const user of users) {
    const row = personRow(user);
    rows.set(user.id, row);
    list.append(row.node);
    showPresence(user.id, user.status);
  }
  $('directory-empty').hidden = users.length > 0;
  const ids = users.map(u => u.id);
  if (!ids.includes(me.userId)) ids.push(me.userId);
  const statuses = await parley.watch(ids);
  for (const [userId, status] of Object.entries(statuses)) {
    showPresence(userId, status);
    if (userId === me.userId) showOwnStatus(status);
  }
}

function personRow(user) {
  const self = user.id === me.userId;
  const presence = el('span', { class: 'presence', dataset: { testid: 'presence' } });
  const actions = el('div', { class: 'call-actions' });
  let providerSelect = null;
  if (providers.length > 1) {
    const last = remembered(PROVIDER_KEY, providers[0].id);
    providerSelect = el('select', { class: 'provider', 'aria-label': `Call ${user.displayName} with`, dataset: { testid: 'call-provider' } },
      providers.map(p => el('option', { value: p.id, selected: p.id === last }, p.name || p.id)));
    providerSelect.addEventListener('change', () => {
      remember(PROVIDER_KEY, providerSelect.value);
      document.querySelectorAll('[data-testid="call-provider"]').forEach(s => { s.value = providerSelect.value; });
    });
    actions.append(providerSelect);
  }
  const disabled = self || providers.length === 0;
  const call = video => () => {
    const provider = providerSelect ? providerSelect.value : providers[0]?.id || 'webrtc';
    if (!openCallWindow({ to: user.id, audio: 1, video: video ? 1 : 0, provider })) {
      $('connection').textContent = 'Your browser blocked the call window: allow pop-ups for this site.';
    }
  };
  actions.append(
    el('button', { type: 'button', class: 'btn btn-call', disabled, title: self ? 'This is you' : `Audio call with ${user.displayName}`, dataset: { testid: 'call-audio' }, onclick: call(false) }, 'Audio call'),
    el('button', { type: 'button', class: 'btn btn-call', disabled, title: self ? 'This is you' : `Video call with ${user.displayName}`, dataset: { testid: 'call-video' }, onclick: call(true) }, 'Video call'));
  const node = el('li', { class: 'person', dataset: { testid: `user-${user.username}`, userId: user.id } },
    el('img', { class: 'avatar', src: avatarSrc(parley, user.avatar, user.displayName), alt: '' }),
    el('div', { class: 'person-main' },
      el('div', { class: 'person-name' }, user.displayName, self ? el('span', { class: 'you' }, ' (you)') : null),
      el('div', { class: 'person-username' }, user.username)),
    presence, actions);
  return { node, presence };
}

function showPresence(userId, status) {
  const row = rows.get(userId);
  if (!row || !status) return;
  const word = status.toLowerCase();
  row.presence.textContent = word;
  row.presence.className = `presence presence-${word}`;
  row.node.dataset.status = status;
}

// ---- missed calls

function wireMissedCalls() {
  // Every (re)connection of the notification socket: the list may have changed while it was closed.
  parley.on('welcome', payload => {
    if (payload.socket === 'notifications') loadMissedCalls().catch(e => console.warn('Parley: missed calls not loaded', e));
  });
  parley.on('missed_call', call => {
    missed.set(call.id, call);
    renderMissedCalls();
  });
  $('read-all').addEventListener('click', async () => {
    await parley.markAllMissedCallsRead();
    for (const call of missed.values()) call.read = true;
    renderMissedCalls();
  });
}

async function loadMissedCalls() {
  const page = await parley.missedCalls({ size: 20 });
  for (const call of page.missedCalls) missed.set(call.id, call);
  renderMissedCalls();
}

function renderMissedCalls() {
  // The newest page from the server plus every one pushed since the page opened, newest first.
  const calls = [...missed.values()].sort((a, b) => String(b.at).localeCompare(String(a.at)));
  const list = $('missed-calls');
  list.replaceChildren(...calls.map(call => {
    const name = call.caller?.name || 'Someone';
    const item = el('li', { class: call.read ? 'missed-call' : 'missed-call unread', dataset: { testid: 'missed-call', id: call.id } },
      el('img', { class: 'avatar avatar-sm', src: avatarSrc(parley, call.caller?.avatar, name), alt: '' }),
      el('div', { class: 'missed-main' },
        el('div', { class: 'missed-name' }, name),
        el('div', { class: 'meta' }, `${call.video ? 'Video' : 'Audio'} call · ${missedReason(call.reason)} · ${formatTime(call.at)}`)),
      el('button', {
        type: 'button', class: 'btn btn-small', disabled: providers.length === 0, title: `Call ${name} back`,
        onclick: event => {
          event.stopPropagation();
          markRead(call);
          openCallWindow({ to: call.caller.id, audio: 1, video: call.video ? 1 : 0, provider: providers[0]?.id || 'webrtc' });
        },
      }, 'Call back'));
    if (!call.read) item.addEventListener('click', () => markRead(call));
    return item;
  }));
  const unread = calls.filter(c => !c.read).length;
  $('missed-empty').hidden = calls.length > 0;
  $('unread').hidden = unread === 0;
  $('unread').textContent = String(unread);
  $('read-all').hidden = unread === 0;
}

async function markRead(call) {
  if (call.read) return;
  try {
    Object.assign(call, await parley.markMissedCallRead(call.id));
  } catch (e) {
    // pushed a moment before it was stored (see docs/protocol.md): mark it here, the server catches up
    call.read = true;
  }
  renderMissedCalls();
}

// ---- diagnostics and session

async function checkServices() {
  const rowsOut = $('services');
  for (const service of ['signaling', 'presence', 'notification', 'admin', 'media']) {
    const cell = el('td');
    rowsOut.append(el('tr', {}, el('td', {}, service), cell));
    try {
      const body = await parley.fetchJson(`/api/${service}/me`);
      cell.textContent = `knows you as ${body.username}`;
      cell.className = 'ok';
    } catch (e) {
      cell.textContent = e.status ? `HTTP ${e.status}` : 'unreachable';
      cell.className = 'bad';
    }
  }
}

function reloadToSignIn() {
  // The gateway sends a page without a session to the sign-in page; reload at most once a minute.
  const last = Number(sessionStorage.getItem('parley.reloadedAt') || 0);
  if (Date.now() - last > 60000) {
    sessionStorage.setItem('parley.reloadedAt', String(Date.now()));
    location.reload();
  }
}
