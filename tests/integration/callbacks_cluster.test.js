'use strict';
// Callbacks in a cluster (docs/callbacks.md "Several nodes", docs/cluster.md): two nodes on one
// PostgreSQL database drain one outbox. Events are claimed in batches with FOR UPDATE SKIP
// LOCKED and a lease: while both nodes drain, every event is delivered exactly once, by one node
// or the other; a node SIGKILLed while it holds claims leaves its events to the other node, which
// sends them when their leases end (at least once). PostgreSQL only (tests/CMakeLists.txt).

const assert = require('node:assert/strict');
const http = require('node:http');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const BULK = 300;
const TIMEOUT_MS = 1000; // callbacks.timeout_ms: the first claimed event's lease is this + 30 s
const LEASE_MARGIN_MS = 30000;

function nodeToml(nodeId) {
  return `${m.clusterToml(nodeId)}
${m.FAST_CALLBACKS}timeout_ms = ${TIMEOUT_MS}
`;
}

// Keeps every request; answers 200 after `delayMs` (so that draining takes a while and both nodes
// are at it). `onRequest(request)`, when set, is called first.
function startReceiver(delayMs) {
  const receiver = { requests: [], onRequest: null };
  receiver.srv = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const request = {
        id: req.headers['x-liverec-event-id'],
        attempt: Number(req.headers['x-liverec-attempt']),
        path: req.url,
        at: Date.now(),
      };
      receiver.requests.push(request);
      if (receiver.onRequest) receiver.onRequest(request);
      setTimeout(() => { res.writeHead(200); res.end('ok'); }, delayMs);
    });
  });
  return new Promise((resolve) => receiver.srv.listen(0, '127.0.0.1', () => {
    receiver.url = `http://127.0.0.1:${receiver.srv.address().port}`;
    resolve(receiver);
  }));
}

// `count` pending events, all due already, in the order of their ids <prefix>-0001..., POSTed to
// `url`: what any node's Outbox::Enqueue writes.
function enqueue(server, prefix, count, url) {
  const now = Date.now();
  const changed = server.dbExec(
    'INSERT INTO callback_outbox (account_id, id, domain_name, app_name, stream_name, kind, url, ' +
    'method, body, sign_key, state, attempts, next_attempt_ms, last_status, last_error, ' +
    'last_headers, last_response, created_at_ms) ' +
    `SELECT 'acct', '${prefix}-' || lpad(g::text, 4, '0'), 'cb.example.com', 'live', 's' || g, ` +
    `'record_started', '${url}', 'POST', '{"n":' || g || '}', '', 'pending', 0, ${now - 10000} + g, ` +
    `0, ` +
    `'', '', '', ${now} FROM generate_series(1, ${count}) AS g`);
  assert.equal(changed, count);
}

function get(server, path) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

async function delivered(server) {
  const match = /\nliverec_callback_attempts_total\{outcome="delivered"\} (\d+)\n/
    .exec(await get(server, '/metrics'));
  assert.ok(match, 'no delivered count in /metrics');
  return Number(match[1]);
}

function pendingLike(server, prefix) {
  const [{ n }] = server.dbRows(
    `SELECT COUNT(*) AS n FROM callback_outbox WHERE id LIKE '${prefix}-%' AND state = 'pending'`);
  return n;
}

describe('callbacks on two nodes sharing one PostgreSQL', () => {
  let a;
  let b;
  let receiver;

  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    receiver = await startReceiver(5);
    a = await h.startServer({ extraToml: nodeToml('node-a') });
    b = await h.startServer({ extraToml: nodeToml('node-b'), shareDatabaseOf: a });
  });

  after(async () => {
    for (const s of [b, a]) {
      if (!s) continue;
      if (!s.exited()) process.kill(s.pid, 'SIGCONT');
      await s.stop();
    }
    if (receiver) receiver.srv.close();
  });

  it('both nodes drain the outbox and every event is delivered exactly once', async () => {
    const [beforeA, beforeB] = [await delivered(a), await delivered(b)];
    enqueue(a, 'bulk', BULK, `${receiver.url}/bulk`);
    await m.waitFor('every event delivered', () => pendingLike(a, 'bulk') === 0 || null, 60000);
    const requests = receiver.requests.filter((r) => r.path === '/bulk');
    const ids = new Set(requests.map((r) => r.id));
    assert.equal(ids.size, BULK, 'every event arrived');
    assert.equal(requests.length, BULK, 'no event arrived twice');
    assert.ok(requests.every((r) => r.attempt === 1), 'each on its first attempt');
    const [byA, byB] = [await delivered(a) - beforeA, await delivered(b) - beforeB];
    assert.equal(byA + byB, BULK, `node-a delivered ${byA}, node-b ${byB}`);
    assert.ok(byA > 0 && byB > 0, `both nodes delivered: node-a ${byA}, node-b ${byB}`);
    const [{ n }] = a.dbRows(
      "SELECT COUNT(*) AS n FROM callback_outbox WHERE id LIKE 'bulk-%' AND state = 'delivered' " +
      'AND attempts = 1');
    assert.equal(n, BULK);
    // Nothing waits in the spools of idle nodes.
    assert.match(await get(a, '/metrics'), /\nliverec_upload_lag_seconds 0\n/);
  });

  it('events claimed by a node that dies are delivered by the other once their leases end', async () => {
    // Only node-b claims the new events: node-a is paused while they are enqueued and claimed.
    process.kill(a.pid, 'SIGSTOP');
    let claimedAt;
    receiver.onRequest = (request) => {
      if (request.path !== '/die' || claimedAt) return;
      claimedAt = request.at;
      process.kill(b.pid, 'SIGKILL'); // in the middle of its first attempt, holding all three
    };
    try {
      enqueue(b, 'die', 3, `${receiver.url}/die`);
      await m.waitFor('node-b killed during its first attempt', () => claimedAt || null, 15000);
      await b.kill('SIGKILL');
    } finally {
      process.kill(a.pid, 'SIGCONT');
    }
    const claimedBy = receiver.requests.filter((r) => r.path === '/die');
    assert.equal(claimedBy.length, 1, 'node-b died during its first attempt');
    assert.equal(claimedBy[0].id, 'die-0001');
    await m.waitFor('node-a delivers what node-b held', () => pendingLike(a, 'die') === 0 || null,
      LEASE_MARGIN_MS + 30000);
    const requests = receiver.requests.filter((r) => r.path === '/die');
    assert.deepEqual(requests.map((r) => r.id), ['die-0001', 'die-0001', 'die-0002', 'die-0003'],
      'the interrupted event again (at least once), then the others once, in order');
    // Each waited for its lease: the i-th claimed event is leased for (i + 1) attempts' timeouts
    // and the margin after the claim.
    for (const [i, r] of requests.slice(1).entries()) {
      const lease = claimedAt + (i + 1) * TIMEOUT_MS + LEASE_MARGIN_MS;
      assert.ok(r.at >= lease - 1000, `${r.id} sent ${lease - r.at} ms before its lease ended`);
      assert.equal(r.attempt, 1, 'an attempt that never finished is not counted');
    }
    const rows = a.dbRows(
      "SELECT id, state, attempts FROM callback_outbox WHERE id LIKE 'die-%' ORDER BY id");
    assert.deepEqual(rows.map((r) => [r.id, r.state, r.attempts]),
      [['die-0001', 'delivered', 1], ['die-0002', 'delivered', 1], ['die-0003', 'delivered', 1]]);
  });
});
