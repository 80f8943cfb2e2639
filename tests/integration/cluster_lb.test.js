'use strict';
// Three nodes behind one load balancer (docs/cluster.md "Deployment"): HAProxy runs the committed
// example docs/deploy/haproxy.cfg (tests/integration/haproxy.js renders it for 127.0.0.1 and the
// nodes' ports, changing nothing else), in front of three nodes on one PostgreSQL database.
// - Signed API calls through the load balancer are answered whichever node they reach, and
//   every node gets some (each node's liverec_api_requests_total).
// - Real ffmpeg publishers through its RTMP port are spread over the nodes (each node's
//   liverec_streams_live) and recorded: the slice index, read through the load balancer's API,
//   covers what each pushed.
// - A node frozen with SIGSTOP is taken out of rotation by the health check within seconds; new
//   API calls and publishes through the load balancer then reach the other nodes and succeed.
//   Woken (SIGCONT), it renews its lease, answers /healthz again and is back in rotation.
// - A node killed (SIGKILL) is out of rotation within seconds; the others take the calls and
//   publishes.
// PostgreSQL only (LIVEREC_TEST_BACKEND=postgres, tests/CMakeLists.txt).
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { startHaproxy } = require('./haproxy.js');

const LEASE_S = 2;
const SLICE_S = 2;
const PUSH_S = 10;
const DOMAIN = 'lb.example.com';
const NAMES = ['rec-1', 'rec-2', 'rec-3'];  // the example's server names, in node order

// One sample of `name` (with exactly these labels, or none) from a node's /metrics.
async function metric(node, name, labels = '') {
  const text = await (await fetch(`${node.endpoint}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

const OK_LIST = '{action="DescribeLiveStreamsOnlineList",code="OK"}';
const listCalls = (node) => metric(node, 'liverec_api_requests_total', OK_LIST);
const liveStreams = (node) => metric(node, 'liverec_streams_live');

describe('three nodes behind HAProxy (the example config)', () => {
  const nodes = [];
  let lb;
  let lbTarget;  // the load balancer's HTTP side, as the harness's request helpers take it
  let flv;
  const since = h.isoSeconds(Date.now() - 60000);

  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    flv = m.makeTestFlv(PUSH_S);
    for (const name of NAMES) {
      nodes.push(await h.startServer({ extraToml: m.clusterToml(name, LEASE_S),
        ...(nodes.length ? { shareDatabaseOf: nodes[0] } : {}) }));
    }
    lb = await startHaproxy(nodes.map((n) => ({ httpPort: n.port, rtmpPort: n.rtmpPort })));
    lbTarget = { endpoint: lb.endpoint, output: lb.output, exited: () => null };
    await m.waitFor('every node UP in HAProxy', async () =>
      Object.values(await lb.serverStates('liverec_http')).join() === 'UP,UP,UP', 15000, 100);
  });

  after(async () => {
    for (const n of nodes) if (!n.exited()) process.kill(n.pid, 'SIGCONT');
    if (lb) await lb.stop();
    for (const n of nodes.slice().reverse()) await n.stop();  // the first node's database last
  });

  // A signed (V1) API call through the load balancer, expected to succeed. With fetch, whose idle
  // connections are closed after 4 s, under HAProxy's `timeout http-keep-alive` (10 s): a client
  // that keeps one longer may send a request just as HAProxy closes it (docs/cluster.md).
  async function call(action, params) {
    const res = await h.v1Call(lbTarget, { action, params, method: 'POST' });
    assert.equal(res.status, 200, `${action} through the load balancer: ${res.text}`);
    return res.json;
  }
  const online = () => call('DescribeLiveStreamsOnlineList', { DomainName: DOMAIN });
  const onlineNames = async () => (await online()).OnlineInfo.LiveStreamOnlineInfo.map((s) => s.StreamName).sort();
  const rtmpUrl = (stream) => `rtmp://127.0.0.1:${lb.rtmpPort}/live/${stream}?vhost=${DOMAIN}`;

  // Seconds of `stream` in the slice index, asked through the load balancer.
  async function recorded(stream) {
    const body = await call('DescribeLiveStreamRecordContent', { DomainName: DOMAIN, AppName: 'live',
      StreamName: stream, StartTime: since, EndTime: h.isoSeconds(Date.now() + 60000) });
    return body.RecordContentInfoList.RecordContentInfo.reduce((s, r) => s + r.Duration, 0);
  }

  // Pushes `streams` at once through the load balancer; while all are live, reads where they are
  // (liverec_streams_live of each node). Resolves [count per node].
  async function pushThroughLb(streams) {
    const pushes = streams.map((s) => m.push(flv, rtmpUrl(s), { realtime: true, timeoutMs: 60000 }));
    const counts = await m.waitFor(`${streams.join(', ')} live`, async () => {
      if ((await onlineNames()).filter((s) => streams.includes(s)).length !== streams.length) return null;
      const c = await Promise.all(nodes.map((n) => (n.frozen ? 0 : liveStreams(n))));
      return c.reduce((x, y) => x + y, 0) === streams.length && c;
    }, 15000, 100);
    for (const p of pushes) {
      const r = await p.done;
      assert.equal(r.code, 0, `a push through the load balancer failed: ${r.stderr}`);
    }
    for (const s of streams) {
      await m.waitFor(`${s} recorded`, async () => (await recorded(s)) >= PUSH_S - 1, 20000, 250);
    }
    return counts;
  }

  it('answers signed API calls through the load balancer on every node', async () => {
    await call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live', StreamName: '*',
      OssEndpoint: 'local', OssBucket: 'records', DelayTime: 5, 'RecordFormat.1.Format': 'm3u8',
      'RecordFormat.1.SliceDuration': SLICE_S, 'RecordFormat.1.CycleDuration': 3600 });
    const before = await Promise.all(nodes.map(listCalls));
    for (let i = 0; i < 9; i++) {
      const body = await online();
      assert.equal(body.TotalNum, 0);
    }
    const after = await Promise.all(nodes.map(listCalls));
    const got = after.map((n, i) => n - before[i]);
    assert.equal(got.reduce((x, y) => x + y, 0), 9, `calls per node ${got}`);
    assert.ok(got.every((n) => n >= 1), `every node answered some of the calls: ${got}`);
  });

  it('spreads publishers over the nodes and records each', async () => {
    const counts = await pushThroughLb(['s1', 's2', 's3', 's4', 's5', 's6']);
    assert.ok(counts.filter((c) => c > 0).length >= 2, `publishers per node: ${counts}`);
    assert.ok(Math.max(...counts) <= 3, `publishers per node: ${counts}`);
  });

  it('takes a frozen node out of rotation and back in once it wakes', async (t) => {
    const frozen = nodes[2];
    const others = nodes.slice(0, 2);
    const callsBefore = await listCalls(frozen);
    process.kill(frozen.pid, 'SIGSTOP');
    frozen.frozen = true;
    const stopped = Date.now();
    await m.waitFor('HAProxy to mark rec-3 down', async () =>
      (await lb.serverStates('liverec_http'))['rec-3'].startsWith('DOWN'), 20000, 100);
    const downAfterMs = Date.now() - stopped;
    assert.ok((await lb.serverStates('liverec_rtmp'))['rec-3'].startsWith('DOWN'), 'RTMP follows HTTP');

    const othersBefore = await Promise.all(others.map(listCalls));
    for (let i = 0; i < 6; i++) await online();  // each would hang on the frozen node
    const othersAfter = await Promise.all(others.map(listCalls));
    assert.equal(othersAfter[0] + othersAfter[1] - othersBefore[0] - othersBefore[1], 6);
    // The frozen node cannot be asked: all three must be live on the others (one that reached
    // the frozen node would hang there, and the wait would time out).
    const counts = await pushThroughLb(['f1', 'f2', 'f3']);
    assert.equal(counts[0] + counts[1], 3, `publishers per node: ${counts}`);

    process.kill(frozen.pid, 'SIGCONT');
    frozen.frozen = false;
    const woken = Date.now();
    await m.waitFor('HAProxy to mark rec-3 up', async () =>
      (await lb.serverStates('liverec_http'))['rec-3'] === 'UP', 20000, 100);
    const upAfterMs = Date.now() - woken;
    assert.equal(await listCalls(frozen), callsBefore, 'no call reached the frozen node');
    for (let i = 0; i < 6; i++) await online();
    assert.ok((await listCalls(frozen)) > callsBefore, 'calls reach the woken node again');
    const back = await pushThroughLb(['w1', 'w2', 'w3']);
    assert.ok(back[2] >= 1, `a publisher reaches the woken node: ${back}`);
    t.diagnostic(`rec-3 out of rotation ${downAfterMs} ms after SIGSTOP, back ${upAfterMs} ms after SIGCONT`);
  });

  it('takes a killed node out of rotation; calls and publishes go on on the others', async (t) => {
    const killed = nodes[1];
    await killed.kill('SIGKILL');
    const at = Date.now();
    await m.waitFor('HAProxy to mark rec-2 down', async () =>
      (await lb.serverStates('liverec_http'))['rec-2'].startsWith('DOWN'), 20000, 100);
    t.diagnostic(`rec-2 out of rotation ${Date.now() - at} ms after SIGKILL`);
    killed.frozen = true;  // not asked any more
    for (let i = 0; i < 6; i++) await online();
    const counts = await pushThroughLb(['k1', 'k2']);
    assert.equal(counts[0] + counts[2], 2, `publishers per node: ${counts}`);
  });
});
