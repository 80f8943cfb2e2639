'use strict';
// The console's Relays screen (docs/console.md, docs/api/relay.md) in Debian's Chromium: a relay
// task created through its form (a 30 s FLV the test serves over HTTP on 127.0.0.1, played
// forever, pushed into liverec's own RTMP ingest, where it shows up as live) appears with a
// running status light; the API has the typed values; a bad destination URL is shown beside its
// field (aria-invalid, aria-describedby) and creates nothing; the details change the repeats
// (UpdateLivePullToPush), an end in the past beside its field; the list's filters; stop, restart
// and delete (after a keyboard confirmation) change the row and the task as the API sees it. Screenshots `relays` and `relays-create`.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const { describe, it, before, after } = require('node:test');
const { startConsole, SIZES } = require('./console_page.js');
const { startReceiver } = require('./receiver.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'relays.example.com';
const REGION = 'cn-shanghai';
const NAME = 'console-relay';

// An HTTP server on 127.0.0.1 serving `file` at /clip.flv.
function serveFile(file) {
  const srv = http.createServer((req, res) => {
    if (req.url !== '/clip.flv') {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'video/x-flv', 'Content-Length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    srv, url: `http://127.0.0.1:${srv.address().port}/clip.flv`,
  })));
}

// A date as a datetime-local value in this machine's zone (the browser's), to the second.
function localInput(ms) {
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
    + `T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

describe('the console Relays screen', () => {
  let ui;
  let api;
  let media;
  let receiver;
  before(async () => {
    media = await serveFile(m.makeTestFlv(30));
    receiver = await startReceiver('/relay-hooks');
    ui = await startConsole({ extraToml: `${m.TESTING}min_retry_interval_s = 1

[relay]
allow_private_addresses = true

${m.FAST_CALLBACKS}` });
    api = h.popClient(ui.server, h.DEFAULT_KEY, 'POST');
  });
  after(async () => {
    if (ui) await ui.close();
    if (media) media.srv.close();
    if (receiver) receiver.srv.close();
  });

  const describeTask = async (TaskId) =>
    (await api.call('DescribeLivePullToPush', { Region: REGION, TaskId })).body;
  const listTotal = async () => (await api.call('DescribeLivePullToPushList', { Region: REGION })).body.Total;
  const waitStatus = (TaskId, status) => m.waitFor(`task status ${status}`, async () => {
    const t = await describeTask(TaskId);
    return t.TaskStatus === status ? t : null;
  }, 15000, 100);
  const online = async () => (await api.call('DescribeLiveStreamsOnlineList', { DomainName: DOMAIN }))
    .body.OnlineInfo.LiveStreamOnlineInfo.map((s) => s.StreamName);

  it('creates a relay in the form, shows it running, stops, restarts and deletes it', async () => {
    const dstUrl = `rtmp://127.0.0.1:${ui.server.rtmpPort}/relay/r1?vhost=${DOMAIN}`;
    const endMs = Math.floor(Date.now() / 1000) * 1000 + 2 * 3600 * 1000;
    const { page, problems } = await ui.openSignedIn(SIZES.desktop, 'relays');
    await page.getByText('No relay task yet.').waitFor({ timeout: 10000 });

    // The form, with one bad value: a destination that is not rtmp://.
    await page.getByRole('button', { name: 'New relay' }).click();
    const form = page.locator('form.relays-form');
    await form.getByLabel('Name', { exact: true }).fill(NAME);
    await form.getByLabel('Destination URL').fill(`http://127.0.0.1:${ui.server.rtmpPort}/relay/r1`);
    await form.getByLabel('End', { exact: true }).fill(localInput(endMs));
    await form.getByLabel('Source type').selectOption('url');
    await form.getByLabel('Source URLs').fill(media.url);
    await form.getByLabel('Repeats').fill('-1');
    await form.getByLabel('Retry interval (s)').fill('1');
    await form.getByLabel('Callback URL').fill(receiver.url);
    await form.getByRole('button', { name: 'Create relay' }).click();
    const dst = form.getByLabel('Destination URL');
    const dstError = page.locator('#relays-new-DstUrl-error');
    await dstError.waitFor({ timeout: 10000 });
    assert.match(await dstError.textContent(), /InvalidDstUrl\.Malformed/);
    assert.equal(await dst.getAttribute('aria-invalid'), 'true');
    assert.match(await dst.getAttribute('aria-describedby'), /\brelays-new-DstUrl-error\b/);
    const focused = () => page.evaluate(() => document.activeElement.id);
    assert.equal(await focused(), 'relays-new-DstUrl', 'the focus moved to the field');
    assert.equal(await form.locator('[aria-invalid="true"]').count(), 1, 'only that field is marked');
    assert.equal(await listTotal(), 0, 'nothing was created');
    await ui.shot(page, 'relays-create');

    // Corrected, the task is created and the form closes.
    await dst.fill(dstUrl);
    await form.getByRole('button', { name: 'Create relay' }).click();
    const notice = page.getByText(/^Created relay task /);
    await notice.waitFor({ timeout: 10000 });
    const taskId = (await notice.textContent()).match(/task ([0-9a-f-]+)\./)[1];
    assert.equal(await form.count(), 0, 'the form closed');
    assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), 'New relay',
      'the focus is back on the button that opened the form');

    const row = page.locator(`tbody.relays-task[data-task-id="${taskId}"]`);
    const status = row.locator('.relays-status');
    await row.locator('.relays-tone-ok', { hasText: 'running' }).waitFor({ timeout: 20000 });
    assert.match(await row.textContent(), new RegExp(`${NAME}[\\s\\S]*file 1 of 1, at`));
    const task = await describeTask(taskId);
    assert.equal(task.TaskStatus, 1);
    assert.deepEqual({ ...task.TaskInfo, StartTime: undefined }, {
      ...task.TaskInfo, StartTime: undefined, TaskName: NAME, SourceType: 'url', SourceProtocol: '',
      SourceUrls: [media.url], DstUrl: dstUrl, CallbackURL: receiver.url, RepeatNumber: -1,
      RetryCount: 3, RetryInterval: 1, EndTime: h.isoSeconds(endMs), ReqAuth: 'no',
    });
    assert.ok(Math.abs(Date.parse(task.TaskInfo.StartTime) - Date.now()) < 120000, 'starts now');
    await m.waitFor('the relayed stream live', async () => (await online()).includes('r1'), 15000, 200);

    // Details (DescribeLivePullToPush) and a change (UpdateLivePullToPush).
    await row.getByRole('button', { name: `Details of ${NAME}` }).click();
    const detail = row.locator('.relays-detail');
    await detail.getByText('forever', { exact: true }).waitFor({ timeout: 10000 });
    // An end in the past is refused (InvalidParam.CodeIllegalDuration), beside the End field.
    const end = detail.getByLabel('End', { exact: true });
    await end.fill(localInput(Date.now() - 3600 * 1000));
    await detail.getByRole('button', { name: 'Save changes' }).click();
    const endError = page.locator(`#relays-edit-${taskId}-EndTime-error`);
    await endError.waitFor({ timeout: 10000 });
    assert.match(await endError.textContent(), /InvalidParam\.CodeIllegalDuration/);
    assert.equal(await end.getAttribute('aria-invalid'), 'true');
    assert.equal((await describeTask(taskId)).TaskInfo.EndTime, h.isoSeconds(endMs), 'not changed');
    await end.fill(localInput(endMs));
    await detail.getByLabel('Repeats').fill('2');
    await detail.getByRole('button', { name: 'Save changes' }).click();
    await detail.getByText('Changes saved.').waitFor({ timeout: 10000 });
    await detail.getByText('2 more passes').waitFor({ timeout: 10000 });
    assert.equal(await detail.getByLabel('Repeats').inputValue(), '2', 'the form shows what was saved');
    assert.equal((await describeTask(taskId)).TaskInfo.RepeatNumber, 2);
    await ui.shot(page, 'relays');
    await row.getByRole('button', { name: `Details of ${NAME}` }).click();

    // Stop: offline, stopped by a user.
    await row.getByRole('button', { name: `Stop ${NAME}` }).click();
    await row.locator('.relays-tone-done', { hasText: 'offline' }).waitFor({ timeout: 10000 });
    assert.match(await row.textContent(), /stopped by a user/);
    assert.equal(await row.getByRole('button', { name: `Stop ${NAME}` }).count(), 0, 'no Stop when offline');
    const stopped = await describeTask(taskId);
    assert.equal(stopped.TaskStatus, 3);
    assert.equal(stopped.TaskInvalidReason, 'TriggerByUser');
    await m.waitFor('the relayed stream off air', async () => !(await online()).includes('r1'), 15000, 200);

    // Restart: running again.
    await row.getByRole('button', { name: `Restart ${NAME}` }).click();
    await waitStatus(taskId, 1);
    await row.locator('.relays-tone-ok', { hasText: 'running' }).waitFor({ timeout: 10000 });
    assert.equal(await status.count(), 1);

    // The list's filters (DescribeLivePullToPushList's fuzzy DstUrl and TaskName).
    const dstFilter = page.getByLabel('Destination contains');
    await dstFilter.fill('/relay/nothing-like-this');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No relay matches these filters.').waitFor({ timeout: 10000 });
    await dstFilter.fill('');
    await page.getByLabel('Name contains').fill('console-');
    await page.getByRole('button', { name: 'Filter' }).click();
    await row.waitFor({ timeout: 10000 });

    // Delete, by keyboard: the confirmation has the focus on "Keep it"; Escape keeps the task.
    const del = row.getByRole('button', { name: `Delete ${NAME}` });
    await del.focus();
    await page.keyboard.press('Enter');
    const confirm = row.getByRole('group', { name: /Delete relay/ });
    await confirm.waitFor({ timeout: 5000 });
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Keep it');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached', timeout: 5000 });
    const focusedLabel = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
    assert.equal(focusedLabel, `Delete ${NAME}`, 'the focus is back on Delete');
    assert.equal((await describeTask(taskId)).TaskStatus, 1, 'still there');
    await page.keyboard.press('Enter');
    await confirm.waitFor({ timeout: 5000 });
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Delete for good');
    await page.keyboard.press('Enter');
    await row.waitFor({ state: 'detached', timeout: 10000 });
    await page.getByText('No relay matches these filters.').waitFor({ timeout: 10000 });
    await h.expectActionError(api, 'DescribeLivePullToPush', { Region: REGION, TaskId: taskId }, 404,
      'InvalidTask.NotFound');
    assert.equal(await listTotal(), 0);
    // The refused create is a 400 the browser logs; nothing else.
    const refused = /Failed to load resource: the server responded with a status of 400/;
    assert.deepEqual(problems.filter((p) => !refused.test(p)), [], 'no script error and no CSP violation');
    await page.close();
  });
});
