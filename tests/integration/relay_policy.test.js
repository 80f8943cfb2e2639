'use strict';
// Relays and the address policy (docs/api/relay.md, "Security: every connection is checked"):
// with [relay] allow_private_addresses = false, every connection a relay makes must go to a
// public address — not only the URL the task names, but every redirect, playlist and segment it
// leads to. 127.0.0.2 is declared public for the test ([testing] public_addresses); 127.0.0.1
// stays private. Sources served on 127.0.0.2 relay into liverec's own RTMP ingest (also on
// 127.0.0.2), over http and https; a source that redirects to 127.0.0.1 (http, or https through
// the proxy's CONNECT), or an HLS playlist whose segments lie on 127.0.0.1, fails with
// PullStreamFailed, and nothing ever connects to 127.0.0.1's media servers, which would serve the
// same media if asked.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startReceiver } = require('./receiver.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { addRelayRecordConfig, policyToml, taskTools } = require('./relay_tasks.js');

const PUBLIC = '127.0.0.2';
const PRIVATE = '127.0.0.1';
const DOMAIN = 'policy.example.com';
const REGION = 'cn-shanghai';

// A self-signed certificate for the HTTPS media servers (libavformat does not verify by default).
function makeCertificate(dir) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=media.test']);
  assert.equal(r.status, 0, `openssl could not make a certificate: ${r.stderr}`);
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

// An HTTP server (HTTPS with `tls`) on `host` serving `routes` (path -> (req, res) handler); it
// keeps every request path and counts every TCP connection, whether or not a request follows.
function startMediaServer(host, routes, tls) {
  const seen = { connections: 0, requests: [] };
  const scheme = tls ? 'https' : 'http';
  const handler = (req, res) => {
    seen.requests.push(req.url);
    const route = routes[req.url.split('?')[0]];
    if (route) return route(req, res);
    res.writeHead(404);
    res.end();
  };
  const srv = tls ? https.createServer(tls, handler) : http.createServer(handler);
  srv.on('connection', () => { seen.connections++; });
  return new Promise((resolve) => srv.listen(0, host, () => resolve({
    srv, seen, url: (p) => `${scheme}://${host}:${srv.address().port}${p}`,
  })));
}

const redirectTo = (target) => (req, res) => {
  res.writeHead(302, { Location: target, 'Content-Length': 0 });
  res.end();
};

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
  let privateMedia;  // http and https on 127.0.0.1
  let privateTls;
  let publicMedia;  // http and https on 127.0.0.2
  let publicTls;
  let hlsDir;
  before(async () => {
    assert.ok(!process.env.no_proxy, 'run without no_proxy: while it is set, liverec refuses relays '
      + 'from http(s) sources (docs/api/relay.md, "Security: every connection is checked")');
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
    const tls = makeCertificate(hlsDir);
    privateMedia = await startMediaServer(PRIVATE, mediaRoutes);
    privateTls = await startMediaServer(PRIVATE, mediaRoutes, tls);
    const onPrivate = playlist.split('\n').map((l) => (l.endsWith('.ts') ? privateMedia.url(`/${l}`) : l)).join('\n');
    const publicRoutes = Object.assign({}, mediaRoutes, {
      '/index.m3u8': sendText(playlist, 'application/vnd.apple.mpegurl'),
      '/private-segments.m3u8': sendText(onPrivate, 'application/vnd.apple.mpegurl'),
      '/redirect.flv': redirectTo(privateMedia.url('/live.flv')),
      '/redirect-tls.flv': redirectTo(privateTls.url('/live.flv')),
    });
    publicMedia = await startMediaServer(PUBLIC, publicRoutes);
    publicTls = await startMediaServer(PUBLIC, publicRoutes, tls);

    receiver = await startReceiver('/relay-hooks');
    server = await h.startServer({ rtmpHost: PUBLIC, extraToml: policyToml(PUBLIC) });
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await addRelayRecordConfig(api, DOMAIN);
  });
  after(async () => {
    if (server) await server.stop();
    if (receiver) receiver.srv.close();
    for (const media of [privateMedia, privateTls, publicMedia, publicTls]) if (media) media.srv.close();
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
  const { describeTask, statuses } =
    taskTools({ api: () => api, server: () => server, receiver: () => receiver, region: REGION });
  const offline = (TaskId) => m.waitFor(`task ${TaskId} offline`, async () => {
    const t = await describeTask(TaskId);
    return t.TaskStatus === 3 ? t : null;
  }, 30000, 50);
  async function recordedSeconds(stream) {
    const dir = path.join(server.dataDir, 'buckets', 'records', 'relay', stream);
    const [playlist] = await m.waitFor(`the recording of ${stream}`, () => {
      const found = m.listFiles(dir, '.m3u8');
      return found.length ? found : null;
    }, 20000);
    return [...fs.readFileSync(playlist, 'utf8').matchAll(/#EXTINF:([\d.]+),/g)]
      .reduce((sum, x) => sum + Number(x[1]), 0);
  }
  const refusedConnections = async () => {
    const res = await fetch(`${server.endpoint}/metrics`, { signal: AbortSignal.timeout(10000) });
    const line = (await res.text()).split('\n').find((l) => l.startsWith('liverec_relay_connections_refused_total '));
    assert.ok(line, 'the metric is served');
    return Number(line.split(' ')[1]);
  };
  const privateConnections = () => privateMedia.seen.connections + privateTls.seen.connections;
  const privateRequests = () => [...privateMedia.seen.requests, ...privateTls.seen.requests];
  const refusalLines = () => server.output().split('\n').filter((l) => l.includes('refused') && l.includes(PRIVATE));

  it('relays HTTP-FLV (over http and https) and HLS sources on a public address (the control)', async () => {
    const tasks = [['pub-flv', 'http-flv', publicMedia.url('/live.flv')],
      ['pub-tls', 'http-flv', publicTls.url('/live.flv')], ['pub-hls', 'hls', publicMedia.url('/index.m3u8')]];
    const ids = [];
    for (const [stream, protocol, source] of tasks) ids.push(await create(protocol, source, stream));
    for (const [i, [stream]] of tasks.entries()) {
      // The source ends after its 6 s: a live relay then fails, having run.
      const task = await offline(ids[i]);
      assert.equal(task.TaskInvalidReason, 'PullStreamFailed', stream);
      assert.deepEqual(await statuses(ids[i], 2), [1, 3], `${stream} ran, then its source ended`);
      const recorded = await recordedSeconds(stream);
      assert.ok(Math.abs(recorded - 6) <= 0.6, `${stream}: recorded ${recorded} s of 6 s`);
    }
    assert.ok(publicTls.seen.requests.includes('/live.flv'), 'the https source was read');
    assert.ok(publicMedia.seen.requests.some((r) => r.endsWith('.ts')), 'the HLS segments came from 127.0.0.2');
    assert.equal(privateConnections(), 0, 'nothing connected to 127.0.0.1');
    assert.equal(await refusedConnections(), 0);
  });

  for (const scheme of ['http', 'https']) {
    it(`refuses an ${scheme} redirect to a private address: the relay fails and 127.0.0.1 sees no connection`, async () => {
      const before = await refusedConnections();
      const source = scheme === 'http' ? publicMedia.url('/redirect.flv') : publicTls.url('/redirect-tls.flv');
      const TaskId = await create('http-flv', source, `redirected-${scheme}`);
      const task = await offline(TaskId);
      const asked = scheme === 'http' ? publicMedia : publicTls;
      assert.ok(asked.seen.requests.includes(new URL(source).pathname), 'the relay asked the public source');
      assert.equal(privateConnections(), 0, `nothing connected to 127.0.0.1 (${privateRequests()})`);
      assert.equal(task.TaskInvalidReason, 'PullStreamFailed');
      assert.deepEqual(await statuses(TaskId, 1), [3], 'the task never ran');
      const refused = scheme === 'http' ? `GET ${privateMedia.url('/live.flv')}` : `CONNECT ${new URL(privateTls.url('/')).host}`;
      assert.ok(refusalLines().some((l) => l.includes(refused)),
        `the log names the refused connection (${refused}):\n${server.output().slice(-3000)}`);
      assert.equal(await refusedConnections(), before + 1, 'the refusal is counted');
    });
  }

  it('refuses HLS segments on a private address: the relay fails and 127.0.0.1 sees no connection', async () => {
    const before = await refusedConnections();
    const TaskId = await create('hls', publicMedia.url('/private-segments.m3u8'), 'segments');
    const task = await offline(TaskId);
    assert.ok(publicMedia.seen.requests.includes('/private-segments.m3u8'), 'the relay read the playlist');
    assert.equal(privateConnections(), 0, `nothing connected to 127.0.0.1 (${privateRequests()})`);
    assert.equal(task.TaskInvalidReason, 'PullStreamFailed');
    assert.deepEqual(await statuses(TaskId, 1), [3], 'the task never ran');
    assert.ok(refusalLines().some((l) => l.includes('.ts')),
      `the log names the refused segment:\n${server.output().slice(-3000)}`);
    assert.ok(await refusedConnections() > before, 'the refusals are counted');
  });
});
