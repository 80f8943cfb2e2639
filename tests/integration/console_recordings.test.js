'use strict';
// The console's Recordings screen (docs/console.md) in Debian's Chromium: a stream recorded as
// m3u8 + MP4, published twice by ffmpeg with a gap between, shows on the timeline as two ranges
// (as many as DescribeLiveStreamRecordContent gives from node) with the gap empty; zooming and
// panning change the shown window and ask DescribeLiveStreamRecordContent only for what is shown,
// in calls of at most 4 days (a 7-day window: at most 2 calls; back to a window already seen:
// only its last minutes again); a 20 s range dragged with the mouse becomes a clip
// (CreateLiveStreamRecordIndexFiles) that plays in hls.js at once and exists in the API; the
// files list shows the clip and the closed m3u8 cycles with Play buttons, and the MP4 files
// (DescribeLiveStreamRecordFiles) with Download links that answer an MP4.
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startConsole, SIZES } = require('./console_page.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'recordings-console.example.com';
const STREAM = 'cam1';
const FIRST_S = 24;   // media of the first publish
const SECOND_S = 10;  // and of the second
const GAP_MS = 4000;  // between the first range's end and the second publish
const DAY_MS = 24 * 3600 * 1000;

const names = { DomainName: DOMAIN, AppName: 'live', StreamName: STREAM };

describe('the console shows recordings on a timeline and clips them', () => {
  let ui;
  let client;
  let wall;
  before(async () => {
    // The test section lets an MP4 cycle be as short as 60 s (docs/configuration.md).
    ui = await startConsole({ extraToml: `${m.TESTING}min_cycle_duration_s = 60\n` });
    client = h.popClient(ui.server, h.DEFAULT_KEY, 'POST');
    await client.call('AddLiveAppRecordConfig', {
      ...names, StreamName: '*', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2,
      'RecordFormat.2.Format': 'mp4', 'RecordFormat.2.CycleDuration': 60,
    });
    const url = `rtmp://127.0.0.1:${ui.server.rtmpPort}/live/${STREAM}?vhost=${DOMAIN}`;
    const [first, second] = [m.makeTestFlv(FIRST_S), m.makeTestFlv(SECOND_S)];
    // Faster than real time: slices are timed from the publish's start plus media time, so the
    // first range ends FIRST_S after its start; the second publish waits past that and a gap.
    wall = { s1: Date.now() };
    const r1 = await m.push(first, url).done;
    assert.equal(r1.code, 0, `first push: ${r1.stderr}`);
    await h.sleep(Math.max(0, wall.s1 + FIRST_S * 1000 + GAP_MS - Date.now()));
    wall.s2 = Date.now();
    const r2 = await m.push(second, url).done;
    assert.equal(r2.code, 0, `second push: ${r2.stderr}`);
    await m.waitSettled(ui.server, 30000);
    // Everything recorded is in the past (the second range ends SECOND_S after its publish began).
    await h.sleep(Math.max(0, wall.s2 + (SECOND_S + 2) * 1000 - Date.now()));
  });
  after(async () => {
    if (ui) await ui.close();
  });

  it('draws two ranges, zooms and pans asking only for the shown window, and plays a dragged clip',
    async (t) => {
      const content = (await client.call('DescribeLiveStreamRecordContent', {
        ...names, StartTime: h.isoSeconds(wall.s1 - 60000), EndTime: h.isoSeconds(Date.now() + 60000),
      })).body.RecordContentInfoList.RecordContentInfo;
      assert.equal(content.length, 2, `two recorded ranges: ${JSON.stringify(content)}`);
      // MP4/FLV files are listed by DescribeLiveStreamRecordFiles, new in liverec: an older server
      // does not know it, and the screen says so.
      const haveFiles = await client.call('DescribeLiveStreamRecordFiles', {
        ...names, StartTime: h.isoSeconds(wall.s1 - 60000), EndTime: h.isoSeconds(Date.now() + 60000),
      }).then((res) => res.status === 200, (err) => {
        if (err.code !== 'InvalidAction.NotFound') throw err;
        return false;
      });

      const { page, problems } = await ui.openSignedIn(SIZES.desktop, 'recordings');
      const calls = [];
      page.on('request', (req) => {
        if (req.method() !== 'POST' || new URL(req.url()).pathname !== '/') return;
        const p = new URLSearchParams(req.postData() || '');
        if (p.get('Action') !== 'DescribeLiveStreamRecordContent') return;
        calls.push({ start: Date.parse(p.get('StartTime')), end: Date.parse(p.get('EndTime')) });
      });
      await page.getByRole('heading', { name: 'Recordings' }).waitFor({ timeout: 5000 });
      // The typed domain counts without its own Show button.
      await page.getByLabel('Domain').fill(DOMAIN);
      await page.getByLabel('App').fill('live');
      await page.getByLabel('Stream').fill(STREAM);
      await page.getByRole('button', { name: 'Show recordings' }).click();
      assert.match(page.url(), new RegExp(`#recordings/${DOMAIN}/live/${STREAM}$`));

      const bar = page.locator('.recordings-bar');
      const windowOf = async () => ({
        from: Date.parse(await bar.getAttribute('data-from')),
        to: Date.parse(await bar.getAttribute('data-to')),
      });
      const label = page.locator('.recordings-window');
      // Runs `action`, waits until the window has changed and its content is asked; returns the
      // new window and the content calls the page made for it.
      // "Latest recording" looks back from now instead (4 days a call).
      const step = async (what, action, { lookingBack = false } = {}) => {
        const before = await label.textContent();
        const already = calls.length;
        await action();
        await page.waitForFunction((old) => document.querySelector('.recordings-window').textContent !== old,
          before, { timeout: 5000 });
        await page.waitForTimeout(300);
        await page.locator('.recordings-timeline-box .busy').waitFor({ state: 'detached', timeout: 10000 });
        const win = await windowOf();
        const made = calls.slice(already);
        for (const c of made) {
          assert.ok(c.end - c.start <= 4 * DAY_MS, `${what}: a call of at most 4 days`);
          assert.ok(lookingBack || (c.start >= win.from - 1000 && c.end <= win.to + 1000),
            `${what}: a call within the shown window ${JSON.stringify({ c, win })}`);
        }
        return { win, made };
      };

      // The default window: the last 24 h, asked in one call, with both ranges drawn.
      await page.getByText('2 recorded ranges in this window').waitFor({ timeout: 10000 });
      let win = await windowOf();
      assert.ok(Math.abs(win.to - win.from - DAY_MS) < 1000, 'a 1-day window');
      assert.equal(calls.length, 1, `one call for 1 day: ${JSON.stringify(calls)}`);
      assert.equal(await page.locator('.recordings-block').count(), content.length);

      // Zoom out to 7 days: at most 2 calls, for what the 1-day answer did not hold.
      let r = await step('7 d', () => page.getByRole('button', { name: 'Show 7 d' }).click());
      assert.ok(Math.abs(r.win.to - r.win.from - 7 * DAY_MS) < 1000, '7-day window');
      assert.ok(r.made.length >= 1 && r.made.length <= 2, `7 d: ${r.made.length} calls`);
      // Earlier: only the new half window is asked (3.5 days, one call).
      r = await step('earlier', () => page.getByRole('button', { name: /^Earlier/ }).click());
      assert.ok(r.win.to < Date.now() - 3 * DAY_MS, 'moved 3.5 days back');
      assert.equal(r.made.length, 1, `earlier: ${JSON.stringify(r.made)}`);
      assert.equal(await page.locator('.recordings-block').count(), 0, 'nothing recorded back then');
      await page.getByText('Nothing recorded in this window').waitFor({ timeout: 5000 });
      // Later again: known already, except its last minutes (the server may have stored more since).
      r = await step('later', () => page.getByRole('button', { name: /^Later/ }).click());
      for (const c of r.made) {
        assert.ok(c.end - c.start <= 10 * 60000, `later: only the last minutes: ${c.end - c.start}`);
      }
      // Zoom in: 1 h and then the latest recording, fitted; zoom out once to see both ranges.
      r = await step('1 h', () => page.getByRole('button', { name: 'Show 1 h' }).click());
      assert.ok(Math.abs(r.win.to - r.win.from - 3600000) < 1000);
      r = await step('latest', () => page.getByRole('button', { name: 'Latest recording' }).click(),
        { lookingBack: true });
      for (const c of r.made) assert.ok(c.end - c.start <= 10 * 60000, `latest: known but the last minutes`);
      r = await step('zoom out', () => page.getByRole('button', { name: 'Zoom out' }).click());
      win = r.win;
      assert.ok(win.to - win.from <= 5 * 60000, `minutes shown: ${win.to - win.from}`);
      const blocks = page.locator('.recordings-block');
      assert.equal(await blocks.count(), 2);
      const [b1, b2] = [await blocks.nth(0).boundingBox(), await blocks.nth(1).boundingBox()];
      assert.ok(b2.x - (b1.x + b1.width) > 10, `the gap is drawn empty: ${JSON.stringify([b1, b2])}`);

      // A block's button selects its range with the keyboard.
      await blocks.nth(1).focus();
      await page.keyboard.press('Enter');
      await page.getByText(/^Selected \d+ s/).waitFor({ timeout: 5000 });
      const blockStart = await page.getByLabel('Start (your time zone)').inputValue();
      assert.ok(Math.abs(await page.evaluate((v) => new Date(v).getTime(), blockStart)
        - Date.parse(content[1].StartTime)) <= 1000, `the second range selected: ${blockStart}`);
      // Shorter than a slice (typed): the API's refusal is said in words beside the button.
      const endInput = page.getByLabel('End (your time zone)');
      await endInput.fill(await page.evaluate((v) => {
        const d = new Date(new Date(v).getTime() + 1000);
        const p2 = (n) => String(n).padStart(2, '0');
        return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:`
          + `${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
      }, blockStart));
      await page.locator('.recordings-duration', { hasText: 'Selected 1 s' }).waitFor({ timeout: 5000 });
      await page.getByRole('button', { name: 'Create clip' }).click();
      const refusal = page.locator('.recordings-create [role="alert"]');
      await refusal.waitFor({ timeout: 10000 });
      assert.match(await refusal.textContent(),
        /at least as long as the stream’s slice duration.*InvalidEndTime\.Mismatch/);

      // Drag 20 s over the first range, from 2 s after its start.
      const barBox = await bar.boundingBox();
      const pxPerS = barBox.width / ((win.to - win.from) / 1000);
      const y = barBox.y + barBox.height / 2;
      const x0 = b1.x + 2 * pxPerS;
      await page.mouse.move(x0, y);
      await page.mouse.down();
      await page.mouse.move(x0 + 10 * pxPerS, y, { steps: 4 });
      await page.mouse.move(x0 + 20 * pxPerS, y, { steps: 4 });
      await page.mouse.up();
      await page.locator('.recordings-duration', { hasText: 'Selected 20 s' }).waitFor({ timeout: 5000 });
      assert.equal(await refusal.count(), 0, 'the refusal goes with its selection');
      const start = await page.getByLabel('Start (your time zone)').inputValue();
      const end = await page.getByLabel('End (your time zone)').inputValue();
      const sel = await page.evaluate(([s, e]) => [new Date(s).getTime(), new Date(e).getTime()],
        [start, end]);
      assert.equal(sel[1] - sel[0], 20000);
      const range1 = content[0];
      assert.ok(sel[0] >= Date.parse(range1.StartTime) && sel[1] <= Date.parse(range1.EndTime) + 1000,
        `the selection is within the first range: ${start} – ${end}`);
      assert.equal(await page.locator('.recordings-sel').count(), 1);
      await ui.shot(page, 'recordings');

      // The clip: created, and it plays at once.
      await page.getByRole('button', { name: 'Create clip' }).click();
      await page.getByText('Clip created').waitFor({ timeout: 10000 });
      await page.waitForFunction(() => document.querySelector('.recordings-playing video')?.currentTime > 2,
        null, { timeout: 20000 });
      assert.deepEqual(await page.getByRole('alert').allTextContents(), [], 'no player or API error shown');
      const recordId = await page.locator('.recordings-id code').textContent();
      const clip = (await client.call('DescribeLiveStreamRecordIndexFile', { ...names, RecordId: recordId }))
        .body.RecordIndexInfo;
      assert.match(clip.OssObject, new RegExp(`^index/live/${STREAM}/.+\\.m3u8$`));
      assert.ok(Math.abs(Date.parse(clip.StartTime) - sel[0]) <= 2000,
        `clip starts near ${start}: ${clip.StartTime}`);
      assert.ok(clip.Duration >= 18 && clip.Duration <= 24, `about 20 s: ${clip.Duration}`);
      const clipUrl = await page.getByLabel(/^Clip URL/).inputValue();
      assert.equal(clipUrl.split('?')[0], clip.RecordUrl.split('?')[0], 'the URL to copy is the clip\'s');
      const served = await fetch(clipUrl);
      assert.equal(served.status, 200);
      assert.match(await served.text(), /^#EXTM3U\n[^]*#EXT-X-ENDLIST/);
      await ui.shot(page, 'recordings-clip');

      // The files: the clip and both cycles' playlists, each with Play; Play switches the player.
      const indexRows = page.locator('.recordings-index-files tbody tr');
      await page.waitForFunction(() => document.querySelectorAll('.recordings-index-files tbody tr')
        .length === 3, null, { timeout: 10000 });
      assert.equal(await indexRows.getByRole('button', { name: /^Play / }).count(), 3);
      const cycleCell = page.locator(`td[title^="records/record/live/${STREAM}/"]`);
      assert.equal(await indexRows.filter({ has: cycleCell }).count(), 2, 'the two closed cycles');
      const cycleRow = indexRows.filter({ has: page.locator('td[title^="records/record/"]') }).first();
      await cycleRow.getByRole('button', { name: /^Play / }).click();
      await page.getByRole('heading', { name: /^Playing: Index file/ }).waitFor({ timeout: 5000 });
      await page.waitForFunction(() => document.querySelector('.recordings-playing video')?.currentTime > 1,
        null, { timeout: 20000 });

      // MP4 files with Download links that answer an MP4, and Play for the browser's own player.
      // The refused clip (HTTP 400) is logged by the browser as a failed load; nothing else is.
      let pageErrors = problems.filter((p) => !/Failed to load resource: .* 400/.test(p));
      if (haveFiles) {
        const fileRows = page.locator('.recordings-cycle-files tbody tr');
        await page.waitForFunction(() => document.querySelectorAll('.recordings-cycle-files tbody tr')
          .length === 2, null, { timeout: 10000 });
        const link = fileRows.first().getByRole('link', { name: /^Download / });
        const href = await link.getAttribute('href');
        assert.notEqual(await link.getAttribute('download'), null);
        const res = await fetch(href);
        assert.equal(res.status, 200);
        const head = Buffer.from(await res.arrayBuffer());
        assert.equal(head.toString('latin1', 4, 8), 'ftyp', 'an MP4');
        await fileRows.first().getByRole('button', { name: /^Play / }).click();
        await page.waitForFunction(() => document.querySelector('.recordings-playing video')?.currentTime > 1,
          null, { timeout: 20000 });
      } else {
        t.diagnostic('this liverec has no DescribeLiveStreamRecordFiles: the MP4 list is not tested');
        await page.getByText('This server cannot list MP4 and FLV files').waitFor({ timeout: 10000 });
        pageErrors = pageErrors.filter((p) => !/Failed to load resource: .* 404/.test(p));
      }
      assert.deepEqual(await page.getByRole('alert').allTextContents(), [], 'no error shown');

      // Phone width: nothing wider than the screen, fewer tick labels.
      await page.setViewportSize(SIZES.phone);
      await page.waitForTimeout(300);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= SIZES.phone.width, `nothing overflows at phone width: ${wide}`);
      const phoneTicks = await page.locator('.recordings-tick').count();
      assert.ok(phoneTicks >= 1 && phoneTicks <= 4, `${phoneTicks} tick labels at phone width`);
      assert.deepEqual(pageErrors, []);
      const saved = await page.evaluate(() => localStorage.getItem('liverec.console.recordings'));
      assert.deepEqual(JSON.parse(saved), { app: 'live', stream: STREAM }, 'app and stream remembered');
      await page.close();
    });

  it('opens a stream from a #recordings link, and says so of a stream that never published', async () => {
    const { page, problems } = await ui.openSignedIn(SIZES.desktop, `recordings/${DOMAIN}/live/${STREAM}`);
    await page.getByText('2 recorded ranges in this window').waitFor({ timeout: 10000 });
    assert.equal(await page.getByLabel('Domain').inputValue(), DOMAIN);
    assert.equal(await page.getByLabel('Stream').inputValue(), STREAM);
    await page.getByLabel('Stream').fill('nobody');
    await page.getByRole('button', { name: 'Show recordings' }).click();
    await page.getByText('This stream has never published on this domain').waitFor({ timeout: 10000 });
    assert.match(page.url(), new RegExp(`#recordings/${DOMAIN}/live/nobody$`));
    assert.equal(await page.getByRole('button', { name: 'Create clip' }).count(), 0);
    // The API's refusals (HTTP 400/404) are logged by the browser as failed loads; nothing else.
    assert.deepEqual(problems.filter((p) => !/Failed to load resource: .* 40[04]/.test(p)), []);
    await page.close();
  });
});
