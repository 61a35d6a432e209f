// One person of an end-to-end test in Firefox ESR (its own WebRTC stack), driven over WebDriver BiDi by
// puppeteer-core: `node person.mjs <gateway> <username>` signs in through Keycloak, waits for a call to ring on the
// web app's page and answers it; then it reports the call window every 500 ms as one JSON line on stdout
// ({state, status, message, frames, packets, hold}) and runs the commands read from stdin, one per line:
// `click <testid>` clicks a button of the call window, `quit` closes Firefox. Errors go to stderr.
import puppeteer from 'puppeteer-core';
import readline from 'node:readline';

const [gateway, username] = process.argv.slice(2);
const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: process.env.PARLEY_FIREFOX || '/usr/bin/firefox-esr',
  headless: true,
  extraPrefsFirefox: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true },
});
const say = line => process.stdout.write(`${JSON.stringify(line)}\n`);
try {
  const app = await browser.newPage();
  await app.goto(gateway + '/');
  if (app.url().includes('/realms/')) {
    await app.waitForSelector('#username');
    await app.type('#username', username);
    await app.type('#password', username);
    await Promise.all([app.waitForNavigation(), app.click('#kc-login')]);
  }
  await app.waitForSelector('[data-testid=my-status]');
  say({ ready: true });
  const answer = await app.waitForSelector('[data-testid=incoming-call] [data-testid=answer]', { visible: true, timeout: 60000 });
  const opened = new Promise(resolve => browser.once('targetcreated', target => resolve(target.page())));
  await answer.click();
  const callPage = await opened;
  await callPage.waitForFunction(() => !!window.parleyCall, { timeout: 30000 });

  const commands = readline.createInterface({ input: process.stdin });
  commands.on('line', async line => {
    const [command, arg] = line.trim().split(/\s+/);
    try {
      if (command === 'click') await callPage.click(`[data-testid=${arg}]`);
      if (command === 'quit') { await browser.close(); process.exit(0); }
    } catch (e) {
      process.stderr.write(`command ${line} failed: ${e.message}\n`);
    }
  });
  for (;;) {
    const report = await callPage.evaluate(async () => {
      const pc = window.parleyCall.peerConnection;
      const out = { state: document.body.dataset.callState, status: document.getElementById('call-status').textContent,
        message: document.getElementById('call-message').textContent, hold: document.querySelector('[data-testid=hold]').textContent,
        frames: 0, packets: 0 };
      if (pc) (await pc.getStats()).forEach(s => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') out.frames = s.framesDecoded || 0;
        if (s.type === 'inbound-rtp' && s.kind === 'audio') out.packets = s.packetsReceived || 0;
      });
      return out;
    }).catch(e => ({ error: e.message }));
    say(report);
    if (report.state === 'ENDED') break;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
} catch (e) {
  process.stderr.write(`firefox person failed: ${e.stack || e}\n`);
  await browser.close();
  process.exit(1);
}
