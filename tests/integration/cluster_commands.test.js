'use strict';
// Live streams and commands across the nodes of a cluster (docs/cluster.md "Live streams and
// commands across nodes"): two nodes on one PostgreSQL database; a real ffmpeg publisher pushes
// to node A. Node B lists the stream in DescribeLiveStreamsOnlineList (within a second of A, and
// later with A's measurements); RealTimeRecordCommand sent to node B reaches node A and takes
// effect there (a manual recording starts: slices in A's bucket and in the shared slice index;
// stop and cancel_delay close its playlist), each answered within a second, with A's errors
// (InvalidTaskState, TaskAlreadyStarted); a stream live nowhere is InvalidStream.NotFound as on
// one node; once the publisher left B lists nothing; the publish and publish_done callbacks reach
// the receiver exactly once although both nodes deliver the shared outbox.
// PostgreSQL only (LIVEREC_TEST_BACKEND=postgres, tests/CMakeLists.txt).
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'cluster.example.com';

function nodeToml(nodeId) {
  return `${m.TESTING}\n${m.FAST_CALLBACKS}\n[cluster]\nnode_id = "${nodeId}"\n`;
}

// Keeps every request and answers 200.
function startReceiver() {
  const requests = [];
  const srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url, 'http://receiver');
      requests.push({ id: req.headers['x-liverec-event-id'], query: Object.fromEntries(url.searchParams) });
      res.writeHead(200);
      res.end('ok');
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    srv, requests, url: `http://127.0.0.1:${srv.address().port}/streams`,
  })));
}

describe('live streams and commands across two nodes on one PostgreSQL', () => {
  let a;
  let b;
  let apiA;
  let apiB;
  let receiver;
  let flv;

  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    flv = m.makeTestFlv(40);
    receiver = await startReceiver();
    a = await h.startServer({ extraToml: nodeToml('node-a') });
    b = await h.startServer({ extraToml: nodeToml('node-b'), shareDatabaseOf: a });
    apiA = h.popClient(a, h.DEFAULT_KEY, 'POST');
    apiB = h.popClient(b, h.DEFAULT_KEY, 'POST');
    // Stored once, in the shared database: both nodes apply them.
    await apiB.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'man', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      OnDemand: 7, DelayTime: 60, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
      'RecordFormat.1.OssObjectPrefix': 'man/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
      'RecordFormat.1.SliceOssObjectPrefix': 'man/{StreamName}/ts/{UnixTimestamp}_{Sequence}',
    });
    await apiB.call('SetLiveStreamsNotifyUrlConfig', { DomainName: DOMAIN, NotifyUrl: receiver.url });
  });

  after(async () => {
    if (b) await b.stop();
    if (a) await a.stop();
    if (receiver) receiver.srv.close();
  });

  const online = async (api, extra = {}) => (await api.call('DescribeLiveStreamsOnlineList',
    Object.assign({ DomainName: DOMAIN }, extra))).body;
  const names = (body) => body.OnlineInfo.LiveStreamOnlineInfo.map((s) => `${s.AppName}/${s.StreamName}`);
  // RealTimeRecordCommand sent to node B; resolves {ms, res} or {ms, err}.
  async function commandB(stream, Command) {
    const started = Date.now();
    try {
      const res = await apiB.call('RealTimeRecordCommand', { DomainName: DOMAIN, AppName: 'man', StreamName: stream, Command });
      return { ms: Date.now() - started, res };
    } catch (err) {
      if (!(err instanceof h.SdkError)) throw err;
      return { ms: Date.now() - started, err };
    }
  }
  const bucketA = () => path.join(a.dataDir, 'buckets', 'records', 'man', 's1');

  it('a stream published on A is listed by B and commanded through B; callbacks go out once', async () => {
    const p = m.push(flv, `rtmp://127.0.0.1:${a.rtmpPort}/man/s1?vhost=${DOMAIN}`, { realtime: true });
    try {
      // Node A lists its publish from its registry; node B from the directory, within a second.
      await m.waitFor('A to list s1', async () => names(await online(apiA)).includes('man/s1'), 15000, 20);
      const seenOnA = Date.now();
      const listedB = await m.waitFor('B to list s1',
        async () => { const body = await online(apiB); return names(body).includes('man/s1') && body; }, 5000, 20);
      assert.ok(Date.now() - seenOnA < 1000, `B listed it ${Date.now() - seenOnA} ms after A`);
      assert.equal(listedB.TotalNum, 1);
      const entry = listedB.OnlineInfo.LiveStreamOnlineInfo[0];
      assert.equal(entry.DomainName, DOMAIN);
      assert.equal(entry.PublishUrl, `rtmp://${DOMAIN}/man/s1`);
      assert.equal(entry.ClientIp, '127.0.0.1');
      h.assertTime(entry.PublishTime, { aroundMs: Date.now(), toleranceMs: 10000 });
      // A's measurements reach B at A's next refresh (every 5 s), or sooner with a change of the
      // recording state; the first windows of a real-time push are not settled (ffmpeg's start is
      // a burst), so wait for a settled frame rate.
      const measured = await m.waitFor('A\'s settled measurements on B', async () => {
        const [s] = (await online(apiB, { StreamName: 's1', QueryType: 'strict' })).OnlineInfo.LiveStreamOnlineInfo;
        return s && s.Width === 1280 && s.FrameRate >= 20 && s.FrameRate <= 30 && s;
      }, 15000, 250);
      assert.equal(measured.Height, 720);
      assert.equal(measured.VideoCodecId, 7);
      assert.equal(measured.AudioCodecId, 10);
      assert.ok(measured.FrameRate >= 20 && measured.FrameRate <= 30, `FrameRate ${measured.FrameRate}`);
      assert.ok(measured.VideoDataRate > 500, `VideoDataRate ${measured.VideoDataRate}`);

      // Manual recording: nothing records yet, so A's state machine refuses stop.
      const early = await commandB('s1', 'stop');
      assert.ok(early.err, 'stop before start is refused');
      h.assertSdkError(early.err, 409, 'InvalidTaskState');
      assert.ok(early.ms < 1000, `answered in ${early.ms} ms`);
      assert.deepEqual(m.listFiles(path.join(bucketA(), 'ts'), '.ts'), []);

      const start = await commandB('s1', 'start');
      assert.ok(start.res, `start accepted: ${start.err && start.err.message}`);
      h.assertOnlyRequestId(start.res);
      assert.ok(start.ms < 1000, `start answered in ${start.ms} ms`);
      await m.waitFor('slices of s1 in A\'s bucket', () => m.listFiles(path.join(bucketA(), 'ts'), '.ts').length >= 2, 15000);
      const indexed = m.dbRows(b, "SELECT COUNT(*) AS n FROM slices WHERE object_key LIKE 'man/s1/ts/%'");
      assert.ok(Number(indexed[0].n) >= 1, 'the slices are in the shared index');
      const again = await commandB('s1', 'start');
      h.assertSdkError(again.err, 409, 'TaskAlreadyStarted');
      assert.ok(again.ms < 1000, `answered in ${again.ms} ms`);

      const stop = await commandB('s1', 'stop');
      assert.ok(stop.res && stop.ms < 1000, `stop: ${stop.err && stop.err.message}, ${stop.ms} ms`);
      assert.deepEqual(m.listFiles(bucketA(), '.m3u8'), [], 'after stop the file waits DelayTime (60 s)');
      const cancel = await commandB('s1', 'cancel_delay');
      assert.ok(cancel.res && cancel.ms < 1000, `cancel_delay: ${cancel.err && cancel.err.message}, ${cancel.ms} ms`);
      await m.waitFor('the playlist closed by cancel_delay on A', () => m.listFiles(bucketA(), '.m3u8').length === 1, 10000);
      const rows = m.dbRows(a, "SELECT COUNT(*) AS n FROM stream_commands WHERE target_node = 'node-a' AND origin_node = 'node-b' AND state = 'done'");
      assert.equal(Number(rows[0].n), 5, 'each command went through the command table once');
    } finally {
      p.child.kill('SIGTERM');
      await p.done;
    }
    // Gone from both lists once the publisher left; commands for it are InvalidStream.NotFound.
    await m.waitFor('s1 gone from B\'s list', async () => names(await online(apiB)).length === 0, 10000, 100);
    assert.deepEqual(names(await online(apiA)), []);
    const gone = await commandB('s1', 'stop');
    h.assertSdkError(gone.err, 404, 'InvalidStream.NotFound');

    // publish and publish_done: once each although both nodes deliver the shared outbox.
    await m.waitSettled(a);
    await m.waitFor('publish_done', () => receiver.requests.some((r) => r.query.action === 'publish_done'), 15000);
    await h.sleep(1000);  // both nodes' deliverers poll every 50 ms: a second delivery would come
    const actions = receiver.requests.filter((r) => r.query.id === 's1').map((r) => r.query.action);
    assert.deepEqual(actions, ['publish', 'publish_done']);
    assert.equal(new Set(receiver.requests.map((r) => r.id)).size, receiver.requests.length, 'no event delivered twice');
  });

  it('a command for a stream live on no node is InvalidStream.NotFound, as on one node', async () => {
    const r = await commandB('nowhere', 'start');
    h.assertSdkError(r.err, 404, 'InvalidStream.NotFound');
    assert.ok(r.ms < 1000, `answered in ${r.ms} ms`);
    const rows = m.dbRows(b, "SELECT COUNT(*) AS n FROM stream_commands WHERE stream_name = 'nowhere'");
    assert.equal(Number(rows[0].n), 0, 'no command was sent');
  });
});
