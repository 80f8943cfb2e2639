'use strict';
// Cluster membership on one PostgreSQL database (docs/cluster.md): two nodes see each other in
// `liverec cluster nodes`, in /metrics and in DescribeLiveClusterNodes (operator accounts only,
// with the leases each holds); a node paused past its lease (SIGSTOP) is listed dead
// and comes back live after SIGCONT; a second process with a running node's node_id is refused
// (Cluster.NodeIdInUse); a process that takes over a paused node's id makes the paused one
// report 503 "cluster: node lease lost" on /healthz after SIGCONT, until the other releases it; a
// node killed and restarted on its data directory takes its lease over without waiting.
// PostgreSQL only (LIVEREC_TEST_BACKEND=postgres, tests/CMakeLists.txt).

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const http = require('node:http');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const LEASE_S = 2; // beats every ~0.67 s; the [testing] minimum is lowered to allow it

const nodeToml = (nodeId) => m.clusterToml(nodeId, LEASE_S);

// `liverec cluster nodes --json` on the shared database, by node id.
function listNodes(databaseUrl) {
  const r = spawnSync(h.LIVEREC_BIN, ['cluster', 'nodes', '--json'], {
    encoding: 'utf8', timeout: 15000, env: h.cleanEnv({ LIVEREC_DATABASE_URL: databaseUrl }),
  });
  assert.equal(r.status, 0, `cluster nodes failed (${r.status}): ${r.stderr}`);
  return Object.fromEntries(JSON.parse(r.stdout).map((n) => [n.node_id, n]));
}

function get(server, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

describe('cluster membership on one PostgreSQL', () => {
  let a;
  let b;
  const extra = []; // servers started by a test, stopped in after()

  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    a = await h.startServer({ extraToml: nodeToml('node-a') });
    b = await h.startServer({ extraToml: nodeToml('node-b'), shareDatabaseOf: a });
  });

  after(async () => {
    for (const s of [...extra, b]) {
      if (s && !s.exited()) {
        process.kill(s.pid, 'SIGCONT');
        await s.stop();
      }
    }
    if (a) await a.stop();
  });

  it('two nodes on one database see each other, with their addresses, in the CLI and /metrics', async () => {
    const nodes = await m.waitFor('both nodes live', () => {
      const n = listNodes(a.databaseUrl);
      return n['node-a'] && n['node-b'] && n['node-a'].live && n['node-b'].live ? n : null;
    }, 10000);
    assert.equal(nodes['node-a'].advertise_http, a.host);
    assert.equal(nodes['node-b'].advertise_http, b.host);
    assert.equal(nodes['node-b'].advertise_rtmp, `127.0.0.1:${b.rtmpPort}`);
    assert.equal(nodes['node-a'].lease_epoch, 1);
    assert.equal(nodes['node-a'].live_streams, 0);
    assert.equal(nodes['node-b'].relays_running, 0);
    assert.match(nodes['node-a'].version, /^\d+\.\d+/);
    const metrics = (await get(a, '/metrics')).body;
    assert.match(metrics, /\nliverec_node_info\{node_id="node-a"\} 1\n/);
    assert.match(metrics, /\nliverec_cluster_nodes_live 2\n/);
    assert.match(metrics, /\nliverec_cluster_lease_held 1\n/);
    assert.equal((await get(a, '/healthz')).status, 200);
    assert.equal((await get(b, '/healthz')).status, 200);
    assert.match((await get(b, '/metrics')).body, /\nliverec_node_info\{node_id="node-b"\} 1\n/);
  });


  it('DescribeLiveClusterNodes lists both nodes, their leases and load, to an operator account only', async () => {
    const call = (server, key) => h.v1Call(server, {
      action: 'DescribeLiveClusterNodes', params: {}, method: 'POST', ...(key ? { key } : {}),
    });
    const pushing = m.push(m.makeTestFlv(30), `rtmp://127.0.0.1:${b.rtmpPort}/live/ops1?vhost=ops.example.com`,
      { realtime: true });
    try {
      // Node b reports the publish at its next heartbeat; node a answers from the database.
      const listed = await m.waitFor('node-b listed with the publish', async () => {
        const res = await call(a);
        assert.equal(res.status, 200, res.text);
        const byId = Object.fromEntries(res.json.Nodes.Node.map((n) => [n.NodeId, n]));
        const nb = byId['node-b'];
        return nb && nb.LiveStreams === 1 && nb.PublishLeases === 1 ? { body: res.json, byId } : null;
      }, 15000);
      const { body, byId } = listed;
      assert.equal(body.ClusterMode, true);
      assert.equal(body.NodeId, 'node-a');
      assert.equal(body.LeaseSeconds, LEASE_S);
      assert.equal(body.LiveCount, 2);
      assert.deepEqual(body.Nodes.Node.map((n) => n.NodeId).slice(0, 2), ['node-a', 'node-b']);
      const na = byId['node-a'];
      assert.equal(na.Status, 'live');
      assert.equal(na.HttpAddress, a.host);
      assert.equal(byId['node-b'].RtmpAddress, `127.0.0.1:${b.rtmpPort}`);
      assert.equal(na.LiveStreams, 0);
      assert.equal(na.PublishLeases, 0);
      assert.equal(na.LeaseEpoch, 1);
      assert.ok(na.LeaseSecondsLeft > 0 && na.LeaseSecondsLeft <= LEASE_S, JSON.stringify(na));
      assert.ok(Date.parse(na.LeaseExpireTime) > Date.parse(na.HeartbeatTime), JSON.stringify(na));
      assert.equal(typeof na.UploadLagSeconds, 'number');
      // Node b answers the same list.
      const fromB = await call(b);
      assert.equal(fromB.status, 200, fromB.text);
      assert.equal(fromB.json.NodeId, 'node-b');
      assert.deepEqual(fromB.json.Nodes.Node.map((n) => n.NodeId), body.Nodes.Node.map((n) => n.NodeId));
      // Another tenant's account is no operator.
      const refused = await call(a, h.TENANT_B_KEY);
      assert.equal(refused.status, 403, refused.text);
      assert.equal(refused.json.Code, 'Forbidden.NotOperator');
    } finally {
      pushing.child.kill('SIGKILL');
      await pushing.done;
    }
  });
  it('a second process with a running node\'s node_id is refused and the first keeps its lease', async () => {
    const before = listNodes(a.databaseUrl)['node-a'];
    const started = Date.now();
    await assert.rejects(
      h.startServer({ extraToml: nodeToml('node-a'), shareDatabaseOf: a }),
      (err) => {
        assert.match(err.message, /exited early/);
        assert.match(err.message, /Cluster\.NodeIdInUse/);
        assert.match(err.message, /node id 'node-a': another process keeps renewing its lease/);
        return true;
      });
    // It waited about one lease for the holder to stop renewing before giving up.
    assert.ok(Date.now() - started >= LEASE_S * 1000, `refused after ${Date.now() - started} ms`);
    const after = listNodes(a.databaseUrl)['node-a'];
    assert.equal(after.lease_holder, before.lease_holder);
    assert.equal(after.lease_epoch, 1);
    assert.equal(after.live, true);
    assert.equal((await get(a, '/healthz')).status, 200);
  });

  it('a node paused past its lease is listed dead, and live again after SIGCONT', async () => {
    process.kill(b.pid, 'SIGSTOP');
    try {
      await m.waitFor('node-b dead', () => listNodes(a.databaseUrl)['node-b'].live === false,
        (LEASE_S + 8) * 1000);
      assert.match((await get(a, '/metrics')).body, /\nliverec_cluster_nodes_live 1\n/);
      assert.equal((await get(a, '/healthz')).status, 200, 'the other node is not affected');
    } finally {
      process.kill(b.pid, 'SIGCONT');
    }
    // Nobody took its lease: it renews it at the same epoch.
    const back = await m.waitFor('node-b live again',
      () => { const n = listNodes(a.databaseUrl)['node-b']; return n.live ? n : null; }, 10000);
    assert.equal(back.lease_epoch, 1);
    await m.waitFor('node-b healthy', async () => (await get(b, '/healthz')).status === 200, 10000);
    // Its log line may reach the test after /healthz answers (the pipe is read asynchronously).
    await m.waitFor('node-b to log the late renewal',
      () => /renewed its lease \d+ ms after it lapsed/.test(b.stderr()), 5000);
  });

  it('a paused node whose id was taken over answers 503 after SIGCONT until it takes it back', async () => {
    process.kill(b.pid, 'SIGSTOP');
    let d;
    try {
      await m.waitFor('node-b dead', () => listNodes(a.databaseUrl)['node-b'].live === false,
        (LEASE_S + 8) * 1000);
      // A replacement with the same node id takes the lapsed lease at once, at a new epoch.
      d = await h.startServer({ extraToml: nodeToml('node-b'), shareDatabaseOf: a });
      extra.push(d);
      const taken = listNodes(a.databaseUrl)['node-b'];
      assert.equal(taken.live, true);
      assert.equal(taken.lease_epoch, 2);
      assert.equal(taken.advertise_http, d.host);
    } finally {
      process.kill(b.pid, 'SIGCONT');
    }
    // (Right after SIGCONT it may first answer "lease lapsed", until its heartbeat runs.)
    const lost = await m.waitFor('"lease lost" from the paused node', async () => {
      const r = await get(b, '/healthz');
      return r.status === 503 && /node lease lost/.test(r.body) ? r : null;
    }, 10000, 20);
    assert.match(lost.body, /^unavailable: cluster: node lease lost: .*held by \S+ at epoch 2/);
    assert.match((await get(b, '/metrics')).body, /\nliverec_cluster_lease_held 0\n/);
    // Its stale heartbeats write nothing: the row stays the replacement's.
    await h.sleep(LEASE_S * 1000);
    assert.equal(listNodes(a.databaseUrl)['node-b'].advertise_http, d.host);
    assert.equal((await get(b, '/healthz')).status, 503);
    // The replacement stops and releases the id: the first process takes it back.
    await d.stop();
    const back = await m.waitFor('node-b taken back', () => {
      const n = listNodes(a.databaseUrl)['node-b'];
      return n.live && n.advertise_http === b.host ? n : null;
    }, 10000);
    assert.equal(back.lease_epoch, 3);
    await m.waitFor('node-b healthy', async () => (await get(b, '/healthz')).status === 200, 10000);
    assert.match(b.stderr(), /took its lease back at epoch 3/);
  });

  it('a node killed and restarted on its data directory takes its lease over at once', async () => {
    await b.kill('SIGKILL'); // its lease stays live for up to LEASE_S
    b = await h.startServer({ reuse: b.tmp, shareDatabaseOf: a });
    // The data directory's lock proves the previous run is over: no wait for its lease.
    assert.doesNotMatch(b.stderr(), /is held by another process/);
    const n = listNodes(a.databaseUrl)['node-b'];
    assert.equal(n.live, true);
    assert.equal(n.lease_epoch, 4);
    assert.equal(n.advertise_http, b.host);
    assert.equal((await get(b, '/healthz')).status, 200);
  });
});
