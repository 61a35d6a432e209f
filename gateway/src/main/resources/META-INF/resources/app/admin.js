/**
 * The administration page (/admin/): call providers with an Active toggle each, the WebRTC settings form
 * with inline errors per field, and the recent changes. Everything goes through the SDK's `parley.admin`;
 * the admin service checks the administrators group on every request.
 */
import { Parley } from '/sdk/parley.js';
import { el } from './ui.js';

const parley = new Parley();
const $ = id => document.getElementById(id);
const banner = $('banner');
const form = $('webrtc');
const servers = $('servers');
let settingsVersion = 0;

function show(message, ok = false) {
  banner.hidden = !message;
  banner.className = ok ? 'ok' : 'bad';
  banner.replaceChildren(...(Array.isArray(message) ? message : [message ?? '']));
}

function reloadLink() {
  return el('a', { href: '#', onclick: event => { event.preventDefault(); load(); } }, 'Reload');
}

function conflict(what) {
  show([`${what} changed by someone else since you loaded this page; reload to see the current version, then apply your change again. `, reloadLink()]);
}

// ---- providers: one row each, with an Active toggle that saves at once

function renderProviders(list) {
  const rows = $('providers');
  rows.replaceChildren(...list.map(providerRow));
}

function providerRow(provider) {
  const status = el('td');
  const toggle = el('input', { type: 'checkbox', checked: provider.enabled, 'aria-label': `Active: ${provider.name}` });
  toggle.addEventListener('change', async () => {
    toggle.disabled = true;
    try {
      Object.assign(provider, await parley.admin.setProviderEnabled(provider.id, toggle.checked, provider.version));
      status.textContent = provider.enabled ? 'active' : 'inactive';
      status.className = 'ok';
      loadAudit();
    } catch (e) {
      toggle.checked = provider.enabled;
      status.textContent = e.message;
      status.className = 'bad';
      if (e.status === 409) conflict(`Provider ${provider.name} was`);
    } finally {
      toggle.disabled = false;
    }
  });
  return el('tr', {},
    el('td', {}, el('strong', {}, provider.name), el('div', { class: 'muted' }, `${provider.description} (id: ${provider.id})`)),
    el('td', {}, toggle),
    status);
}

// ---- the WebRTC settings form

function addServer(server = { urls: [], username: null, credential: null, enabled: true }) {
  const element = $('server-template').content.firstElementChild.cloneNode(true);
  element.dataset.id = server.id ?? '';
  element.querySelector('[data-key=urls]').value = server.urls.join('\n');
  element.querySelector('[data-key=username]').value = server.username ?? '';
  element.querySelector('[data-key=credential]').value = server.credential ?? '';
  element.querySelector('[data-key=enabled]').checked = server.enabled;
  element.querySelector('[data-remove]').addEventListener('click', () => element.remove());
  servers.append(element);
}

const lines = text => text.split('\n').map(line => line.trim()).filter(line => line);

function renderSettings(settings) {
  settingsVersion = settings.version;
  servers.replaceChildren();
  settings.iceServers.forEach(server => addServer(server));
  form.iceTransportPolicy.value = settings.iceTransportPolicy;
  form.bundlePolicy.value = settings.bundlePolicy;
  form.iceCandidatePoolSize.value = settings.iceCandidatePoolSize;
  form.useParleyTurn.checked = settings.useParleyTurn;
  form.parleyTurnUrls.value = settings.parleyTurnUrls.join('\n');
  clearErrors();
}

function collect() {
  const pool = form.iceCandidatePoolSize.value.trim();
  return {
    version: settingsVersion,
    iceServers: [...servers.children].map(element => ({
      id: element.dataset.id || undefined,
      urls: lines(element.querySelector('[data-key=urls]').value),
      username: element.querySelector('[data-key=username]').value || null,
      credential: element.querySelector('[data-key=credential]').value || null,
      enabled: element.querySelector('[data-key=enabled]').checked,
    })),
    iceTransportPolicy: form.iceTransportPolicy.value,
    bundlePolicy: form.bundlePolicy.value,
    iceCandidatePoolSize: /^\d+$/.test(pool) ? Number(pool) : pool,
    useParleyTurn: form.useParleyTurn.checked,
    parleyTurnUrls: lines(form.parleyTurnUrls.value),
  };
}

function clearErrors() {
  form.querySelectorAll('.field-error').forEach(e => { e.textContent = ''; });
  form.querySelectorAll('.invalid').forEach(e => e.classList.remove('invalid'));
}

// The service names each field as in the JSON ("iceServers[2].urls[0]: must be ..."); show each next to its input.
function showErrors(message) {
  const unplaced = [];
  for (const problem of message.split('; ')) {
    const colon = problem.indexOf(': ');
    const field = colon > 0 ? problem.slice(0, colon) : '';
    const text = colon > 0 ? problem.slice(colon + 2) : problem;
    const server = /^iceServers\[(\d+)\]\.(\w+)(\[(\d+)\])?$/.exec(field);
    let slot = null;
    if (server && servers.children[Number(server[1])]) {
      const element = servers.children[Number(server[1])];
      slot = element.querySelector(`[data-error-key=${server[2]}]`);
      element.querySelector(`[data-key=${server[2]}]`)?.classList.add('invalid');
      if (slot && server[4] !== undefined) {
        const url = lines(element.querySelector('[data-key=urls]').value)[Number(server[4])];
        slot.textContent += `${url ?? 'URL ' + (Number(server[4]) + 1)}: ${text} `;
        continue;
      }
    } else {
      const base = field.replace(/\[\d+\]$/, '');
      slot = form.querySelector(`[data-error-for="${base}"]`);
      form.querySelector(`[data-field="${base}"]`)?.classList.add('invalid');
    }
    if (slot) slot.textContent += text + ' ';
    else unplaced.push(problem);
  }
  show(unplaced.length ? 'Not saved: ' + unplaced.join('; ') : 'Not saved: correct the marked fields.');
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  clearErrors();
  show('');
  const status = $('save-status');
  status.textContent = 'Saving…';
  try {
    const saved = await parley.admin.saveWebrtcSettings(collect());
    renderSettings(saved);
    show('Saved. Clients get the new settings the next time they fetch their configuration.', true);
    loadAudit();
  } catch (e) {
    if (e.status === 400) showErrors(e.message || 'invalid settings');
    else if (e.status === 409) conflict('The WebRTC settings were');
    else show(`Not saved: ${e.message}`);
  } finally {
    status.textContent = '';
  }
});
$('add-server').addEventListener('click', () => addServer());

// ---- recent changes

async function loadAudit() {
  const page = await parley.admin.audit({ page: 0, size: 10 }).catch(() => ({ entries: [] }));
  $('audit').replaceChildren(...page.entries.map(entry => el('tr', {},
    el('td', {}, new Date(entry.at).toLocaleString()),
    el('td', {}, entry.username ?? entry.userId),
    el('td', {}, entry.resource),
    el('td', {}, `${entry.before?.version ?? '–'} → ${entry.after?.version}`))));
}

// ---- the page

async function load() {
  show('');
  let providers;
  try {
    providers = await parley.admin.providers();
  } catch (e) {
    if (e.status === 401) show([el('a', { href: '/' }, 'Sign in'), ' first.']);
    else if (e.status === 403) {
      $('admin').hidden = true;
      show('Administrators only: this page is for members of the administrators group.');
    } else show(e.status ? `The admin service answered HTTP ${e.status}; try again later.` : `The admin service cannot be reached: ${e.message}`);
    return;
  }
  renderProviders(providers);
  try {
    renderSettings(await parley.admin.webrtcSettings());
  } catch (e) {
    show(`Could not read the WebRTC settings (${e.status ? `HTTP ${e.status}` : e.message}).`);
  }
  $('admin').hidden = false;
  loadAudit();
}

load();
