'use strict';
// Relays and the address policy (docs/api/relay.md, "Security: every connection is checked"):
// with [relay] allow_private_addresses = false, every connection a relay makes must go to a
// public address — not only the URL the task names, but every redirect, playlist and segment it
// leads to. 127.0.0.2 is declared public for the test ([testing] public_addresses); 127.0.0.1
// stays private. Sources served on 127.0.0.2 relay into liverec's own RTMP ingest (also on
// 127.0.0.2); a source that redirects to 127.0.0.1, or an HLS playlist whose segments lie on
// 127.0.0.1, fails with PullStreamFailed, and nothing ever connects to 127.0.0.1's media server,
// which would serve the same media if asked.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startReceiver } = require('./receiver.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const PUBLIC = '127.0.0.2';
const PRIVATE = '127.0.0.1';
const DOMAIN = 'policy.example.com';
const REGION = 'cn-shanghai';

// An HTTP server on `host` serving `routes` (path -> (req, res) handler); it keeps every request
// path and counts every TCP connection, whether or not a request follows.
function startMediaServer(host, routes) {
  const seen = { connections: 0, requests: [] };
  const srv = http.createServer((req, res) => {
    seen.requests.push(req.url);
    const route = routes[req.url.split('?')[0]];
    if (route) return route(req, res);
    res.writeHead(404);
    res.end();
  });
  srv.on('connection', () => { seen.connections++; });
  return new Promise((resolve) => srv.listen(0, host, () => resolve({
    srv, seen, url: (p) => `http://${host}:${srv.address().port}${p}`,
  })));
}

const sendFile = (file, type) => (req, res) => {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': fs.statSync(file).size });
  fs.createReadStream(file).pipe(res);
};
const sendText = (text, type) => (req, res) => {
  res.writeHead(200, { 'Content-Type': type });
  res.end(text);
};

describe('relay connections follow the address policy', () => {
  let server;
  let api;
  let receiver;
  let privateMedia;
  let publicMedia;
  let hlsDir;
  before(async () => {
    const flv = m.makeTestFlv(6);
    hlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-relay-policy-'));
    const made = spawnSync('ffmpeg', ['-v', 'error', '-i', flv, '-c', 'copy', '-f', 'hls', '-hls_time', '2',
      '-hls_playlist_type', 'vod', path.join(hlsDir, 'index.m3u8')]);
    assert.equal(made.status, 0, String(made.stderr));
    const playlist = fs.readFileSync(path.join(hlsDir, 'index.m3u8'), 'utf8');
    const segments = playlist.split('\n').filter((l) => l.endsWith('.ts'));
    assert.ok(segments.length >= 3, 'ffmpeg made the HLS segments');

    // 127.0.0.1 serves the same media: a relay that reached it would work.
    const mediaRoutes = { '/live.flv': sendFile(flv, 'video/x-flv') };
    for (const s of segments) mediaRoutes[`/${s}`] = sendFile(path.join(hlsDir, s), 'video/mp2t');
    privateMedia = await startMediaServer(PRIVATE, mediaRoutes);
    const onPrivate = playlist.split('\n').map((l) => (l.endsWith('.ts') ? privateMedia.url(`/${l}`) : l)).join('\n');
    publicMedia = await startMediaServer(PUBLIC, Object.assign({}, mediaRoutes, {
      '/index.m3u8': sendText(playlist, 'application/vnd.apple.mpegurl'),
      '/private-segments.m3u8': sendText(onPrivate, 'application/vnd.apple.mpegurl'),
      '/redirect.flv': (req, res) => {
        res.writeHead(302, { Location: privateMedia.url('/live.flv'), 'Content-Length': 0 });
        res.end();
      },
    }));

    receiver = await startReceiver('/relay-hooks');
    server = await h.startServer({ rtmpHost: PUBLIC, extraToml: `${m.TESTING}min_retry_interval_s = 1
public_addresses = ["${PUBLIC}"]

[relay]
allow_private_addresses = false

${m.FAST_CALLBACKS}` });
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'relay', StreamName: '*',
      OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1, 'RecordFormat.1.Format': 'm3u8',
      'RecordFormat.1.SliceDuration': 2,
      'RecordFormat.1.OssObjectPrefix': 'relay/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
      'RecordFormat.1.SliceOssObjectPrefix': 'relay/{StreamName}/ts/{UnixTimestamp}_{Sequence}' });
  });
  after(async () => {
    if (server) await server.stop();
    if (receiver) receiver.srv.close();
    if (privateMedia) privateMedia.srv.close();
    if (publicMedia) publicMedia.srv.close();
    if (hlsDir) fs.rmSync(hlsDir, { recursive: true, force: true });
  });

  const dstUrl = (stream) => `rtmp://${PUBLIC}:${server.rtmpPort}/relay/${stream}?vhost=${DOMAIN}`;
  async function create(protocol, source, stream) {
    const res = await api.call('CreateLivePullToPush', {
      Region: REGION, StartTime: h.isoSeconds(Date.now() - 1000), EndTime: h.isoSeconds(Date.now() + 600000),
      SourceType: 'live', SourceProtocol: protocol, SourceUrls: JSON.stringify([source]), DstUrl: dstUrl(stream),
      RetryCount: 0, CallbackUrl: receiver.url,
    });
    assert.equal(res.body.RetCode, 0, JSON.stringify(res.body));
    return res.body.TaskId;
  }
  const describeTask = async (TaskId) => (await api.call('DescribeLivePullToPush', { Region: REGION, TaskId })).body;
  const offline = (TaskId) => m.waitFor(`task ${TaskId} offline`, async () => {
    const t = await describeTask(TaskId);
    return t.TaskStatus === 3 ? t : null;
  }, 30000, 50);
  const statuses = async (TaskId, count) => {
    await m.waitFor(`${count} callbacks of ${TaskId}`,
      () => receiver.events.filter((e) => e.TaskId === TaskId).length >= count, 5000, 50);
    await m.waitFor('every callback delivered', () => m.inHand(server.dataDir).callbacks === 0, 5000, 50);
    return receiver.events.filter((e) => e.TaskId === TaskId).map((e) => e.TaskStatus);
  };
  async function recordedSeconds(stream) {
    const dir = path.join(server.dataDir, 'buckets', 'records', 'relay', stream);
    const [playlist] = await m.waitFor(`the recording of ${stream}`, () => {
      const found = m.listFiles(dir, '.m3u8');
      return found.length ? found : null;
    }, 20000);
    return [...fs.readFileSync(playlist, 'utf8').matchAll(/#EXTINF:([\d.]+),/g)]
      .reduce((sum, x) => sum + Number(x[1]), 0);
  }
  const refusalLines = () => server.output().split('\n').filter((l) => l.includes('refused') && l.includes(PRIVATE));

  it('relays HTTP-FLV and HLS sources on a public address (the control)', async () => {
    const flvTask = await create('http-flv', publicMedia.url('/live.flv'), 'pub-flv');
    const hlsTask = await create('hls', publicMedia.url('/index.m3u8'), 'pub-hls');
    for (const [TaskId, stream] of [[flvTask, 'pub-flv'], [hlsTask, 'pub-hls']]) {
      // The source ends after its 6 s: a live relay then fails, having run.
      const task = await offline(TaskId);
      assert.equal(task.TaskInvalidReason, 'PullStreamFailed', stream);
      assert.deepEqual(await statuses(TaskId, 2), [1, 3], `${stream} ran, then its source ended`);
      const recorded = await recordedSeconds(stream);
      assert.ok(Math.abs(recorded - 6) <= 0.6, `${stream}: recorded ${recorded} s of 6 s`);
    }
    assert.ok(publicMedia.seen.requests.some((r) => r.endsWith('.ts')), 'the HLS segments came from 127.0.0.2');
    assert.equal(privateMedia.seen.connections, 0, 'nothing connected to 127.0.0.1');
  });

  it('refuses a redirect to a private address: the relay fails and 127.0.0.1 sees no connection', async () => {
    const TaskId = await create('http-flv', publicMedia.url('/redirect.flv'), 'redirected');
    const task = await offline(TaskId);
    assert.ok(publicMedia.seen.requests.includes('/redirect.flv'), 'the relay asked the public source');
    assert.equal(privateMedia.seen.connections, 0, `nothing connected to 127.0.0.1 (${privateMedia.seen.requests})`);
    assert.equal(task.TaskInvalidReason, 'PullStreamFailed');
    assert.deepEqual(await statuses(TaskId, 1), [3], 'the task never ran');
    assert.ok(refusalLines().some((l) => l.includes('/live.flv')),
      `the log names the refused connection:\n${server.output().slice(-3000)}`);
  });

  it('refuses HLS segments on a private address: the relay fails and 127.0.0.1 sees no connection', async () => {
    const TaskId = await create('hls', publicMedia.url('/private-segments.m3u8'), 'segments');
    const task = await offline(TaskId);
    assert.ok(publicMedia.seen.requests.includes('/private-segments.m3u8'), 'the relay read the playlist');
    assert.equal(privateMedia.seen.connections, 0, `nothing connected to 127.0.0.1 (${privateMedia.seen.requests})`);
    assert.equal(task.TaskInvalidReason, 'PullStreamFailed');
    assert.deepEqual(await statuses(TaskId, 1), [3], 'the task never ran');
    assert.ok(refusalLines().some((l) => l.includes('.ts')),
      `the log names the refused segment:\n${server.output().slice(-3000)}`);
  });
});
