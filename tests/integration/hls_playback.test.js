'use strict';
// A recorded m3u8 plays in a browser: hls.js in Debian's Chromium (driven by playwright-core,
// headless) plays the cycle playlist of an H.264 + AAC recording to its end, through slices that
// liverec's own TS muxer wrote (docs/recording.md "How TS slices are written"), with no hls.js
// error and the picture size of the source. The page and hls.js come from a small server of the
// test on 127.0.0.1, which passes /records/... on to liverec's bucket (same origin for hls.js).
// The bucket is private: the page plays a signed URL (`liverec url`, server.signedUrl) as is, and
// the segments come with the tokens liverec adds to the playlist it serves.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
// The npm packages of the tests live in tests/conformance (scripts/install-deps.sh).
const MODULES = path.join(__dirname, '..', 'conformance', 'node_modules');
const { chromium } = require(path.join(MODULES, 'playwright-core'));
const { startServer, popClient, DEFAULT_KEY, assertSignedUrl, sleep } = require('../conformance/harness.js');
const m = require('./media.js');

const CHROMIUM = '/usr/lib/chromium/chromium';
const HLS_JS = path.join(MODULES, 'hls.js', 'dist', 'hls.min.js');
const PUSHED_S = 12;
const URL_EXPIRY_S = 20;
const PAGE = '<!doctype html><html><body><script src="/hls.js"></script></body></html>';

// Serves the page and hls.js, and passes /records/... to `upstream` (liverec's HTTP endpoint),
// query (the token) included; `answers` lists each passed request's path and liverec's status.
function startPageServer(upstream) {
  const answers = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(PAGE);
    }
    if (req.url === '/hls.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      return res.end(fs.readFileSync(HLS_JS));
    }
    if (!req.url.startsWith('/records/')) {
      res.writeHead(404);
      return res.end();
    }
    http.get(`${upstream}${req.url}`, (up) => {
      answers.push({ path: req.url.split('?')[0], signed: /[?&]auth_key=/.test(req.url), status: up.statusCode });
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    }).on('error', () => { res.writeHead(502); res.end(); });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    answers,
    stop: () => new Promise((r) => server.close(r)),
  })));
}

// In the page: plays `src` with hls.js at 4x until it ends (or `timeoutMs`), and reports.
async function playInPage([src, timeoutMs]) {
  /* global Hls, document */
  const video = document.createElement('video');
  video.muted = true;
  document.body.append(video);
  const errors = [];
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (event, data) => errors.push(
    `${data.type}/${data.details}${data.fatal ? ' (fatal)' : ''}${data.reason ? `: ${data.reason}` : ''}`));
  const parsed = new Promise((resolve) => hls.on(Hls.Events.MANIFEST_PARSED, resolve));
  hls.loadSource(src);
  hls.attachMedia(video);
  await parsed;
  const ended = new Promise((resolve) => {
    video.addEventListener('ended', resolve);
    setTimeout(resolve, timeoutMs);
  });
  video.playbackRate = 4;
  await video.play();
  await ended;
  const quality = video.getVideoPlaybackQuality();
  const ranges = (r) => Array.from({ length: r.length }, (_, i) => [r.start(i), r.end(i)]);
  const buffered = {};
  for (const [type, track] of Object.entries(hls.bufferController?.tracks || {})) {
    if (track.buffer) buffered[type] = ranges(track.buffer.buffered);
  }
  return {
    buffered,
    ended: video.ended, currentTime: video.currentTime, duration: video.duration, errors,
    width: video.videoWidth, height: video.videoHeight,
    frames: quality.totalVideoFrames, dropped: quality.droppedVideoFrames,
  };
}

// Records PUSHED_S s of H.264 + AAC on a fresh server whose slices `muxer` writes, and plays the
// cycle playlist in a new page; the page's report.
async function recordAndPlay(browser, muxer, { checkExpiry = false } = {}) {
  // RecordUrls of the records bucket expire after URL_EXPIRY_S: long enough to play, short
  // enough to see the same URL refused afterwards.
  const server = await startServer({ extraToml: `${m.TESTING}\n[recording]\nts_muxer = "${muxer}"\n` +
    `\n[[buckets]]\nname = "records"\nurl_expiry_s = ${URL_EXPIRY_S}\n` });
  let pages;
  try {
    await popClient(server, DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
      DomainName: 'hls.example.com', AppName: 'live', StreamName: '*', OssEndpoint: 'local',
      OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 4,
      DelayTime: 1,
    });
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/play?vhost=hls.example.com`;
    const pushed = await m.push(m.makeTestFlv(PUSHED_S), url).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    const dir = path.join(server.dataDir, 'buckets', 'records', 'record', 'live', 'play');
    const playlist = (await m.waitFor('the cycle playlist',
      () => { const p = m.listFiles(dir, '.m3u8'); return p.length ? p : null; }, 30000))[0];
    const key = path.relative(path.join(server.dataDir, 'buckets', 'records'), playlist);
    pages = await startPageServer(server.endpoint);
    const page = await browser.newPage();
    const log = [];
    page.on('console', (msg) => log.push(msg.text()));
    page.on('pageerror', (err) => log.push(String(err)));
    await page.goto(`${pages.url}/`);
    // The RecordUrl the API answers for the cycle's playlist, played as it is (same origin via
    // the page server).
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const listed = (await popClient(server, DEFAULT_KEY, 'POST').call('DescribeLiveStreamRecordIndexFiles', {
      DomainName: 'hls.example.com', AppName: 'live', StreamName: 'play',
      StartTime: iso(Date.now() - 3600000), EndTime: iso(Date.now() + 60000),
    })).body.RecordIndexInfoList.RecordIndexInfo;
    const info = listed.find((i) => i.OssObject === key);
    assert.ok(info, `the cycle playlist ${key} is listed: ${JSON.stringify(listed)}`);
    const expires = assertSignedUrl(info.RecordUrl, `${server.endpoint}/records/${key}`, { lifetimeS: URL_EXPIRY_S });
    const signed = new URL(info.RecordUrl);
    const src = `${pages.url}${signed.pathname}${signed.search}`;
    const result = await page.evaluate(playInPage, [src, 30000])
      .catch((err) => ({ failed: String(err) }));
    const answers = pages.answers.slice();
    // Once it has expired, the same URL is refused, to the browser too (checked once: it waits).
    let expired = null;
    if (checkExpiry) {
      const wait = expires * 1000 - Date.now() + 1200;
      assert.ok(wait < (URL_EXPIRY_S + 2) * 1000, `${wait} ms`);
      if (wait > 0) await sleep(wait);
      expired = await page.evaluate(async (u) => (await fetch(u, { cache: 'no-store' })).status, src);
    }
    await page.close();
    return { muxer, result, answers, expired, log: log.slice(-20) };
  } finally {
    if (pages) await pages.stop();
    await server.stop();
  }
}

describe('a recorded m3u8 in hls.js (Chromium)', () => {
  let browser;
  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} missing (scripts/install-deps.sh installs chromium)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-dev-shm-usage', '--autoplay-policy=no-user-gesture-required'],
    });
  });
  after(async () => { if (browser) await browser.close(); });

  it('plays H.264 + AAC slices of the own TS muxer to the end, as those of libavformat', async (t) => {
    const own = await recordAndPlay(browser, 'own', { checkExpiry: true });
    const libav = await recordAndPlay(browser, 'libavformat');
    const report = JSON.stringify({ own, libav });
    t.diagnostic(report);
    assert.equal(own.expired, 403, `the RecordUrl is refused once expired: ${report}`);
    for (const { result, answers } of [own, libav]) {
      // The playlist and each slice were read with a token of their own, and none was refused.
      assert.ok(answers.some((a) => a.path.endsWith('.m3u8')), report);
      assert.ok(answers.filter((a) => a.path.endsWith('.ts')).length >= PUSHED_S / 4, report);
      for (const a of answers) {
        assert.ok(a.signed && [200, 206].includes(a.status), `${JSON.stringify(a)}: ${report}`);
      }
      assert.equal(result.ended, true, report);
      assert.deepEqual(result.errors.filter((e) => e.includes(' (fatal)')), [], report);
      assert.ok(Math.abs(result.duration - PUSHED_S) <= 0.5, report);
      assert.ok(Math.abs(result.currentTime - result.duration) <= 0.1, report);
      assert.equal(result.width, 1280, report);
      assert.equal(result.height, 720, report);
    }
    // Both muxers' slices buffer the same way: one range per track with no hole inside (video
    // starts at its first presentation time, after the B-frame delay; audio at its first frame).
    assert.deepEqual(own.result.buffered, libav.result.buffered, report);
    for (const ranges of Object.values(own.result.buffered)) assert.equal(ranges.length, 1, report);
    // Every frame shown, with either muxer's slices. Playback starts at 0, before the first video
    // frame (0.08 s here), and hls.js sometimes seeks over that start gap (a non-fatal
    // `bufferSeekOverHole`, for either muxer, depending on when playback starts); Chromium then
    // decodes the frames from the keyframe to the seek target again and counts them twice. So
    // non-fatal errors are reported, not compared, and the count is at least every frame and at
    // most a second more.
    for (const { result } of [own, libav]) {
      assert.ok(result.frames >= PUSHED_S * 25 && result.frames <= (PUSHED_S + 1) * 25, report);
    }
  });
});
