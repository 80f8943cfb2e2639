'use strict';
// The web console (docs/console.md) in Debian's Chromium (playwright-core, headless): served by
// liverec at /console/ with its strict Content-Security-Policy; a wrong secret cannot sign in;
// the right pair signs in and the Live screen lists a live ffmpeg publisher with its codecs and
// picture size; signing out forgets the key (reload shows the sign-in again); the API refuses a
// request without a signature as before. Screenshots of each screen at 1280×800 and at phone
// width go to LIVEREC_CONSOLE_SCREENSHOTS (a directory) when it is set, e.g. docs/console/.
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startConsole, DEFAULT_KEY } = require('./console_page.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'console.example.com';

describe('the web console in Chromium', () => {
  let server;
  let ui;
  before(async () => {
    ui = await startConsole({ extraToml: m.TESTING });
    server = ui.server;
  });
  after(async () => {
    if (ui) await ui.close();
  });
  const openConsole = (...args) => ui.openConsole(...args);
  const shot = (...args) => ui.shot(...args);
  const signIn = (...args) => ui.signIn(...args);

  it('is served with a strict Content-Security-Policy and nothing inline', async () => {
    assert.ok(server.stdout().includes(`\nConsole: ${server.endpoint}/console/ (sign in with the AccessKey below)\n`),
      'the start banner (and so `make run`) prints the console URL');
    const { page, response, problems } = await openConsole();
    const headers = response.headers();
    assert.match(headers['content-security-policy'], /default-src 'none'/);
    assert.match(headers['content-security-policy'], /script-src 'self'(;|$)/);
    assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['referrer-policy'], 'no-referrer');
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10000 });
    assert.deepEqual(problems, [], 'no script error and no CSP violation');
    const html = await (await fetch(`${server.endpoint}/console/`)).text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=/, 'no inline style');
    assert.equal((await fetch(`${server.endpoint}/console/nope.js`)).status, 404);
    assert.equal((await fetch(`${server.endpoint}/console`, { redirect: 'manual' })).status, 301);
    await shot(page, 'sign-in');
    await page.close();
  });

  it('refuses a wrong secret and an unknown key, and says so', async () => {
    const { page, problems } = await openConsole();
    await signIn(page, DEFAULT_KEY.id, 'not-the-secret-0000000000000');
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 10000 });
    assert.match(await alert.textContent(), /refused \(SignatureDoesNotMatch\)/);
    await signIn(page, 'NoSuchKeyId000000000001', DEFAULT_KEY.secret);
    await page.getByText(/refused \(InvalidAccessKeyId/).waitFor({ timeout: 10000 });
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0, 'not signed in');
    await shot(page, 'sign-in-refused');
    // A request without a signature is refused by the API the console uses.
    const unsigned = await page.evaluate(async () => (await fetch('/', {
      method: 'POST', body: 'Action=DescribeLiveStreamsOnlineList&DomainName=console.example.com',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })).status);
    assert.equal(unsigned, 400);
    assert.deepEqual(problems.filter((p) => !/Failed to load resource/.test(p)), []);
    await page.close();
  });

  it('keeps what is typed whole when the account\'s domains arrive while the domain field has focus', async () => {
    // The account has a domain (a record config names it), offered once DescribeLiveUserDomains
    // answers; that answer is held until the user is in the empty field, as a slow server would.
    const added = await h.v1Call(server, { action: 'AddLiveAppRecordConfig', method: 'POST', params: {
      DomainName: 'picked.example.com', AppName: 'live', StreamName: '*', OssEndpoint: 'local',
      OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8' } });
    assert.equal(added.status, 200, JSON.stringify(added.json));
    const { page, problems } = await openConsole();
    let asked;
    const domainsAsked = new Promise((resolve) => { asked = resolve; });
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route((url) => url.pathname === '/', async (route) => {
      const params = new URLSearchParams(route.request().postData() || '');
      if (params.get('Action') === 'DescribeLiveUserDomains') {
        asked();
        await held;
      }
      await route.continue();
    });
    try {
      await signIn(page, DEFAULT_KEY.id, DEFAULT_KEY.secret);
      await domainsAsked;
      const input = page.getByLabel('Domain');
      await input.focus();
      release();
      await page.locator('datalist#live-domains option[value="picked.example.com"]')
        .waitFor({ state: 'attached', timeout: 10000 });
      assert.equal(await input.inputValue(), '', 'the field the user is in is not filled for them');
      await input.pressSequentially(DOMAIN);
      assert.equal(await input.inputValue(), DOMAIN);
      // An empty field the user leaves shows the domain picked for them.
      await input.fill('');
      await page.getByLabel('Domain').blur();
      assert.equal(await input.inputValue(), 'picked.example.com');
      assert.deepEqual(problems, []);
    } finally {
      release();
      await page.close();
    }
  });

  it('signs in and lists a live publisher on the Live screen; signing out forgets the key', async () => {
    const { page, problems } = await openConsole();
    await signIn(page, DEFAULT_KEY.id, DEFAULT_KEY.secret);
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 10000 });
    await page.getByLabel('Domain').fill(DOMAIN);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText(`No stream is on air on ${DOMAIN}.`).waitFor({ timeout: 10000 });
    const pushing = m.push(m.makeTestFlv(30), `rtmp://127.0.0.1:${server.rtmpPort}/live/cam1?vhost=${DOMAIN}`,
      { realtime: true });
    try {
      const row = page.locator('table.streams tbody tr', { hasText: 'cam1' });
      await row.waitFor({ timeout: 15000 });
      await page.getByText('H.264 / AAC').waitFor({ timeout: 15000 });
      const text = await row.textContent();
      assert.match(text, /live/);
      assert.match(text, /1280×720/);
      assert.match(text, /not recording/, 'no record config applies');
      // The session is in this page's memory only: a reload shows the sign-in again.
      await page.reload();
      await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10000 });
      await signIn(page, DEFAULT_KEY.id, DEFAULT_KEY.secret);
      // The account's domains (DescribeLiveUserDomains) are offered: this one since its publish.
      await page.locator(`datalist#live-domains option[value="${DOMAIN}"]`).waitFor({ state: 'attached', timeout: 10000 });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 10000 });
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      assert.doesNotMatch(stored, new RegExp(DEFAULT_KEY.secret), 'the secret is never stored');
      assert.deepEqual(problems, []);
    } finally {
      pushing.child.kill('SIGKILL');
      await pushing.done;
      await page.close();
    }
  });
});
