'use strict';
// Stream ownership in a cluster (docs/cluster.md "Stream ownership"): two nodes on one
// PostgreSQL database and one S3 bucket (s3rver behind the SigV4-verifying proxy), m3u8 and MP4
// recordings (the MP4's slices staged in the bucket, so that any node can compose it).
// - A second publisher of a stream live on one node is refused on the other, as on one node.
// - ForbidLiveStream called on one node cuts the publisher live on the other, which then refuses
//   the stream until ResumeLiveStream.
// - A publisher that moves from one node to the other within DelayTime continues the same
//   cycle: one playlist, with one discontinuity, and one MP4, both lasting the time pushed.
// - A node paused (SIGSTOP) past its lease while recording loses the stream to the other node,
//   where the publisher comes back; woken (SIGCONT), it writes nothing into the cycle the other
//   node took over: no row, no object the index does not know.
// - A node killed (SIGKILL) while recording: the other node closes its cycles, once, after its
//   lease and DelayTime, composing the MP4 from the slices the dead node staged.
// Once every cycle is closed no staged slice is left in the bucket.
// PostgreSQL only (LIVEREC_TEST_BACKEND=postgres, tests/CMakeLists.txt).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const { startS3Peer, bucketToml } = require('./s3_peer.js');
const m = require('./media.js');
const { slices, mp4s, playlists, leaseHolder, closedCycles, pushRetrying } = require('./cluster.js');

const LEASE_S = 2;
const DELAY_S = 8;
const SLICE_S = 2;
const DOMAIN = 'cluster.example.com';
const SECRET_ENV = 'CLUSTER_STREAMS_TEST_S3_SECRET'; // LIVEREC_* variables are not passed on

function nodeToml(nodeId, peer) {
  return m.clusterToml(nodeId, LEASE_S) +
    bucketToml(peer, { endpoint: 's3.test', name: 's3rec', secretEnv: SECRET_ENV });
}

const rtmp = (server, stream) =>
  `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${DOMAIN}`;

// The MP4 of `stream`, alone, and its length by ffprobe (read straight from s3rver).
function oneMp4(server, stream) {
  const files = mp4s(server, stream);
  assert.equal(files.length, 1, `one MP4 of ${stream}: ${JSON.stringify(files)}`);
  const url = `${peer.publicUrl}/${files[0].object_key}`;
  return { url, seconds: Number(m.ffprobe(url).format.duration) };
}

let peer;

describe('streams owned across two nodes', () => {
  let a;
  let b;
  let flv;
  let longFlv;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-cluster-streams-'));

  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    flv = m.makeTestFlv(6);
    longFlv = m.makeTestFlv(30);
    peer = await startS3Peer({ bucket: 'liverec-cluster' });
    process.env[SECRET_ENV] = peer.secret;
    a = await h.startServer({ extraToml: nodeToml('node-a', peer) });
    b = await h.startServer({ extraToml: nodeToml('node-b', peer), shareDatabaseOf: a });
    const client = h.popClient(a, h.DEFAULT_KEY, 'POST');
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: '*', OssEndpoint: 's3.test', OssBucket: 's3rec', DelayTime: DELAY_S,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': SLICE_S,
      'RecordFormat.1.CycleDuration': 3600, 'RecordFormat.2.Format': 'mp4',
      'RecordFormat.2.CycleDuration': 3600 });
  });

  after(async () => {
    for (const s of [b, a]) {
      if (s && !s.exited()) {
        process.kill(s.pid, 'SIGCONT');
        await s.stop();
      }
    }
    if (peer) await peer.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses a second publisher of a stream live on the other node', async () => {
    const first = m.push(longFlv, rtmp(a, 'dup'), { realtime: true });
    await m.waitFor('dup published on node a', () => leaseHolder(a, 'publish', 'dup'), 15000);
    const second = await m.push(flv, rtmp(b, 'dup'), { realtime: true, timeoutMs: 20000 }).done;
    assert.notEqual(second.code, 0, 'the second publisher was accepted');
    assert.match(b.output(), /publish of cluster\.example\.com\/live\/dup refused: stream is already being published \(on another node\)/);
    first.child.kill('SIGINT');
    await first.done;
  });

  it('cuts a publisher live on the other node when forbidden there, and refuses it until resumed', async () => {
    const pub = m.push(longFlv, rtmp(a, 'banned'), { realtime: true });
    await m.waitFor('banned published on node a', () => leaseHolder(a, 'publish', 'banned'), 15000);
    const onB = h.popClient(b, h.DEFAULT_KEY, 'POST');
    const target = { DomainName: DOMAIN, AppName: 'live', StreamName: 'banned', LiveStreamType: 'publisher' };
    const started = Date.now();
    await onB.call('ForbidLiveStream', target);
    const done = await pub.done;
    assert.notEqual(done.code, 0, 'the publisher on node a pushed to the end: it was not cut');
    assert.ok(Date.now() - started < 5000, `cut after ${Date.now() - started} ms`);
    assert.match(a.output(), /cut by ForbidLiveStream/);
    const refused = await m.push(flv, rtmp(a, 'banned'), { realtime: true, timeoutMs: 20000 }).done;
    assert.notEqual(refused.code, 0, 'a forbidden stream was published on node a');
    assert.match(a.output(), /live\/banned refused: the stream is forbidden \(ForbidLiveStream\)/);
    await onB.call('ResumeLiveStream', target);
    const back = await m.push(flv, rtmp(a, 'banned'), { realtime: true }).done;
    assert.equal(back.code, 0, `refused after ResumeLiveStream: ${back.stderr}`);
  });

  it('continues one playlist when the publisher moves to the other node within DelayTime', async () => {
    const onA = await m.push(flv, rtmp(a, 'moved'), { realtime: true }).done;
    assert.equal(onA.code, 0, onA.stderr);
    const onB = await pushRetrying(flv, rtmp(b, 'moved'), 5000);
    assert.equal(onB.code, 0, onB.stderr);
    const closed = await closedCycles(a, 'moved', (DELAY_S + 30) * 1000);
    assert.equal(closed.length, 2, `one m3u8 and one MP4 cycle: ${JSON.stringify(closed)}`);
    const lists = playlists(b, 'moved');
    assert.equal(lists.length, 1, JSON.stringify(lists));
    const cycle = closed.find((c) => c.object_key === lists[0].object_key);
    assert.ok(cycle, JSON.stringify(closed));
    const text = peer.cp(lists[0].object_key, path.join(tmp, 'moved.m3u8')).toString();
    assert.equal(text.split('#EXT-X-DISCONTINUITY').length - 1, 1, text);
    const url = `${peer.publicUrl}/${lists[0].object_key}`;
    const seconds = Number(m.ffprobe(url).format.duration);
    assert.ok(Math.abs(seconds - 12) <= 0.5, `the playlist lasts ${seconds} s, pushed 12 s`);
    const decoded = m.decodeAll(url);
    assert.equal(decoded.status, 0, decoded.stderr);
    const mp4 = oneMp4(a, 'moved');
    assert.ok(Math.abs(mp4.seconds - 12) <= 0.5, `the MP4 lasts ${mp4.seconds} s, pushed 12 s`);
    const whole = m.decodeAll(mp4.url);
    assert.equal(whole.status, 0, whole.stderr);
    // Every node answers the same: the slices of both nodes are in the one cycle.
    const rows = slices(b, 'moved');
    assert.ok(rows.length >= 6 && rows.every((s) => s.cycle_id === cycle.id), JSON.stringify(rows));
  });

  it('a node paused past its lease writes nothing into the cycle the other node took over', async () => {
    const first = m.push(longFlv, rtmp(a, 'paused'), { realtime: true });
    await m.waitFor('slices of paused indexed', () => slices(a, 'paused').length >= 2 || null, 20000);
    process.kill(a.pid, 'SIGSTOP');
    // The first publisher stays connected to the frozen node (its writes block); a second one
    // comes back on node b once node a's publish lease has lapsed.
    let firstEnded = false;
    first.done.then(() => { firstEnded = true; });
    const onB = await pushRetrying(flv, rtmp(b, 'paused'), (LEASE_S + 10) * 1000);
    assert.equal(onB.code, 0, onB.stderr);
    assert.equal(firstEnded, false, 'the publisher of the frozen node is still connected');
    process.kill(a.pid, 'SIGCONT');
    // Woken, node a learns at its next heartbeat that node b took the stream over, and
    // disconnects its own publisher of it at once (the encoder would otherwise push on).
    await m.waitFor('node a to disconnect its stale publisher', () => firstEnded || null,
      (LEASE_S + 10) * 1000);
    assert.match(a.output(), /another node took the publish of [^ ]*paused over/);
    assert.match(a.output(), /paused ended \(ended from outside: .*another node took the stream over/);
    await m.waitFor('node a to give up the stream', () =>
      /recording failed, another node took the stream over/.test(a.output()) || null, 20000);
    const closed = await closedCycles(b, 'paused', (DELAY_S + 30) * 1000);
    assert.equal(closed.length, 2, `one m3u8 and one MP4 cycle: ${JSON.stringify(closed)}`);
    const lists = playlists(a, 'paused');
    assert.equal(lists.length, 1);
    const cycle = closed.find((c) => c.object_key === lists[0].object_key);
    oneMp4(a, 'paused');
    // No slice twice, none outside the cycle, and no object the index does not know.
    const rows = slices(a, 'paused');
    assert.ok(rows.every((s) => s.cycle_id === cycle.id), JSON.stringify(rows));
    assert.equal(new Set(rows.map((s) => s.object_key)).size, rows.length);
    const stored = peer.ls('record/live/paused/').map((o) => o.key).filter((k) => k.endsWith('.ts')).sort();
    assert.deepEqual(stored, rows.map((s) => s.object_key).sort());
  });

  it('closes the cycle of a node killed while recording once, on the other node', async () => {
    const first = m.push(longFlv, rtmp(b, 'killed'), { realtime: true });
    await m.waitFor('slices of killed indexed', () => slices(a, 'killed').length >= 2 || null, 20000);
    await b.kill('SIGKILL');
    await first.done;
    const closed = await closedCycles(a, 'killed', (LEASE_S + DELAY_S + 30) * 1000);
    assert.equal(closed.length, 2, `one m3u8 and one MP4 cycle: ${JSON.stringify(closed)}`);
    const lists = playlists(a, 'killed');
    assert.equal(lists.length, 1, JSON.stringify(lists));
    const text = peer.cp(lists[0].object_key, path.join(tmp, 'killed.m3u8')).toString();
    const segments = text.split('\n').filter((l) => l.endsWith('.ts'));
    const indexed = slices(a, 'killed');
    assert.equal(segments.length, indexed.length);
    // Every slice node b stored before it died is indexed (its intent settled by node a), and
    // in the playlist.
    const stored = peer.ls('record/live/killed/').map((o) => o.key).filter((k) => k.endsWith('.ts')).sort();
    assert.deepEqual(stored, indexed.map((s) => s.object_key).sort());
    // The MP4 composed by node a from what node b staged holds what b indexed, but for the slice
    // the kill may have caught between its m3u8 index row and its MP4 hold (a slice is indexed
    // first, then held).
    const mp4 = oneMp4(a, 'killed');
    assert.ok(indexed.length >= 2 && mp4.seconds >= (indexed.length - 1) * SLICE_S - 0.5,
      `the MP4 lasts ${mp4.seconds} s, ${indexed.length} slices of ${SLICE_S} s indexed`);
    const whole = m.decodeAll(mp4.url);
    assert.equal(whole.status, 0, whole.stderr);
  });

  it('leaves no staged slice in the bucket once every cycle is closed', () => {
    // Only the killed node may have left one: a slice it staged and died before recording.
    const [killed] = m.dbRows(a, "SELECT id FROM streams WHERE stream_name = 'killed'");
    const left = peer.ls('.liverec/staging/').map((o) => o.key);
    assert.ok(left.length <= 1 && left.every((k) => k.startsWith(`.liverec/staging/${killed.id}/`)),
      JSON.stringify(left));
    // Every slice intent was settled: by its node, or by the node that took its stream over.
    assert.deepEqual(m.dbRows(a, 'SELECT stream_id, slice_id FROM slice_intents'), []);
  });
});
