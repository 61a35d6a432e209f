// parley.admin and the REST errors: paths, bodies, and the SDK's error type with code, message, status, correlation id.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Parley, ParleyError } from '../../main/resources/META-INF/resources/sdk/parley.js';
import { installBrowser } from './fakes.mjs';

let fetch;
let parley;

beforeEach(() => {
  fetch = installBrowser({
    routes: {
      'GET /api/admin/providers': [{ id: 'webrtc', name: 'WebRTC', enabled: true, version: 3 }],
      'PUT /api/admin/providers/webrtc': request => ({ body: { id: 'webrtc', enabled: request.body.enabled, version: 4 } }),
      'PUT /api/admin/providers/sip%2Fx': () => ({ status: 409, body: { code: 'VERSION_CONFLICT', message: 'changed meanwhile', correlationId: 'corr-9' } }),
      'GET /api/admin/webrtc-settings': { version: 7, iceServers: [] },
      'PUT /api/admin/webrtc-settings': () => ({ status: 400, body: { code: 'INVALID_PAYLOAD', message: 'iceServers[0].urls[0]: must start with stun:', correlationId: 'corr-1' } }),
      'GET /api/admin/audit?page=0&size=10': { page: 0, size: 10, total: 1, entries: [{ resource: 'provider:webrtc' }] },
      'GET /api/admin/client-config': () => ({ status: 403, body: { code: 'FORBIDDEN', message: 'administrators only' } }),
      'GET /api/presence/me': () => ({ status: 401 }),
      'GET /api/media/echo/x': () => ({ status: 502 }),
    },
  });
  parley = new Parley({ baseUrl: 'http://gateway.test/' });
});

test('providers, a provider switched with its version, settings and the audit go to admin-service', async () => {
  assert.equal((await parley.admin.providers())[0].id, 'webrtc');
  assert.deepEqual(await parley.admin.setProviderEnabled('webrtc', false, 3), { id: 'webrtc', enabled: false, version: 4 });
  assert.equal((await parley.admin.webrtcSettings()).version, 7);
  assert.equal((await parley.admin.audit()).entries.length, 1);
  const put = fetch.requests.find(r => r.method === 'PUT');
  assert.deepEqual(put.body, { enabled: false, version: 3 });
  assert.equal(put.headers['Content-Type'], 'application/json');
});

test('a stale version is a ParleyError with status 409, the server\'s code, message and correlation id', async () => {
  await assert.rejects(parley.admin.setProviderEnabled('sip/x', true, 1), e => e instanceof ParleyError && e.status === 409
    && e.code === 'VERSION_CONFLICT' && e.message === 'changed meanwhile' && e.correlationId === 'corr-9');
});

test('invalid settings are a 400 whose message names the field', async () => {
  await assert.rejects(parley.admin.saveWebrtcSettings({ version: 7 }), { status: 400, code: 'INVALID_PAYLOAD', message: /^iceServers\[0\]\.urls\[0\]: / });
});

test('a 401 is UNAUTHENTICATED and tells the app auth_required; a body without JSON gets an HTTP_ code', async () => {
  const auth = [];
  parley.on('auth_required', payload => auth.push(payload));
  await assert.rejects(parley.me(), { code: 'UNAUTHENTICATED', status: 401 });
  assert.deepEqual(auth, [{ path: '/api/presence/me' }]);
  await assert.rejects(parley.fetchJson('/api/media/echo/x'), { code: 'HTTP_502', status: 502 });
});

test('a network failure is NETWORK; a token goes as a bearer header without cookies', async () => {
  globalThis.fetch = async () => { throw new TypeError('connection refused'); };
  await assert.rejects(parley.admin.providers(), { code: 'NETWORK' });
  fetch = installBrowser({ routes: { 'GET /api/admin/providers': [] } });
  const withToken = new Parley({ baseUrl: 'http://gateway.test', token: 'tok' });
  await withToken.admin.providers();
  assert.equal(fetch.requests[0].headers.Authorization, 'Bearer tok');
});
