'use strict';
// The console's Callbacks screen (docs/console.md) in Debian's Chromium, over real recording
// callbacks: a notify config with NeedStatusNotify points at a receiver on 127.0.0.1, an m3u8
// record config records seven short ffmpeg publishes (record_started, record_paused and
// file_created each: 21 callbacks); the receiver accepts all but cam1's record_paused, which it
// answers 500 until liverec gives up. The screen lists them newest first as
// DescribeLiveRecordNotifyRecords gives them, 20 a page, with event type and result in words;
// the next page has the last one; the status filter leaves the failed one only; a row opens (by
// keyboard) to its pretty-printed body, headers and the receiver's answer; stream names match
// exactly; a range older than 7 days is refused beside its field; Refresh asks again.
// Screenshots `callbacks` (desktop and phone) when LIVEREC_CONSOLE_SCREENSHOTS is set.
const assert = require('node:assert/strict');
const http = require('node:http');
const { describe, it, before, after } = require('node:test');
const { popClient } = require('../conformance/harness.js');
const { startConsole, DEFAULT_KEY } = require('./console_page.js');
const m = require('./media.js');

const DOMAIN = 'callbacks-ui.example.com';
const STREAMS = ['cam1', 'cam2', 'cam3', 'cam4', 'cam5', 'cam6', 'cam7'];
const KINDS = ['record_started', 'record_paused', 'file_created'];
const FAILING = { kind: 'record_paused', stream: 'cam1' };
// Retried fast, and given up quickly (min_attempts, then past a 1 s horizon).
const CALLBACKS_TOML = `${m.FAST_CALLBACKS}horizon_s = 1\n`;

// A receiver on 127.0.0.1 that answers 200 with a JSON body to every event but FAILING, which
// gets a 500 with a text body.
function startReceiver() {
  const requests = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const kind = req.headers['x-liverec-event-kind'];
      let stream = '';
      try { stream = JSON.parse(body).stream; } catch { stream = ''; }
      const ok = !(kind === FAILING.kind && stream === FAILING.stream);
      requests.push({ kind, stream, ok });
      if (ok) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ accepted: true, kind }));
      } else {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('receiver is down');
      }
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    srv, requests, url: `http://127.0.0.1:${srv.address().port}/record-hooks`,
  })));
}

function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

describe('the console Callbacks screen', () => {
  let ui;
  let server;
  let client;
  let receiver;
  before(async () => {
    const flv = m.makeTestFlv(4);
    receiver = await startReceiver();
    ui = await startConsole({ extraToml: `${m.TESTING}\n${CALLBACKS_TOML}` });
    server = ui.server;
    client = popClient(server, DEFAULT_KEY, 'POST');
    await client.call('AddLiveRecordNotifyConfig', { DomainName: DOMAIN, NotifyUrl: receiver.url,
      NeedStatusNotify: 'true' });
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live', StreamName: '*',
      OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2 });
    const ingest = `rtmp://127.0.0.1:${server.rtmpPort}/live`;
    const pushes = STREAMS.map((s) => m.push(flv, `${ingest}/${s}?vhost=${DOMAIN}`));
    for (const pushed of await Promise.all(pushes.map((p) => p.done))) {
      assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    }
    const got = (kind, stream) => receiver.requests.some((r) => r.kind === kind && r.stream === stream);
    await m.waitFor('every callback attempted',
      () => STREAMS.every((s) => KINDS.every((k) => got(k, s))), 30000);
    await m.waitSettled(server);  // every callback delivered or given up
  });
  after(async () => {
    if (ui) await ui.close();
    if (receiver) receiver.srv.close();
  });

  // The API's history of DOMAIN over the last hour, as node sees it.
  async function history(params = {}) {
    const now = Date.now();
    const { body } = await client.call('DescribeLiveRecordNotifyRecords', { DomainName: DOMAIN,
      StartTime: isoSeconds(now - 3600 * 1000), EndTime: isoSeconds(now + 60 * 1000), ...params });
    return body;
  }

  it('lists the delivery history by pages, filters by status and names, and opens a row', async () => {
    const all = await history({ PageSize: 50 });
    assert.equal(all.TotalNum, STREAMS.length * KINDS.length, JSON.stringify(all));
    const failed = await history({ Status: 'failed' });
    assert.equal(failed.TotalNum, 1);
    assert.equal(failed.CallbackList[0].NotifyType, FAILING.kind);
    assert.equal(failed.CallbackList[0].StreamName, FAILING.stream);

    const { page, problems } = await ui.openSignedIn(undefined, 'callbacks');
    await page.getByRole('heading', { name: 'Callbacks' }).waitFor({ timeout: 10000 });
    // The account's domains are offered (DescribeLiveUserDomains).
    await page.locator(`datalist#callbacks-domains option[value="${DOMAIN}"]`)
      .waitFor({ state: 'attached', timeout: 10000 });
    await page.getByLabel('Domain').fill(DOMAIN);
    await page.getByRole('button', { name: 'Show' }).click();

    // Page 1: the 20 newest, in the API's order, each with its type, URL and result in words.
    const rows = page.locator('table.callbacks-table tbody tr.callbacks-row');
    const caption = page.locator('table.callbacks-table caption');
    await caption.getByText(`21 callbacks on ${DOMAIN} in the last 24 hours, newest first (1–20 shown)`)
      .waitFor({ timeout: 10000 });
    await page.getByText('Page 1 of 2').waitFor({ timeout: 5000 });
    const typesShown = () => page.locator('tbody td.callbacks-type').allTextContents();
    const whereShown = () => page.locator('tbody td.callbacks-where').allTextContents();
    assert.deepEqual(await typesShown(), all.CallbackList.slice(0, 20).map((e) => e.NotifyType));
    assert.deepEqual(await whereShown(), all.CallbackList.slice(0, 20).map((e) => `live/${e.StreamName}`));
    for (const [i, entry] of all.CallbackList.slice(0, 20).entries()) {
      const row = rows.nth(i);
      const text = await row.textContent();
      assert.ok(text.includes(receiver.url), `the URL in ${text}`);
      const isFailing = entry.NotifyType === FAILING.kind && entry.StreamName === FAILING.stream;
      assert.match(text, isFailing ? /Failed.*gave up after \d+ attempts: HTTP 500/
        : /Delivered.*delivered after 1 attempt/);
      // The latest attempt in the browser's zone, UTC on hover.
      assert.equal(await row.locator('time').first().getAttribute('title'), `${entry.NotifyTime} (UTC)`);
    }
    // Page 2: the oldest one.
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2 of 2').waitFor({ timeout: 10000 });
    await caption.getByText('(21–21 shown)').waitFor({ timeout: 10000 });
    assert.deepEqual(await whereShown(), [`live/${all.CallbackList[20].StreamName}`]);
    assert.deepEqual(await typesShown(), [all.CallbackList[20].NotifyType]);
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);

    // Failed only: the one the receiver refused.
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await caption.getByText(/^1 callback on .* \(failed or still retrying\)/).waitFor({ timeout: 10000 });
    assert.equal(await rows.count(), failed.TotalNum);
    assert.deepEqual(await typesShown(), [FAILING.kind]);
    assert.deepEqual(await whereShown(), [`live/${FAILING.stream}`]);
    assert.equal(await page.locator('.callbacks-result.callbacks-ok').count(), 0);
    assert.equal(await page.locator('.callbacks-result.callbacks-failed').count(), 1);

    // Opened by keyboard: body and headers pretty-printed, the receiver's answer.
    const toggle = rows.first().getByRole('button', { name: `Details of ${FAILING.kind} for live/cam1` });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.focus();
    await page.keyboard.press('Enter');
    const detail = page.locator('tr.callbacks-detail');
    await detail.waitFor({ timeout: 5000 });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await detail.getAttribute('id'), await toggle.getAttribute('aria-controls'));
    const pres = await detail.locator('pre').allTextContents();
    assert.equal(pres.length, 3, 'body, headers and answer');
    assert.deepEqual(JSON.parse(pres[0]), JSON.parse(failed.CallbackList[0].NotifyContent));
    assert.ok(pres[0].includes(`\n  "event": "${FAILING.kind}"`), `indented body: ${pres[0]}`);
    assert.ok(pres[1].includes(`\n  "X-Liverec-Event-Kind": "${FAILING.kind}"`),
      `indented headers: ${pres[1]}`);
    assert.equal(pres[2], 'receiver is down');
    await page.keyboard.press('Enter');
    await detail.waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('Enter');
    await detail.waitFor({ timeout: 5000 });

    // A stream name is an exact match, as the API's: "cam" matches nothing.
    await page.getByLabel('Stream name').fill('cam');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText(
      `No callback on ${DOMAIN} in the last 24 hours (failed or still retrying, stream cam).`,
    ).waitFor({ timeout: 10000 });
    assert.equal(await rows.count(), 0);
    assert.equal((await history({ StreamName: 'cam' })).TotalNum, 0);

    // A range older than the API's 7 days is refused beside its field, before any request.
    await page.getByLabel('Latest attempt').selectOption('custom');
    const eightDaysAgo = await page.evaluate(() => {
      const d = new Date(Date.now() - 8 * 24 * 3600 * 1000 - new Date().getTimezoneOffset() * 60000);
      return d.toISOString().slice(0, 16);
    });
    await page.getByLabel('From').fill(eightDaysAgo);
    let asked = 0;
    const count = (request) => {
      if ((request.postData() || '').includes('Action=DescribeLiveRecordNotifyRecords')) asked += 1;
    };
    page.on('request', count);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('#callbacks-from-error').getByText(/last 7 days only/).waitFor({ timeout: 5000 });
    assert.equal(await page.getByLabel('From').getAttribute('aria-invalid'), 'true');
    assert.equal(asked, 0, 'nothing asked for a range the API refuses');

    // cam1's three, the failed one still open; Refresh asks the API again.
    await page.getByLabel('Latest attempt').selectOption('24h');
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Stream name').fill('cam1');
    await page.getByLabel('App name').fill('live');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await caption.getByText(`3 callbacks on ${DOMAIN} in the last 24 hours (app live, stream cam1)`)
      .waitFor({ timeout: 10000 });
    const cam1 = await history({ AppName: 'live', StreamName: 'cam1' });
    assert.deepEqual(await typesShown(), cam1.CallbackList.map((e) => e.NotifyType));
    assert.deepEqual([...await typesShown()].sort(), [...KINDS].sort());
    assert.equal(await detail.count(), 1, 'the opened row stays open');
    const before = asked;
    await page.getByRole('button', { name: 'Refresh' }).click();
    await m.waitFor('the refresh', () => asked > before, 10000);
    await page.locator('button:enabled', { hasText: 'Refresh' }).waitFor({ timeout: 10000 });
    assert.equal(await rows.count(), 3);
    page.off('request', count);
    await page.mouse.move(0, 0);
    await ui.shot(page, 'callbacks');
    assert.deepEqual(problems, [], 'no script error and no CSP violation');
    await page.close();
  });
});
