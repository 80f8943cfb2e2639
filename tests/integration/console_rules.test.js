'use strict';
// The console's Rules screen (docs/console.md) in Chromium: for a domain typed in the picker,
// a recording config is added through the form — a bad DelayTime, then a bad CycleDuration of
// the second format, each answered by the API's own message beside that input (aria-invalid,
// aria-describedby → role="alert"), nothing stored meanwhile — then saved, and the API (called
// from node) has it with the values typed; it is edited (DelayTime) and deleted after an in-page
// confirmation (Escape cancels it first). The same, shorter, for the recording callbacks
// (a bad NotifyUrl, then saved, then deleted: "none" again, not an error) and for the stream
// callbacks (an unsafe NotifyUrl, then signed with a key). Screenshots `rules` (lists and
// callbacks) and `rules-error` (a field error) go to LIVEREC_CONSOLE_SCREENSHOTS when it is set.
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startConsole } = require('./console_page.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');

// The browser (and node, which computes what it should send) in a zone that is not UTC and not a
// whole number of hours off it, so that a time window typed in the form must be converted.
process.env.TZ = 'Asia/Kolkata';

const DOMAIN = 'rules.example.com';
const T = { timeout: 10000 };
const SIGNING_KEY = 'KbT8mN2pQ9rS4vX7wZ1aB3cE5fG6hJ8k';

describe('the Rules screen of the console', () => {
  let ui;
  let server;
  let page;
  let problems;
  before(async () => {
    ui = await startConsole({ extraToml: m.TESTING });
    server = ui.server;
    ({ page, problems } = await ui.openSignedIn(undefined, 'rules'));
  });
  after(async () => {
    if (ui) await ui.close();
  });

  // The API from node, as the default account: {status, json}.
  const api = async (action, params) => {
    const res = await h.v1Call(server, { action, params, method: 'POST' });
    return { status: res.status, json: res.json };
  };
  const recordConfigs = async () => {
    const { json } = await api('DescribeLiveRecordConfig', { DomainName: DOMAIN, PageSize: '30' });
    return json.LiveAppRecordList.LiveAppRecord;
  };
  const region = (name) => page.getByRole('region', { name });

  // The text of the alerts the input points to with aria-describedby, once it is aria-invalid.
  async function errorBeside(input) {
    const id = await input.getAttribute('id');
    await page.locator(`[id="${id}"][aria-invalid="true"]`).waitFor(T);
    const ids = (await input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const texts = [];
    for (const d of ids) {
      const note = page.locator(`[id="${d}"]`);
      if (await note.getAttribute('role') === 'alert') texts.push(await note.textContent());
    }
    return texts.join(' ');
  }

  // A date as a datetime-local input value, in the local zone.
  function localInput(d) {
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
      + `:${p(d.getSeconds())}`;
  }

  // The API's message for a request refused the same way.
  async function apiMessage(action, params, code) {
    const res = await api(action, params);
    assert.equal(res.status, 400);
    assert.equal(res.json.Code, code);
    return res.json.Message;
  }

  it('shows a domain with nothing configured: no config, and "none" for the callbacks', async () => {
    await page.getByLabel('Domain', { exact: true }).fill(DOMAIN);
    await page.getByRole('button', { name: 'Show' }).click();
    await region('Recording configs').getByText(`No recording config on ${DOMAIN}.`).waitFor(T);
    await region('Recording callbacks').getByText('None: no recording callback').waitFor(T);
    await region('Stream callbacks').getByText('None: no publish or publish_done').waitFor(T);
    assert.equal(await page.getByRole('alert').count(), 0, 'InvalidConfig.NotFound is "none", not an error');
  });

  it('adds a recording config: the API errors beside their fields, then the values typed', async () => {
    const rec = region('Recording configs');
    await rec.getByRole('button', { name: 'Add a recording config' }).click();
    const form = rec.getByRole('form', { name: 'New recording config' });
    await form.getByLabel('App', { exact: true }).fill('live');
    await form.getByLabel('Stream', { exact: true }).fill('cam1');
    await form.getByLabel('Recording', { exact: true }).selectOption('7');
    const delay = form.getByLabel('Reconnect delay (s)');
    await delay.fill('-5');
    const first = form.getByRole('group', { name: 'Format 1' });
    await first.getByLabel('File length (s)').fill('900');
    await first.getByLabel('Slice length (s)').fill('5');
    await form.getByRole('button', { name: 'Add a format' }).click();
    const second = form.getByRole('group', { name: 'Format 2' });
    assert.equal(await second.getByLabel('Format', { exact: true }).inputValue(), 'mp4');
    await second.getByLabel('File length (s)').fill('1800');
    await form.getByRole('button', { name: 'Save' }).click();

    const base = { DomainName: DOMAIN, AppName: 'live', StreamName: 'cam1', OssEndpoint: 'local',
      OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8' };
    const delayMessage = await apiMessage('AddLiveAppRecordConfig', { ...base, DelayTime: '-5' },
      'InvalidDelayTime.Malformed');
    assert.ok((await errorBeside(delay)).includes(delayMessage), 'the API message beside DelayTime');
    assert.equal(await page.evaluate(() => document.activeElement.id), await delay.getAttribute('id'),
      'the focus is on the invalid input');
    assert.deepEqual(await recordConfigs(), [], 'nothing stored');
    await ui.shot(page, 'rules-error');

    await delay.fill('30');
    const cycle = second.getByLabel('File length (s)');
    await cycle.fill('5');
    await form.getByRole('button', { name: 'Save' }).click();
    const cycleMessage = await apiMessage('AddLiveAppRecordConfig',
      { ...base, 'RecordFormat.2.Format': 'mp4', 'RecordFormat.2.CycleDuration': '5' },
      'InvalidCycleDuration.Malformed');
    assert.match(cycleMessage, /RecordFormat\.2\.CycleDuration/);
    assert.ok((await errorBeside(cycle)).includes(cycleMessage),
      'the API message beside format 2 CycleDuration');
    assert.equal(await delay.getAttribute('aria-invalid'), null, 'DelayTime is no longer marked');
    assert.equal(await first.getByLabel('File length (s)').getAttribute('aria-invalid'), null);

    await cycle.fill('1800');
    await form.getByRole('button', { name: 'Save' }).click();
    await rec.getByText('Added live/cam1.').waitFor(T);
    await rec.getByRole('row').filter({ hasText: 'cam1' }).waitFor(T);
    const [stored] = await recordConfigs();
    assert.equal(stored.AppName, 'live');
    assert.equal(stored.StreamName, 'cam1');
    assert.equal(stored.OssEndpoint, 'local');
    assert.equal(stored.OssBucket, 'records');
    assert.equal(stored.DelayTime, 30);
    assert.equal(stored.OnDemond, 7);
    const formats = stored.RecordFormatList.RecordFormat;
    assert.deepEqual(formats.map((f) => [f.Format, f.CycleDuration]), [['m3u8', 900], ['mp4', 1800]]);
    assert.equal(formats[0].SliceDuration, 5);
  });

  it('edits the recording config (DelayTime) and keeps the rest', async () => {
    // A second config, added from node, is listed after the next reload.
    const added = await api('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live2', StreamName: '*',
      OssEndpoint: 'local', OssBucket: 'records', 'RecordFormat.1.Format': 'flv' });
    assert.equal(added.status, 200);
    const rec = region('Recording configs');
    await rec.getByRole('button', { name: 'Edit live/cam1' }).click();
    const form = rec.getByRole('form', { name: 'Edit live/cam1' });
    assert.equal(await form.getByLabel('App', { exact: true }).getAttribute('readonly'), '');
    assert.equal(await form.getByLabel('Reconnect delay (s)').inputValue(), '30');
    await form.getByLabel('Reconnect delay (s)').fill('120');
    // A time window, typed in the browser's zone (node's), stored in UTC.
    const start = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600e3);
    const end = new Date(start.getTime() + 1800e3);
    await form.getByLabel('Record from').fill(localInput(start));
    await form.getByLabel('Record until').fill(localInput(end));
    await form.getByRole('button', { name: 'Save' }).click();
    await rec.getByText('Saved live/cam1.').waitFor(T);
    await rec.getByRole('row').filter({ hasText: 'live2' }).waitFor(T);
    const stored = (await recordConfigs()).find((r) => r.StreamName === 'cam1');
    assert.equal(stored.DelayTime, 120);
    assert.equal(stored.StartTime, h.isoSeconds(start.getTime()));
    assert.equal(stored.EndTime, h.isoSeconds(end.getTime()));
    // Edited again: the window comes back into the form as typed and stays as it was.
    await rec.getByRole('button', { name: 'Edit live/cam1' }).click();
    assert.equal(await form.getByLabel('Record from').inputValue(), localInput(start).replace(/:00$/, ''));
    await form.getByLabel('Reconnect delay (s)').fill('90');
    await form.getByRole('button', { name: 'Save' }).click();
    await rec.getByText('Saved live/cam1.').waitFor(T);
    const again = (await recordConfigs()).find((r) => r.StreamName === 'cam1');
    assert.equal(again.DelayTime, 90);
    assert.deepEqual([again.StartTime, again.EndTime], [stored.StartTime, stored.EndTime]);
    assert.equal(stored.OnDemond, 7);
    const formats = stored.RecordFormatList.RecordFormat;
    assert.deepEqual(formats.map((f) => [f.Format, f.CycleDuration]), [['m3u8', 900], ['mp4', 1800]]);
    assert.equal(formats[0].SliceDuration, 5);
  });

  it('adds recording callbacks: a bad NotifyUrl is answered beside it, a good one is stored', async () => {
    const notify = region('Recording callbacks');
    await notify.getByRole('button', { name: 'Add recording callbacks' }).click();
    const url = notify.getByLabel('Callback URL');
    await url.fill('ftp://hooks.example.net/record');
    await notify.getByRole('button', { name: 'Save' }).click();
    const message = await apiMessage('AddLiveRecordNotifyConfig',
      { DomainName: DOMAIN, NotifyUrl: 'ftp://hooks.example.net/record' }, 'InvalidNotifyUrl.Malformed');
    assert.ok((await errorBeside(url)).includes(message), 'the API message beside NotifyUrl');
    await url.fill('https://hooks.example.net/record');
    await notify.getByLabel(/Send status callbacks/).check();
    await notify.getByRole('button', { name: 'Save' }).click();
    await notify.getByText('Saved.').waitFor(T);
    await notify.getByText('https://hooks.example.net/record').waitFor(T);
    const { json } = await api('DescribeLiveRecordNotifyConfig', { DomainName: DOMAIN });
    assert.equal(json.LiveRecordNotifyConfig.NotifyUrl, 'https://hooks.example.net/record');
    assert.equal(json.LiveRecordNotifyConfig.NeedStatusNotify, true);
    assert.equal(json.LiveRecordNotifyConfig.NotifyReqAuth, false);
  });

  it('sets stream callbacks: an unsafe NotifyUrl is answered beside it, then a signed one', async () => {
    const streams = region('Stream callbacks');
    await streams.getByRole('button', { name: 'Add stream callbacks' }).click();
    const url = streams.getByLabel('Callback URL');
    await url.fill('http://127.0.0.1/streams');
    await streams.getByRole('button', { name: 'Save' }).click();
    const message = await apiMessage('SetLiveStreamsNotifyUrlConfig',
      { DomainName: DOMAIN, NotifyUrl: 'http://127.0.0.1/streams' }, 'InvalidNotifyUrl.Unsafe');
    assert.ok((await errorBeside(url)).includes(message), 'the API message beside NotifyUrl');
    await url.fill('https://hooks.example.net/streams');
    await streams.getByLabel('Sign the callbacks').check();
    await streams.getByLabel('Signing key').fill(SIGNING_KEY);
    await streams.getByRole('button', { name: 'Save' }).click();
    await streams.getByText('https://hooks.example.net/streams').waitFor(T);
    const { json } = await api('DescribeLiveStreamsNotifyUrlConfig', { DomainName: DOMAIN });
    assert.equal(json.LiveStreamsNotifyConfig.NotifyUrl, 'https://hooks.example.net/streams');
    assert.equal(json.LiveStreamsNotifyConfig.NotifyReqAuth, 'yes');
    assert.equal(json.LiveStreamsNotifyConfig.NotifyAuthKey, SIGNING_KEY);
    await ui.shot(page, 'rules');
  });

  it('deletes after an in-page confirmation that Escape cancels', async () => {
    const rec = region('Recording configs');
    await rec.getByRole('button', { name: 'Delete live/cam1' }).click();
    const dialog = rec.getByRole('alertdialog');
    await dialog.waitFor(T);
    assert.match(await dialog.textContent(), /Delete the recording config live\/cam1\?/);
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Cancel',
      'the focus is on Cancel');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...T });
    assert.equal((await recordConfigs()).length, 2, 'Escape deleted nothing');
    await rec.getByRole('button', { name: 'Delete live/cam1' }).click();
    await dialog.getByRole('button', { name: 'Yes, delete' }).click();
    await rec.getByText('Deleted live/cam1.').waitFor(T);
    await rec.getByRole('row').filter({ hasText: 'cam1' }).waitFor({ state: 'detached', ...T });
    await rec.getByRole('row').filter({ hasText: 'live2' }).waitFor(T);
    assert.deepEqual((await recordConfigs()).map((r) => r.AppName), ['live2']);

    for (const [name, none, action] of [
      ['Recording callbacks', 'None: no recording callback', 'DescribeLiveRecordNotifyConfig'],
      ['Stream callbacks', 'None: no publish or publish_done', 'DescribeLiveStreamsNotifyUrlConfig'],
    ]) {
      const section = region(name);
      await section.getByRole('button', { name: `Delete the ${name.toLowerCase()}` }).click();
      await section.getByRole('alertdialog').getByRole('button', { name: 'Yes, delete' }).click();
      await section.getByText(none).waitFor(T);
      const res = await api(action, { DomainName: DOMAIN });
      assert.equal(res.status, 404, `${name} deleted`);
      assert.equal(res.json.Code, 'InvalidConfig.NotFound');
    }
    // The 400s of the refused saves and the 404s of "none" are logged by Chromium as failed loads.
    assert.deepEqual(problems.filter((p) => !/Failed to load resource: .* status of (400|404)/.test(p)), []);
  });
});
