'use strict';
// The console's Watch now screen (docs/console.md) in Debian's Chromium: a live ffmpeg publisher
// recorded as m3u8 is on the Live screen; its Watch button opens the stream's watch playlist
// (DescribeLiveStreamWatchUrl, docs/api/watch.md) in hls.js, which plays (currentTime advances,
// no fatal hls.js error, no CSP violation) while the stream is still being recorded, and offers
// the signed URL to copy, which plays in ffprobe too. On the Live screen, the Recording column
// follows Stop recording / Record (RecordStatus), and the latest snapshot (a snapshot config with
// a short TimeInterval) shows as a thumbnail that loads through its signed ImageUrl.
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startConsole } = require('./console_page.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'watch-console.example.com';

describe('the console plays a stream being recorded', () => {
  let ui;
  let pushing;
  before(async () => {
    ui = await startConsole({ extraToml: `${m.TESTING}min_snapshot_interval_s = 1\n` });
    const api = h.popClient(ui.server, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1, DelayTime: 1,
    });
    await api.call('AddLiveAppSnapshotConfig', {
      DomainName: DOMAIN, AppName: 'live', TimeInterval: 2, OssEndpoint: 'local', OssBucket: 'records',
      OverwriteOssObject: 'snapshots/{AppName}/{StreamName}.jpg',
    });
  });
  after(async () => {
    if (pushing) {
      pushing.child.kill('SIGKILL');
      await pushing.done;
    }
    if (ui) await ui.close();
  });

  it('opens Watch now from the Live screen and plays a slice behind live', async () => {
    const { page, problems } = await ui.openSignedIn();
    await page.getByLabel('Domain').fill(DOMAIN);
    await page.getByRole('button', { name: 'Show' }).click();
    pushing = m.push(m.makeTestFlv(90), `rtmp://127.0.0.1:${ui.server.rtmpPort}/live/cam1?vhost=${DOMAIN}`,
      { realtime: true });
    const watch = page.getByRole('link', { name: 'Watch live/cam1' });
    // Generous waits: the sanitizer build runs this beside other browser tests on two cores.
    await watch.waitFor({ timeout: 40000 });
    await watch.click();
    await page.getByRole('heading', { name: 'Watch now' }).waitFor({ timeout: 5000 });
    assert.match(page.url(), new RegExp(`#watch/${DOMAIN}/live/cam1$`));
    const video = page.locator('video');
    await video.waitFor({ timeout: 20000 });
    // Plays: currentTime passes 2 s and keeps advancing.
    await page.waitForFunction(() => document.querySelector('video').currentTime > 2, null, { timeout: 45000 });
    const t1 = await video.evaluate((v) => v.currentTime);
    await page.waitForTimeout(2000);
    const t2 = await video.evaluate((v) => v.currentTime);
    assert.ok(t2 > t1 + 0.5, `currentTime advances: ${t1} -> ${t2}`);
    // A slice behind live: the playlist is still growing (EVENT, no end), and the player is near
    // its newest slice.
    const url = await page.getByLabel(/Playlist URL/).inputValue();
    assert.match(url, new RegExp(`/_watch/local/records/${DOMAIN}/live/cam1/\\d+\\.m3u8\\?auth_key=`));
    const text = await (await fetch(url)).text();
    assert.match(text, /#EXT-X-PLAYLIST-TYPE:EVENT/);
    assert.doesNotMatch(text, /#EXT-X-ENDLIST/);
    const listed = text.split('\n').filter((l) => l.startsWith('#EXTINF')).length;
    const behind = await video.evaluate((v) => (v.seekable.length ? v.seekable.end(0) - v.currentTime : -1));
    assert.ok(behind >= 0 && behind < 12, `near live: ${behind} s behind the newest of ${listed} slices`);
    assert.equal(await page.getByRole('alert').count(), 0, 'no player error shown');
    const stream = m.ffprobe(url).streams.map((s) => s.codec_name).sort();
    assert.deepEqual(stream, ['aac', 'h264'], 'the copied URL plays elsewhere too');
    await ui.shot(page, 'watch');
    // The only answers the browser logs: NoRecordContent (400) while the first slice was not
    // stored yet (the screen waits and asks again).
    assert.deepEqual(problems.filter((p) => !/status of 400 \(Bad Request\)/.test(p)), []);
    await page.close();
  });

  it('stops and starts the recording (state shown), shows the latest snapshot, forbids, resumes', async () => {
    const api = h.popClient(ui.server, h.DEFAULT_KEY, 'POST');
    // A publisher of its own (cam2), so that this test does not depend on the first one's.
    const second = m.push(m.makeTestFlv(90), `rtmp://127.0.0.1:${ui.server.rtmpPort}/live/cam2?vhost=${DOMAIN}`,
      { realtime: true });
    try {
      await liveScreenActions(api);
    } finally {
      second.child.kill('SIGKILL');
      await second.done;
    }
  });

  async function liveScreenActions(api) {
    const { page, problems } = await ui.openSignedIn(undefined, 'live');
    await page.getByLabel('Domain').fill(DOMAIN);
    await page.getByRole('button', { name: 'Show' }).click();
    const row = page.locator('table.streams tbody tr', { hasText: 'cam2' });
    await row.waitFor({ timeout: 40000 });
    assert.equal(await page.locator('table.streams th', { hasText: 'Recording' }).count(), 1);
    const state = row.locator('td.live-record');
    const stateIs = (text, timeout) => row.locator('td.live-record', { hasText: new RegExp(`^${text}$`) })
      .waitFor({ timeout });
    await stateIs('● recording', 10000);
    const slices = () => m.sliceIndex(ui.server).filter((s) => s.object_key.includes('/cam2/')).length;
    await page.getByRole('button', { name: 'Stop recording live/cam2' }).click();
    await row.getByText('Recording stopped.').waitFor({ timeout: 10000 });
    // The new state without a reload, and still after the list's next refreshes (3 s).
    await stateIs('stopped', 5000);
    const stopped = slices();
    await page.waitForTimeout(3500);
    assert.equal(await state.textContent(), 'stopped');
    assert.ok(slices() <= stopped + 1, `no new slices after stop: ${stopped} -> ${slices()}`);
    await page.getByRole('button', { name: 'Record live/cam2' }).click();
    await row.getByText('Recording started.').waitFor({ timeout: 10000 });
    await stateIs('● recording', 5000);
    await m.waitFor('slices again', () => slices() >= stopped + 2, 30000);
    // The latest snapshot (asked every 10 s): a thumbnail named after the stream and its time,
    // loaded through its signed URL.
    const thumbnail = row.getByRole('img', { name: /^Snapshot of live\/cam2 at / });
    await thumbnail.waitFor({ timeout: 30000 });
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumbnail.elementHandle(),
      { timeout: 10000 });
    const src = await thumbnail.getAttribute('src');
    assert.match(src, new RegExp(`^${ui.server.endpoint}/records/snapshots/live/cam2\\.jpg\\?auth_key=`));
    const jpeg = await fetch(src);
    assert.equal(jpeg.headers.get('content-type'), 'image/jpeg');
    await ui.shot(page, 'live');
    await page.getByRole('button', { name: 'Forbid live/cam2' }).click();
    await page.getByRole('heading', { name: `Forbidden on ${DOMAIN}` }).waitFor({ timeout: 10000 });
    const blocked = await api.call('DescribeLiveStreamsBlockList', { DomainName: DOMAIN });
    assert.deepEqual(blocked.body.StreamUrls.StreamUrl, [`${DOMAIN}/live/cam2`]);
    await row.waitFor({ state: 'detached', timeout: 30000 });
    await ui.shot(page, 'live-forbidden');
    await page.getByRole('button', { name: `Resume ${DOMAIN}/live/cam2` }).click();
    await page.getByRole('heading', { name: `Forbidden on ${DOMAIN}` }).waitFor({ state: 'detached', timeout: 10000 });
    const resumed = await api.call('DescribeLiveStreamsBlockList', { DomainName: DOMAIN });
    assert.deepEqual(resumed.body.StreamUrls.StreamUrl, []);
    assert.deepEqual(problems, []);
    await page.close();
  }
});
