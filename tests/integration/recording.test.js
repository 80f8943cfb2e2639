'use strict';
// RTMP ingest and TS-slice recording, end to end: the API configures recording, real ffmpeg
// publishes (faster than real time), ffprobe validates what liverec stored and serves.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const { TESTING } = m;

async function addConfig(server, params) {
  const client = popClient(server, DEFAULT_KEY, 'POST');
  return client.call('AddLiveAppRecordConfig', Object.assign({
    OssEndpoint: 'local', OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8', DelayTime: 1,
  }, params));
}

describe('recording H.264 + AAC pushed by ffmpeg', () => {
  let server;
  let flv;
  const PUSHED_S = 30;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    server = await startServer({ extraToml: TESTING });
    await addConfig(server, { DomainName: 'rec.example.com', AppName: 'live', StreamName: '*',
      'RecordFormat.1.SliceDuration': 10 });
  });
  after(async () => { if (server) await server.stop(); });

  it('records playable 10 s slices, an m3u8 served over HTTP, and a matching slice index', async () => {
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=rec.example.com`;
    const pushed = await m.push(flv, url).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);

    const bucket = path.join(server.dataDir, 'buckets', 'records');
    await m.waitFor('the cycle playlist', () => m.listFiles(bucket, '.m3u8').length || null, 30000);
    await m.waitSettled(server);  // counted when a file more would be here
    const playlists = m.listFiles(bucket, '.m3u8');
    assert.equal(playlists.length, 1);
    const playlistKey = path.relative(bucket, playlists[0]);
    assert.match(playlistKey, /^record\/live\/s1\/\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d_\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.m3u8$/);
    const text = fs.readFileSync(playlists[0], 'utf8');
    assert.match(text, /^#EXTM3U\n/);
    assert.match(text, /#EXT-X-ENDLIST\n$/);

    const slices = m.listFiles(bucket, '.ts');
    assert.equal(slices.length, 3, `expected 3 slices of 10 s, got ${slices.length}`);
    let total = 0;
    for (const slice of slices) {
      const probe = m.ffprobe(slice);
      const video = probe.streams.find((s) => s.codec_type === 'video');
      const audio = probe.streams.find((s) => s.codec_type === 'audio');
      assert.equal(video.codec_name, 'h264');
      assert.equal(video.width, 1280);
      assert.equal(video.height, 720);
      assert.equal(audio.codec_name, 'aac');
      assert.equal(Number(audio.sample_rate), 44100);
      const decoded = m.decodeAll(slice);
      assert.equal(decoded.status, 0, decoded.stderr);
      assert.equal(decoded.stderr, '', `decoding ${slice}: ${decoded.stderr}`);
      total += Number(probe.format.duration);
      // Relative, percent-encoded URIs in the playlist.
      assert.ok(text.includes(`\n${path.basename(slice)}\n`), `${path.basename(slice)} not in playlist`);
    }
    assert.ok(Math.abs(total - PUSHED_S) <= 0.5, `slices sum to ${total} s, pushed ${PUSHED_S} s`);

    // The m3u8 plays end to end over HTTP from liverec, through a signed URL (the bucket is
    // private; the segments get their tokens in the playlist served).
    const playlistUrl = server.signedUrl(playlistKey);
    const overHttp = m.ffprobe(playlistUrl);
    assert.ok(Math.abs(Number(overHttp.format.duration) - PUSHED_S) <= 0.5,
      `playlist over HTTP lasts ${overHttp.format.duration} s`);
    const played = m.decodeAll(playlistUrl);
    assert.equal(played.status, 0, played.stderr);

    // The slice index matches the files.
    const rows = m.sliceIndex(server);
    assert.equal(rows.length, slices.length);
    for (const [i, row] of rows.entries()) {
      const file = path.join(bucket, row.object_key);
      assert.ok(fs.existsSync(file), `indexed ${row.object_key} is not in the bucket`);
      assert.equal(row.bytes, fs.statSync(file).size);
      assert.equal(row.endpoint, 'local');
      assert.equal(row.bucket, 'records');
      assert.equal(row.video_codec, 'h264');
      assert.equal(row.audio_codec, 'aac');
      assert.equal(row.width, 1280);
      assert.equal(row.height, 720);
      assert.equal(row.sequence, i);
      assert.equal(row.end_ms - row.start_ms, row.duration_ms);
      const probed = Number(m.ffprobe(file).format.duration) * 1000;
      assert.ok(Math.abs(probed - row.duration_ms) <= 100, `${row.object_key}: index ${row.duration_ms} ms, file ${probed} ms`);
      if (i > 0) assert.equal(row.start_ms, rows[i - 1].end_ms, 'slices are back to back');
      assert.match(row.object_key, new RegExp(`^record/live/s1/${Math.floor(row.start_ms / 1000)}_${i}\\.ts$`));
    }
  });
});

describe('publishes pushed faster than real time, back to back', () => {
  let server;
  before(async () => {
    server = await startServer({ extraToml: TESTING });
    await addConfig(server, { DomainName: 'b2b.example.com', AppName: 'live', StreamName: '*',
      'RecordFormat.1.SliceDuration': 2 });
  });
  after(async () => { if (server) await server.stop(); });

  it('never overlap: a new publish starts after the previous one ended', async () => {
    const flv = m.makeTestFlv(4);
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=b2b.example.com`;
    for (let i = 0; i < 2; i++) {
      const r = await m.push(flv, url).done;
      assert.equal(r.code, 0, r.stderr);
    }
    const rows = await m.waitFor('4 indexed slices', () => {
      const r = m.sliceIndex(server);
      return r.length >= 4 ? r : null;
    }, 20000);
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i].start_ms >= rows[i - 1].end_ms,
        `slice ${i} starts at ${rows[i].start_ms}, before the previous end ${rows[i - 1].end_ms}`);
    }
  });
});

describe('ingest admission', () => {
  let server;
  let flv;
  const AUTH = `
[[domains]]
account = "tenant-b"
name = "auth.example.com"
[domains.auth]
primary_key = "primarykey1"
secondary_key = "secondarykey1"
validity_s = 60
`;
  before(async () => {
    flv = m.makeTestFlv(4);
    server = await startServer({ extraToml: TESTING + AUTH });
  });
  after(async () => { if (server) await server.stop(); });

  it('accepts a valid auth_key (primary or secondary) and refuses missing, expired and wrong ones', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = `rtmp://127.0.0.1:${server.rtmpPort}/live/a1?vhost=auth.example.com`;
    const ok1 = await m.push(flv, `${base}&auth_key=${m.authKey('/live/a1', now, 'primarykey1')}`).done;
    assert.equal(ok1.code, 0, ok1.stderr);
    const ok2 = await m.push(flv, `${base}&auth_key=${m.authKey('/live/a1', now, 'secondarykey1')}`).done;
    assert.equal(ok2.code, 0, ok2.stderr);
    for (const [name, url] of [
      ['missing', base],
      ['expired', `${base}&auth_key=${m.authKey('/live/a1', now - 120, 'primarykey1')}`],
      ['wrong key', `${base}&auth_key=${m.authKey('/live/a1', now, 'otherkey')}`],
      ['other stream', `${base}&auth_key=${m.authKey('/live/a2', now, 'primarykey1')}`],
    ]) {
      const r = await m.push(flv, url).done;
      assert.notEqual(r.code, 0, `${name} auth_key was accepted`);
    }
    assert.match(server.output(), /publish of auth\.example\.com\/live\/a1 refused: auth_key refused: missing/);
    assert.match(server.output(), /auth_key refused: expired/);
    assert.match(server.output(), /auth_key refused: wrong signature/);
  });

  it('refuses stream names that are not valid names', async () => {
    const r = await m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/bad$name?vhost=open.example.com`).done;
    assert.notEqual(r.code, 0, 'an invalid stream name was accepted');
    assert.match(server.output(), /publish refused: invalid domain, app or stream name/);
  });

  it('refuses a second publisher of a live stream', async () => {
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/dup?vhost=open.example.com`;
    const long = m.makeTestFlv(30);
    const first = m.push(long, url, { realtime: true });
    await m.waitFor('the first publisher', () => /publishing open\.example\.com\/live\/dup/.test(server.output()), 15000);
    const second = await m.push(flv, url).done;
    assert.notEqual(second.code, 0, 'the second publisher was accepted');
    assert.match(server.output(), /open\.example\.com\/live\/dup refused: stream is already being published$/m);
    first.child.kill('SIGKILL');
    await first.done;
  });
});
