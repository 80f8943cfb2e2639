'use strict';
// Three nodes, the "Done when" of cluster mode (docs/cluster.md): three liverec nodes (each its
// own process, ports and data directory, a 2 s lease by the [testing] section) on one PostgreSQL
// database and one S3 bucket (s3rver behind the SigV4-verifying proxy), all on 127.0.0.1, with
// real ffmpeg publishers (pushed faster than real time where the behaviour allows):
// - a publisher on every node is recorded completely, and every node answers the same for every
//   stream: DescribeLiveStreamRecordContent, DescribeLiveStreamRecordIndexFiles,
//   DescribeLiveStreamsOnlineList while live, DescribeLiveRecordNotifyRecords;
// - a publisher moved from node 1 to node 2 within DelayTime gives one m3u8 and one MP4, each
//   lasting the time pushed (±0.5 s) and decoding end to end;
// - a signed request accepted by one node and replayed to the others is refused;
// - an owner paused (SIGSTOP) past its lease loses the stream to another node, where its
//   publisher comes back (the first still connected to the frozen node); woken (SIGCONT), it
//   drops that publisher and writes nothing into the cycle taken over: no row, no object, no
//   file twice;
// - the node running a URL-playlist relay is killed (SIGKILL): another node resumes it within
//   15 s at the stored position (±5 s); the destination (a liverec of its own, outside the
//   cluster) records one stream, one cycle, with one gap no longer than that;
// - a node killed (SIGKILL) while recording: another node closes its cycles once, after DelayTime
//   (one m3u8, one MP4); every slice object the dead node stored is indexed; every file of the
//   whole run has its file_created callback at the receiver, at least once.
// The tests share the nodes and run in order (the last two kill one node each).
// PostgreSQL only (LIVEREC_TEST_BACKEND=postgres, tests/CMakeLists.txt).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const c = require('./cluster.js');
const { startS3Peer, bucketToml, FRESH } = require('./s3_peer.js');
const { startReceiver } = require('./receiver.js');

const LEASE_S = 2;
const DELAY_S = 6;
const SLICE_S = 2;
const RESUME_LIMIT_MS = 15000;
const DOMAIN = 'three.example.com';
const DEST_DOMAIN = 'dest.example.com';
const REGION = 'cn-shanghai';
const NODES = ['n1', 'n2', 'n3'];
const SECRET_ENV = 'CLUSTER_THREE_TEST_S3_SECRET'; // LIVEREC_* variables are not passed on
// Measurements another node lists up to 5 s old (docs/api/streams.md): left out of comparisons.
const MEASURED = ['VideoCodecId', 'AudioCodecId', 'Width', 'Height', 'FrameRate',
  'VideoDataRate', 'AudioDataRate'];

const near = (a, b, tol) => Math.abs(a - b) <= tol;
const api = (server) => h.popClient(server, h.DEFAULT_KEY, 'POST');
const rtmp = (server, stream) =>
  `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${DOMAIN}`;
// Without RequestId, and with each RecordUrl cut to its path: a node hands out its own address
// (a private S3 bucket's playlists are read through liverec) and a fresh token every time.
const withoutRequestId = (body) => JSON.parse(JSON.stringify(Object.assign({}, body, { RequestId: undefined })),
  (k, v) => (k === 'RecordUrl' && typeof v === 'string' ? new URL(v).pathname : v));

describe('three nodes on one PostgreSQL and one S3 bucket', () => {
  const nodes = {}; // node id -> server
  let peer;
  let receiver;
  let dest; // the relay's destination, a liverec outside the cluster
  let media;
  const t0 = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-three-nodes-'));
  const live = () => NODES.filter((id) => !nodes[id].exited()).map((id) => nodes[id]);
  const any = () => live()[0];
  const range = { StartTime: h.isoSeconds(t0 - 600000), EndTime: h.isoSeconds(t0 + 3600000) };
  const ofStream = (stream) => ({ DomainName: DOMAIN, AppName: 'live', StreamName: stream });
  // The stream's objects in the bucket (one listing), by extension: {'.ts': [keys...], ...}.
  function objectsOf(stream) {
    const out = { '.ts': [], '.m3u8': [], '.mp4': [] };
    for (const { key } of peer.ls(`record/live/${stream}/`)) (out[path.extname(key)] ||= []).push(key);
    for (const keys of Object.values(out)) keys.sort();
    return out;
  }
  async function text(key) {
    const res = await fetch(`${peer.publicUrl}/${key}`, FRESH);
    assert.equal(res.status, 200, `GET ${key}`);
    return res.text();
  }

  // Calls `action` on every live node at once; asserts the answers are the same but for
  // RequestId (and `strip(body)`'s changes); returns the first.
  async function sameOnEveryNode(action, params, strip = (b) => b) {
    const bodies = await Promise.all(live().map(async (s) => (await api(s).call(action, params)).body));
    const seen = bodies.map((b) => strip(withoutRequestId(b)));
    for (const [i, b] of seen.entries()) {
      assert.deepEqual(b, seen[0], `${action} ${JSON.stringify(params)}: node ${i} answers otherwise`);
    }
    return bodies[0];
  }

  // The stream's playlist and MP4, one row and one object each; when `seconds`, each lasting that
  // (±0.5 s) and, when `decode`, decoded end to end. Returns the m3u8's text.
  async function oneRecording(stream, seconds, decode) {
    const lists = c.playlists(any(), stream);
    const files = c.mp4s(any(), stream);
    assert.equal(lists.length, 1, `one m3u8 of ${stream}: ${JSON.stringify(lists)}`);
    assert.equal(files.length, 1, `one MP4 of ${stream}: ${JSON.stringify(files)}`);
    const objects = objectsOf(stream);
    assert.deepEqual(objects['.m3u8'], [lists[0].object_key], 'one m3u8 object');
    assert.deepEqual(objects['.mp4'], [files[0].object_key], 'one MP4 object');
    for (const key of seconds ? [lists[0].object_key, files[0].object_key] : []) {
      const url = `${peer.publicUrl}/${key}`;
      const got = Number(m.ffprobe(url).format.duration);
      assert.ok(near(got, seconds, 0.5), `${key} lasts ${got} s, pushed ${seconds} s`);
      if (decode) {
        const r = m.decodeAll(url);
        assert.equal(r.status, 0, `${key} decodes: ${r.stderr}`);
      }
    }
    return text(lists[0].object_key);
  }

  // Every live node answers the same about the recording of `stream` (its cycles closed): its
  // content, its index files and, once every callback of it is delivered, its notify records.
  // Returns the three answers.
  async function sameRecordAnswers(stream) {
    const content = await sameOnEveryNode('DescribeLiveStreamRecordContent',
      Object.assign(ofStream(stream), range));
    const index = await sameOnEveryNode('DescribeLiveStreamRecordIndexFiles',
      Object.assign(ofStream(stream), range, { PageSize: 30 }));
    await m.waitFor(`the callbacks of ${stream} delivered`, () => Number(any().dbRows(
      `SELECT COUNT(*) AS n FROM callback_outbox WHERE stream_name = '${stream}' AND ` +
      "state = 'pending'")[0].n) === 0, 20000, 100);
    const notified = await sameOnEveryNode('DescribeLiveRecordNotifyRecords',
      Object.assign(ofStream(stream), range, { PageSize: 500 }));
    const files = notified.CallbackList.filter((e) => e.NotifyType === 'file_created');
    assert.equal(files.length, 2, `a file_created for the m3u8 and the MP4: ${JSON.stringify(files)}`);
    assert.equal(index.RecordIndexInfoList.RecordIndexInfo.length, 1, JSON.stringify(index));
    return { content: content.RecordContentInfoList.RecordContentInfo, index, notified };
  }

  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    const mediaRoot = tmp; // the relay's file: sources
    media = { short: path.join(mediaRoot, 'short.flv'), long: path.join(mediaRoot, 'long.flv'),
      f6: m.makeTestFlv(6), f12: m.makeTestFlv(12), f30: m.makeTestFlv(30) };
    fs.copyFileSync(m.makeTestFlv(4), media.short);
    fs.copyFileSync(m.makeTestFlv(60), media.long);
    peer = await startS3Peer({ bucket: 'liverec-three' });
    process.env[SECRET_ENV] = peer.secret;
    receiver = await startReceiver('/three');
    const toml = (id) => m.clusterToml(id, LEASE_S) +
      bucketToml(peer, { endpoint: 's3.test', name: 's3rec', secretEnv: SECRET_ENV }) +
      `\n[relay]\nallow_private_addresses = true\nmedia_root = "${mediaRoot}"\n\n${m.FAST_CALLBACKS}`;
    nodes[NODES[0]] = await h.startServer({ extraToml: toml(NODES[0]) });
    for (const id of NODES.slice(1)) {
      nodes[id] = await h.startServer({ extraToml: toml(id), shareDatabaseOf: nodes[NODES[0]] });
    }
    dest = await h.startServer({ extraToml: m.TESTING });
    const client = api(nodes.n2); // stored once, in the shared database: every node applies them
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: '*', OssEndpoint: 's3.test', OssBucket: 's3rec', DelayTime: DELAY_S,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': SLICE_S,
      'RecordFormat.1.CycleDuration': 3600, 'RecordFormat.2.Format': 'mp4',
      'RecordFormat.2.CycleDuration': 3600 });
    await client.call('AddLiveRecordNotifyConfig', { DomainName: DOMAIN, NotifyUrl: receiver.url,
      NeedStatusNotify: 'true' });
    await api(dest).call('AddLiveAppRecordConfig', { DomainName: DEST_DOMAIN, AppName: 'relay',
      StreamName: '*', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 20,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': SLICE_S });
  });

  after(async () => {
    // The first node owns the database: stop it last (a killed one too: it removes its files).
    for (const s of [dest, ...NODES.slice().reverse().map((id) => nodes[id])]) {
      if (!s) continue;
      if (!s.exited()) process.kill(s.pid, 'SIGCONT');
      await s.stop();
    }
    if (peer) await peer.stop();
    if (receiver) receiver.srv.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('records a publisher on every node completely; every node answers the same', async () => {
    const streams = { n1: 'every1', n2: 'every2', n3: 'every3' };
    const pushes = NODES.map((id) => m.push(media.f12, rtmp(nodes[id], streams[id]), { readrate: 2 }));
    const names = (body) => body.OnlineInfo.LiveStreamOnlineInfo.map((s) => s.StreamName).sort();
    // Each stream's recording state reaches the other nodes about a second after its task
    // starts (docs/api/streams.md): wait until every node has it for all three.
    const recording = (body) => body.OnlineInfo.LiveStreamOnlineInfo.every((s) => s.RecordStatus === 'recording');
    await m.waitFor('every node to list the three streams, recording', async () => {
      const lists = await Promise.all(live().map((s) => api(s).call('DescribeLiveStreamsOnlineList',
        { DomainName: DOMAIN })));
      return lists.every((l) => names(l.body).join() === 'every1,every2,every3' && recording(l.body));
    }, 15000, 100);
    const listed = await sameOnEveryNode('DescribeLiveStreamsOnlineList', { DomainName: DOMAIN },
      (b) => JSON.parse(JSON.stringify(b, (k, v) => (MEASURED.includes(k) ? undefined : v))));
    assert.equal(listed.TotalNum, 3, JSON.stringify(listed));
    for (const p of pushes) {
      const r = await p.done;
      assert.equal(r.code, 0, r.stderr);
    }
    for (const stream of Object.values(streams)) {
      await c.closedCycles(any(), stream, (DELAY_S + 30) * 1000);
      await oneRecording(stream, 12, false);
      const { content } = await sameRecordAnswers(stream);
      assert.equal(content.length, 1, JSON.stringify(content));
      assert.ok(near(content[0].Duration, 12, 0.5), `recorded ${content[0].Duration} s of 12 s`);
    }
    // A RecordUrl one node hands out plays through any other: the bucket's URL key is shared.
    const [first, second] = live();
    const info = (await api(first).call('DescribeLiveStreamRecordIndexFiles',
      Object.assign(ofStream('every1'), range))).body.RecordIndexInfoList.RecordIndexInfo[0];
    const url = new URL(info.RecordUrl);
    assert.equal(url.origin, first.endpoint, info.RecordUrl);
    const elsewhere = `${second.endpoint}${url.pathname}${url.search}`;
    const played = Number(m.ffprobe(elsewhere).format.duration);
    assert.ok(near(played, 12, 0.5), `${elsewhere} plays ${played} s`);
  });

  it('a publisher moved from node 1 to node 2 within DelayTime: one m3u8 and one MP4', async () => {
    // In real time: a publisher pushed faster than real time runs ahead of the wall clock its
    // slices are placed by, and a second node could place its first slice before the first
    // node's last one (a fresh-clone run under load lost 1.8 s so).
    const first = await m.push(media.f6, rtmp(nodes.n1, 'moved'), { realtime: true }).done;
    assert.equal(first.code, 0, first.stderr);
    const second = await c.pushRetrying(media.f6, rtmp(nodes.n2, 'moved'), 5000);
    assert.equal(second.code, 0, second.stderr);
    const closed = await c.closedCycles(any(), 'moved', (DELAY_S + 30) * 1000);
    assert.equal(closed.length, 2, `one m3u8 and one MP4 cycle: ${JSON.stringify(closed)}`);
    const list = await oneRecording('moved', 12, true);
    assert.equal(list.split('#EXT-X-DISCONTINUITY').length - 1, 1, list);
    const cycle = closed.find((x) => x.format === 'm3u8');
    const rows = c.slices(any(), 'moved');
    assert.ok(rows.every((s) => s.cycle_id === cycle.id), JSON.stringify(rows));
    await sameRecordAnswers('moved');
  });

  it('a signed request accepted by one node is refused when replayed to another', async () => {
    const req = h.buildV1({ action: 'DescribeLiveRecordConfig', params: { DomainName: DOMAIN } });
    const accepted = await h.send(nodes.n1, req);
    assert.equal(accepted.status, 200, accepted.text);
    h.assertHttpError(await h.send(nodes.n2, req), 400, 'SignatureNonceUsed');
    h.assertHttpError(await h.send(nodes.n3, req), 400, 'SignatureNonceUsed');
  });

  it('an owner paused past its lease writes nothing into the cycle another node took over', async () => {
    const [owner, taker] = [nodes.n2, nodes.n3];
    const first = m.push(media.f30, rtmp(owner, 'paused'), { realtime: true });
    await m.waitFor('slices of paused indexed', () => c.slices(any(), 'paused').length >= 2, 20000, 100);
    process.kill(owner.pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    let ownerRows;
    let second;
    // The first publisher stays connected to the frozen node (its writes block); a second one
    // comes back on n3 once n2's publish lease has lapsed.
    let firstEnded = false;
    first.done.then(() => { firstEnded = true; });
    try {
      second = c.pushRetrying(media.f6, rtmp(taker, 'paused'), (LEASE_S + 10) * 1000, { readrate: 2 });
      const takerHolder = c.nodeHolder(taker, 'n3');
      await m.waitFor('n3 to record paused', () =>
        c.leaseHolder(taker, 'record', 'paused') === takerHolder, (LEASE_S + 15) * 1000, 100)
        .catch((err) => {
          err.message += `; n3 is ${takerHolder}; leases: ${JSON.stringify(taker.dbRows(
            "SELECT * FROM leases WHERE name LIKE '%paused'"))}; n3: ${taker.output().slice(-3000)}`;
          throw err;
        });
      ownerRows = c.slices(taker, 'paused'); // what n2 indexed before it froze
      const [lease] = taker.dbRows(
        "SELECT expires_at_ms FROM leases WHERE kind = 'node' AND name = 'n2'");
      assert.ok(Number(lease.expires_at_ms) < Date.now(), `n2's lease lapsed while it was paused ` +
        `(${Date.now() - stoppedAt} ms): ${JSON.stringify(lease)}`);
      assert.equal(firstEnded, false, 'the publisher of the frozen node is still connected');
    } finally {
      process.kill(owner.pid, 'SIGCONT');
    }
    // Woken, n2 drops its stale publisher (which would push on) and its recording.
    await m.waitFor('n2 to disconnect its stale publisher', () => firstEnded, 20000, 100);
    await m.waitFor('n2 to give up the stream', () =>
      /recording failed, another node took the stream over/.test(owner.output()), 20000, 100);
    const r = await second;
    assert.equal(r.code, 0, r.stderr);
    const closed = await c.closedCycles(taker, 'paused', (DELAY_S + 30) * 1000);
    assert.equal(closed.length, 2, `one m3u8 and one MP4 cycle: ${JSON.stringify(closed)}`);
    await oneRecording('paused', null, false);
    const cycle = closed.find((x) => x.format === 'm3u8');
    // n2 added no slice of its own time (before the publisher's return, the discontinuity) after
    // it woke up; no slice twice, none outside the cycle, no object the index does not know.
    const rows = c.slices(taker, 'paused');
    const back = rows.findIndex((s) => Number(s.discontinuity) === 1);
    assert.ok(back >= 2, `n2's slices, then the publisher's return: ${JSON.stringify(rows)}`);
    const ownersTime = (s) => Number(s.start_ms) < Number(rows[back].start_ms);
    assert.deepEqual(rows.filter(ownersTime), ownerRows.filter(ownersTime),
      'n2 wrote nothing after it woke up');
    assert.ok(rows.every((s) => s.cycle_id === cycle.id), JSON.stringify(rows));
    assert.equal(new Set(rows.map((s) => s.object_key)).size, rows.length);
    assert.deepEqual(objectsOf('paused')['.ts'], rows.map((s) => s.object_key).sort());
    await sameRecordAnswers('paused');
  });

  it('a URL playlist whose node is killed resumes on another within 15 s, where it was', async (t) => {
    const client = api(nodes.n1);
    const { body: { TaskId: id } } = await client.call('CreateLivePullToPush', {
      Region: REGION, StartTime: h.isoSeconds(Date.now() - 1000),
      EndTime: h.isoSeconds(Date.now() + 600000),
      SourceType: 'url', SourceUrls: JSON.stringify([`file:${media.short}`, `file:${media.long}`]),
      RepeatNumber: -1, FileIndex: 1, Offset: 20,
      DstUrl: `rtmp://127.0.0.1:${dest.rtmpPort}/relay/r1?vhost=${DEST_DOMAIN}`,
    });
    // Killed once the stored position is 6 s past where the task started (file 1 at 20 s).
    await m.waitFor('the playlist to be stored 6 s into its play', () => {
      const row = c.relayTask(any(), id);
      return Number(row.status) === 1 && Number(row.i) === 1 && Number(row.s) >= 26;
    }, 30000, 100);
    const victim = c.relayHolders(any())[id];
    assert.ok(victim, 'the task is held');
    const held = c.relayLease(any(), id);
    await nodes[victim].kill('SIGKILL');
    const killedAt = Date.now();
    const stored = c.relayTask(any(), id); // what the dead node saved last
    const resumed = await m.waitFor('another node to run the playlist again', () => {
      const lease = c.relayLease(any(), id);
      const row = c.relayTask(any(), id);
      const moved = Number(lease.epoch) > Number(held.epoch) && lease.holder !== held.holder;
      const running = Number(row.status) === 1 && Number(row.updated) >= Number(lease.acquired);
      return moved && running ? row : null;
    }, RESUME_LIMIT_MS + 5000, 100);
    const tookMs = Date.now() - killedAt;
    t.diagnostic(`killed ${victim}; resumed after ${tookMs} ms at file ${resumed.i}, ` +
      `${resumed.s} s (stored ${stored.s} s)`);
    assert.ok(tookMs <= RESUME_LIMIT_MS, `resumed ${tookMs} ms after the kill`);
    assert.equal(Number(resumed.i), 1, JSON.stringify(resumed));
    assert.ok(near(Number(resumed.s), Number(stored.s), 5),
      `resumed at ${resumed.s} s, stored ${stored.s} s`);
    // The destination records one stream: one cycle, whose slices touch but for one gap.
    const resumedAt = Date.now();
    await m.waitFor('two slices at the destination since the relay resumed', () =>
      c.slices(dest, 'r1').filter((s) => Number(s.start_ms) >= resumedAt).length >= 2, 20000, 200);
    const rows = c.slices(dest, 'r1');
    await api(any()).call('StopLivePullToPush', { Region: REGION, TaskId: id });
    assert.equal(new Set(rows.map((s) => s.cycle_id)).size, 1, JSON.stringify(rows));
    const gaps = rows.slice(1).map((s, i) => Number(s.start_ms) - Number(rows[i].end_ms));
    const breaks = gaps.filter((g) => g > 100);
    t.diagnostic(`the destination's gaps: ${JSON.stringify(breaks)} ms`);
    assert.equal(breaks.length, 1, `one gap: ${JSON.stringify(rows)}`);
    assert.ok(breaks[0] <= RESUME_LIMIT_MS, `a gap of ${breaks[0]} ms at the destination`);
  });

  it('a node killed while recording: cycles closed once, slices indexed, files announced', async () => {
    const [victim, survivor] = live();
    const first = m.push(media.f30, rtmp(victim, 'killed'), { realtime: true });
    await m.waitFor('slices of killed indexed', () => c.slices(survivor, 'killed').length >= 3,
      20000, 100);
    // Killed the moment the next slice is stored (the proxy passed its PUT on and s3rver has it):
    // between a slice's store and its index row, the hardest moment for "every slice stored
    // before the kill is indexed".
    const slicePuts = async () => Object.keys((await peer.stats()).puts)
      .map((k) => /\/(record\/live\/killed\/[^/?]+\.ts)$/.exec(k)).filter(Boolean).map((x) => x[1]);
    const seen = new Set(await slicePuts());
    const next = await m.waitFor('the next slice of killed sent to the bucket', async () =>
      (await slicePuts()).find((k) => !seen.has(k)), 10000, 5);
    await m.waitFor(`${next} stored`, async () =>
      (await fetch(`${peer.publicUrl}/${next}`, Object.assign({ method: 'HEAD' }, FRESH))).ok, 5000, 2);
    await victim.kill('SIGKILL');
    const killedAt = Date.now();
    await first.done;
    const stored = objectsOf('killed')['.ts']; // what the dead node stored
    const closed = await c.closedCycles(survivor, 'killed', (LEASE_S + DELAY_S + 30) * 1000);
    assert.equal(closed.length, 2, `one m3u8 and one MP4 cycle: ${JSON.stringify(closed)}`);
    for (const cycle of closed) {
      assert.ok(Number(cycle.closed_at_ms) - Number(cycle.last_activity_ms) >= DELAY_S * 1000 - 1000 &&
        Number(cycle.closed_at_ms) >= killedAt, `closed after DelayTime: ${JSON.stringify(cycle)}`);
    }
    const rows = c.slices(survivor, 'killed');
    const list = await oneRecording('killed', null, false);
    assert.deepEqual(list.split('\n').filter((l) => l.endsWith('.ts')).map((l) => path.basename(l)),
      rows.map((s) => path.basename(s.object_key)), 'the m3u8 lists the index rows');
    assert.ok(rows.every((s) => s.cycle_id === closed.find((x) => x.format === 'm3u8').id));
    // Every file of the run (every stream) announced at least once.
    const files = survivor.dbRows("SELECT object_key FROM index_files WHERE source = 'cycle' " +
      'UNION ALL SELECT object_key FROM record_files').map((f) => f.object_key);
    await m.waitFor('a file_created callback for every file', () => files.every((k) =>
      receiver.events.some((e) => e.uri === k)), 20000, 100);
    // Last (the other checks hold either way): every slice object in the bucket was stored by
    // the dead node, before the kill; each must be indexed, once.
    const indexed = new Set(rows.map((s) => s.object_key));
    assert.equal(indexed.size, rows.length, 'no slice indexed twice');
    const lost = stored.filter((k) => !indexed.has(k));
    assert.deepEqual(lost, [], `slices stored before the kill (at ${killedAt}, ${next} last) but ` +
      `not indexed; indexed: ${JSON.stringify(rows)}`);
    assert.deepEqual(objectsOf('killed')['.ts'], [...indexed].sort(),
      'an object for every row, no other');
  });
});
