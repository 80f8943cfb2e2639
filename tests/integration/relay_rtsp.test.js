'use strict';
// Live RTSP sources (docs/api/relay.md): a real RTSP server (GStreamer's, tests/integration/
// rtsp_server.py) serves H.264 + AAC, and a pull-to-push task relays it into liverec's own RTMP
// ingest, which lists it live and records it. The relay reads RTP interleaved on its one TCP
// connection. The address policy is on: 127.0.0.2 is declared public ([testing]
// public_addresses), 127.0.0.1 stays private, so the relay's connection is pinned and checked as
// in production; an RTSP server that redirects to 127.0.0.1 fails the task and 127.0.0.1 sees no
// connection. A server that is not there fails the task at once, without a hang.
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startReceiver } = require('./receiver.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { addRelayRecordConfig, policyToml, taskTools } = require('./relay_tasks.js');
const { freePort } = require('./nginx_rtmp.js');

const PUBLIC = '127.0.0.2';
const PRIVATE = '127.0.0.1';
const DOMAIN = 'rtsp.example.com';
const REGION = 'cn-shanghai';
// Debian's python3, where python3-gi lives (a python3 earlier on PATH may not have it).
const PYTHON = '/usr/bin/python3';

// Starts rtsp_server.py serving `file` on `address`; resolves {url(path), stop()} once it listens.
function startRtspServer(file, address) {
  const child = spawn(PYTHON, [path.join(__dirname, 'rtsp_server.py'), file, address],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`rtsp_server.py did not start: ${err}`)); }, 15000);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`rtsp_server.py exited (${code}): ${err}`)); });
    child.stdout.on('data', (d) => {
      out += d;
      const port = /PORT (\d+)/.exec(out);
      if (!port) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: (p) => `rtsp://${address}:${port[1]}${p}`,
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.on('exit', () => done());
          child.kill('SIGKILL');
        }),
      });
    });
  });
}

// A TCP server on `host` that counts connections and answers each RTSP request head with `answer`.
function startScriptedServer(host, answer) {
  const seen = { connections: 0, requests: [] };
  const srv = net.createServer((socket) => {
    seen.connections++;
    let head = '';
    socket.on('data', (d) => {
      head += d;
      if (!head.includes('\r\n\r\n')) return;
      seen.requests.push(head.split('\r\n')[0]);
      socket.end(answer(head));
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => srv.listen(0, host, () => resolve({ srv, seen, port: srv.address().port })));
}

describe('pull-to-push relay from a live RTSP server', () => {
  let server;
  let api;
  let receiver;
  let rtsp;
  let dir;
  let redirector;
  let privateRtsp;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-relay-rtsp-'));
    const mp4 = path.join(dir, 'live.mp4');
    const made = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', m.makeTestFlv(30), '-c', 'copy', mp4]);
    assert.equal(made.status, 0, `ffmpeg could not make the MP4: ${made.stderr}`);
    rtsp = await startRtspServer(mp4, PUBLIC);
    // 127.0.0.1: something that would answer; it must never see a connection.
    privateRtsp = await startScriptedServer(PRIVATE, () => 'RTSP/1.0 404 Not Found\r\nCSeq: 1\r\n\r\n');
    redirector = await startScriptedServer(PUBLIC, () =>
      `RTSP/1.0 302 Moved Temporarily\r\nCSeq: 1\r\nLocation: rtsp://${PRIVATE}:${privateRtsp.port}/live\r\n\r\n`);
    receiver = await startReceiver('/relay-hooks');
    server = await h.startServer({ rtmpHost: PUBLIC, extraToml: policyToml(PUBLIC) });
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await addRelayRecordConfig(api, DOMAIN);
  });
  after(async () => {
    if (server) await server.stop();
    if (rtsp) await rtsp.stop();
    for (const s of [redirector, privateRtsp]) if (s) s.srv.close();
    if (receiver) receiver.srv.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const dstUrl = (stream) => `rtmp://${PUBLIC}:${server.rtmpPort}/relay/${stream}?vhost=${DOMAIN}`;
  const createCall = (source, stream) => api.call('CreateLivePullToPush', {
    Region: REGION, StartTime: h.isoSeconds(Date.now() - 1000), EndTime: h.isoSeconds(Date.now() + 600000),
    SourceType: 'live', SourceProtocol: 'rtsp', SourceUrls: JSON.stringify([source]), DstUrl: dstUrl(stream),
    RetryCount: 0, CallbackUrl: receiver.url,
  });
  async function create(source, stream) {
    const res = await createCall(source, stream);
    assert.equal(res.body.RetCode, 0, JSON.stringify(res.body));
    return res.body.TaskId;
  }
  const { describeTask, waitStatus, statuses } =
    taskTools({ api: () => api, server: () => server, receiver: () => receiver, region: REGION });
  const onlineInfo = async (stream) => {
    const res = await api.call('DescribeLiveStreamsOnlineList', { DomainName: DOMAIN, PageSize: 100 });
    return res.body.OnlineInfo.LiveStreamOnlineInfo.find((s) => s.StreamName === stream) || null;
  };

  it('relays H.264 + AAC from the RTSP server into liverec, live and recorded, until stopped', async () => {
    const TaskId = await create(rtsp.url('/live'), 'cam1');
    await waitStatus(TaskId, 1);
    // Listed once published; its codecs once the first audio and video have arrived.
    const info = await m.waitFor('cam1 live with both codecs', async () => {
      const found = await onlineInfo('cam1');
      return found && found.VideoCodecId && found.AudioCodecId ? found : null;
    }, 15000, 50);
    assert.equal(info.VideoCodecId, 7, 'H.264');
    assert.equal(info.AudioCodecId, 10, 'AAC');
    const recorded = path.join(server.dataDir, 'buckets', 'records', 'relay', 'cam1', 'ts');
    await m.waitFor('a recorded segment of cam1', () => m.listFiles(recorded, '.ts').length >= 2 || null, 20000);

    await api.call('StopLivePullToPush', { Region: REGION, TaskId });
    const task = await waitStatus(TaskId, 3, 5000);
    assert.equal(task.TaskInvalidReason, 'TriggerByUser');
    await m.waitFor('cam1 no longer live', async () => (await onlineInfo('cam1')) === null, 15000, 50);
    assert.deepEqual(await statuses(TaskId, 2), [1, 3]);
  });

  it('fails a task whose RTSP server is not there, at once and with PullStreamFailed', async () => {
    const port = await freePort();
    const started = Date.now();
    const TaskId = await create(`rtsp://${PUBLIC}:${port}/live`, 'nobody');
    const task = await waitStatus(TaskId, 3, 15000);
    assert.equal(task.TaskInvalidReason, 'PullStreamFailed');
    assert.ok(Date.now() - started < 12000, `offline after ${Date.now() - started} ms`);
    assert.deepEqual(await statuses(TaskId, 1), [3], 'the task never ran');
  });

  it('does not follow an RTSP redirect: the task fails and the private address sees no connection', async () => {
    const TaskId = await create(`rtsp://${PUBLIC}:${redirector.port}/live`, 'redirected');
    const task = await waitStatus(TaskId, 3, 15000);
    assert.equal(task.TaskInvalidReason, 'PullStreamFailed');
    assert.deepEqual(redirector.seen.requests, [`OPTIONS rtsp://${PUBLIC}:${redirector.port}/live RTSP/1.0`],
      'the relay asked the public server over its one TCP connection');
    assert.equal(privateRtsp.seen.connections, 0, 'nothing connected to 127.0.0.1');
    const line = server.output().split('\n').find((l) => l.includes('refused RTSP redirect to'));
    assert.ok(line && line.includes(`rtsp://${PRIVATE}:${privateRtsp.port}/live`), `the refusal is logged: ${line}`);
  });

  it('refuses private addresses and rtsps:// when the task is created', async () => {
    await assert.rejects(createCall(`rtsp://${PRIVATE}:${privateRtsp.port}/live`, 'private'),
      (err) => err.code === 'InvalidSourceUrls.Unsafe');
    await assert.rejects(createCall(`rtsps://${PUBLIC}:${redirector.port}/live`, 'tls'),
      (err) => err.code === 'InvalidSourceUrls.Malformed' && /rtsps:\/\/ is not supported/.test(err.message));
    assert.equal(privateRtsp.seen.connections, 0);
  });
});
