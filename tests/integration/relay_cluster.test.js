'use strict';
// Relay tasks in a cluster (docs/cluster.md "Relay tasks"): three liverec nodes on one
// PostgreSQL database, each its own process, ports and data directory, with the default lease
// (10 s). Six url tasks relay files into nginx-rtmp (the destination, which logs every publisher):
// the tasks spread over the nodes; the node running a two-file playlist is killed (SIGKILL) and
// another node resumes the playlist within 15 s at the position stored (±5 s); no task ever runs
// on two nodes at once (nginx never sees a second publisher of a stream, and each task's stream
// is published once, the killed node's twice); the killed task's callbacks are sent once each;
// a Stop made through a node that does not run a task stops its relay within about 2 s; the
// cluster's cap on tasks refuses one more task through any node.
// PostgreSQL only (LIVEREC_TEST_BACKEND=postgres, tests/CMakeLists.txt).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { startReceiver } = require('./receiver.js');
const { startNginxRtmp } = require('./nginx_rtmp.js');
const c = require('./cluster.js');

const REGION = 'cn-shanghai';
const NODES = ['relay-a', 'relay-b', 'relay-c'];
const TASKS = 6;
const RESUME_LIMIT_MS = 15000;

function nodeToml(nodeId, mediaRoot) {
  return `
[cluster]
node_id = "${nodeId}"

[relay]
allow_private_addresses = true
media_root = "${mediaRoot}"
max_tasks_per_cluster = ${TASKS}

${m.FAST_CALLBACKS}`;
}

describe('relay tasks on a cluster of three nodes', () => {
  let nodes = {}; // node id -> server
  let nginx;
  let receiver;
  let media;
  let ids = []; // task ids, ids[0] the watched playlist
  const api = (server) => h.popClient(server, h.DEFAULT_KEY, 'POST');
  const anyLive = () => Object.values(nodes).find((s) => !s.exited());
  const rows = (sql) => anyLive().dbRows(sql);
  const nginxLog = () => fs.readFileSync(path.join(nginx.dir, 'error.log'), 'utf8');
  const stream = (i) => `c${i}`;

  const holders = () => c.relayHolders(anyLive());
  const taskRow = (id) => c.relayTask(anyLive(), id);
  const leaseRow = (id) => c.relayLease(anyLive(), id);

  // nginx's publishers, in log order: per stream, how many publishes, and whether a second one
  // was ever refused (live: "already publishing") or overlapped an open one.
  function publishers() {
    const open = new Map(); // connection -> stream
    const counts = {};
    let overlaps = 0;
    for (const line of nginxLog().split('\n')) {
      const pub = /\*(\d+) publish: name='([^']+)'/.exec(line);
      if (pub) {
        if ([...open.values()].includes(pub[2])) overlaps += 1;
        open.set(pub[1], pub[2]);
        counts[pub[2]] = (counts[pub[2]] || 0) + 1;
        continue;
      }
      const closed = /\*(\d+) (deleteStream|disconnect)/.exec(line);
      if (closed) open.delete(closed[1]);
    }
    return { counts, overlaps, refused: (nginxLog().match(/already publishing/g) || []).length, open: [...open.values()] };
  }

  let mediaRoot;
  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    mediaRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-relay-cluster-'));
    media = { short: path.join(mediaRoot, 'short.flv'), long: path.join(mediaRoot, 'long.flv') };
    fs.copyFileSync(m.makeTestFlv(4), media.short);
    fs.copyFileSync(m.makeTestFlv(60), media.long);
    nginx = await startNginxRtmp();
    receiver = await startReceiver('/relay-cluster');
    const first = await h.startServer({ extraToml: nodeToml(NODES[0], mediaRoot) });
    nodes[NODES[0]] = first;
    for (const id of NODES.slice(1)) {
      nodes[id] = await h.startServer({ extraToml: nodeToml(id, mediaRoot), shareDatabaseOf: first });
    }
  });

  after(async () => {
    // The first node owns the database: stop it last (killed ones too: it removes their files).
    for (const id of [...NODES].reverse()) {
      if (nodes[id]) await nodes[id].stop();
    }
    if (nginx) await nginx.stop();
    if (mediaRoot) fs.rmSync(mediaRoot, { recursive: true, force: true });
    if (receiver) receiver.srv.close();
  });

  it('spreads the tasks over the nodes, each running on one node', async (t) => {
    const client = api(nodes[NODES[0]]);
    for (let i = 0; i < TASKS; i++) {
      // The watched task: a 4 s file, then a 60 s one, forever, starting 20 s into the long one
      // (so that neither the start of a file nor the configured Offset passes for the stored
      // position); the others loop the short file.
      const sources = i === 0 ? [`file:${media.short}`, `file:${media.long}`] : [`file:${media.short}`];
      const start = i === 0 ? { FileIndex: 1, Offset: 20 } : {};
      const res = await client.call('CreateLivePullToPush', Object.assign(start, {
        Region: REGION, StartTime: h.isoSeconds(Date.now() - 1000), EndTime: h.isoSeconds(Date.now() + 600000),
        SourceType: 'url', SourceUrls: JSON.stringify(sources), RepeatNumber: -1,
        DstUrl: nginx.url('live', stream(i)), CallbackUrl: receiver.url,
      }));
      ids.push(res.body.TaskId);
    }
    const held = await m.waitFor('every task running, held by a live node', () => {
      const running = rows('SELECT COUNT(*) AS n FROM relay_tasks WHERE status = 1')[0];
      const now = holders();
      return Number(running.n) === TASKS && ids.every((id) => now[id]) ? now : null;
    }, 30000, 200);
    const perNode = Object.fromEntries(NODES.map((n) => [n, ids.filter((id) => held[id] === n).length]));
    // ceil(6 / 3) = 2 each as they are created; a task no node took within 2 s may go to any.
    t.diagnostic(`tasks per node: ${JSON.stringify(perNode)}`);
    for (const n of NODES) assert.ok(perNode[n] >= 1 && perNode[n] <= 3, `tasks per node: ${JSON.stringify(perNode)}`);
    await m.waitFor('nginx to see every stream', () => {
      const { counts } = publishers();
      return ids.every((_, i) => counts[stream(i)] === 1);
    }, 15000, 100);
  });

  it('a killed node\'s playlist resumes on another node within 15 s at its stored position', async (t) => {
    const watched = ids[0];
    const victim = holders()[watched];
    assert.ok(victim, 'the watched task is held');
    const victimTasks = ids.filter((id) => holders()[id] === victim);
    // Killed once the stored position is 10 s past where the task started (file 1 at 20 s).
    await m.waitFor('the playlist to be stored 10 s into its play', () => {
      const row = taskRow(watched);
      return Number(row.status) === 1 && Number(row.i) === 1 && Number(row.s) >= 30;
    }, 30000, 100);
    const before = leaseRow(watched);
    await nodes[victim].kill('SIGKILL');
    const killedAt = Date.now();
    const stored = taskRow(watched); // what the dead node saved last
    const resumed = await m.waitFor('another node to run the playlist again', () => {
      const lease = leaseRow(watched);
      const row = taskRow(watched);
      const moved = Number(lease.epoch) > Number(before.epoch) && lease.holder !== before.holder;
      return moved && Number(row.status) === 1 && Number(row.updated) >= Number(lease.acquired) ? row : null;
    }, RESUME_LIMIT_MS + 5000, 100);
    const tookMs = Date.now() - killedAt;
    t.diagnostic(`killed ${victim}; resumed after ${tookMs} ms in file ${resumed.i} at ${resumed.s} s (stored: file ${stored.i} at ${stored.s} s)`);
    assert.ok(tookMs <= RESUME_LIMIT_MS, `resumed ${tookMs} ms after the kill`);
    assert.equal(Number(resumed.i), 1, `resumed in the second file: ${JSON.stringify(resumed)}`);
    assert.ok(Math.abs(Number(resumed.s) - Number(stored.s)) <= 5,
      `resumed at ${resumed.s} s, stored ${stored.s} s`);
    // Every task of the dead node runs again, on the live nodes.
    await m.waitFor('the dead node\'s other tasks to run again', () => {
      const now = holders();
      return victimTasks.every((id) => now[id] && now[id] !== victim &&
        Number(taskRow(id).status) === 1) ? true : null;
    }, RESUME_LIMIT_MS, 100);
    // Its callbacks: running, then recovering and running again by the new holder, once each.
    await m.waitFor('the watched task\'s callbacks', () =>
      receiver.events.filter((e) => e.TaskId === watched).length >= 3, 10000, 100);
    await m.waitFor('every callback delivered', () =>
      Number(rows("SELECT COUNT(*) AS n FROM callback_outbox WHERE state = 'pending'")[0].n) === 0, 10000, 100);
    assert.deepEqual(receiver.events.filter((e) => e.TaskId === watched).map((e) => e.TaskStatus), [1, 2, 1]);
    // nginx saw one publisher at a time; the dead node's streams were published twice, the others once.
    await m.waitFor('nginx to see the resumed streams', () => {
      const { counts } = publishers();
      return victimTasks.every((id) => counts[stream(ids.indexOf(id))] === 2);
    }, 10000, 100);
    const seen = publishers();
    assert.equal(seen.refused, 0, 'no second publisher was refused');
    assert.equal(seen.overlaps, 0, 'no stream had two publishers at once');
    for (const [i, id] of ids.entries()) {
      assert.equal(seen.counts[stream(i)], victimTasks.includes(id) ? 2 : 1, `publishes of ${stream(i)}`);
    }
  });

  it('a Stop through a node that does not run the task stops its relay within about 2 s', async (t) => {
    const now = holders();
    const id = ids.find((t) => now[t]);
    const other = NODES.find((n) => n !== now[id] && !nodes[n].exited());
    assert.ok(other, 'a live node that does not hold the task');
    const name = stream(ids.indexOf(id));
    assert.ok(publishers().open.includes(name), `${name} is published`);
    const stopAt = Date.now();
    await api(nodes[other]).call('StopLivePullToPush', { Region: REGION, TaskId: id });
    await m.waitFor(`${name} to be unpublished`, () => !publishers().open.includes(name), 5000, 50);
    const stoppedMs = Date.now() - stopAt;
    t.diagnostic(`Stop through ${other}, the relay on ${now[id]} stopped ${stoppedMs} ms later`);
    assert.ok(stoppedMs <= 2500, `the relay stopped ${stoppedMs} ms after Stop`);
    await m.waitFor('the offline callback', () =>
      receiver.events.some((e) => e.TaskId === id && e.TaskStatus === 3), 5000, 50);
    await m.waitFor('every callback delivered', () =>
      Number(rows("SELECT COUNT(*) AS n FROM callback_outbox WHERE state = 'pending'")[0].n) === 0, 10000, 100);
    const offline = receiver.events.filter((e) => e.TaskId === id && e.TaskStatus === 3);
    assert.equal(offline.length, 1, 'the offline callback is sent once');
    assert.equal(offline[0].TaskInvalidReason, 'TriggerByUser');
  });

  it('refuses a task beyond relay.max_tasks_per_cluster through any node', async () => {
    // Six tasks that have not exited (one offline by the Stop above) fill the cluster's cap.
    const other = NODES.find((n) => !nodes[n].exited());
    const err = await h.expectSdkError(api(nodes[other]).call('CreateLivePullToPush', {
      Region: REGION, StartTime: h.isoSeconds(Date.now() - 1000), EndTime: h.isoSeconds(Date.now() + 600000),
      SourceType: 'url', SourceUrls: JSON.stringify([`file:${media.short}`]), DstUrl: nginx.url('live', 'c-extra'),
    }));
    h.assertSdkError(err, 400, 'CodeNotEnoughResource');
    assert.equal(Number(rows('SELECT COUNT(*) AS n FROM relay_tasks')[0].n), TASKS);
  });
});
