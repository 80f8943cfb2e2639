'use strict';
// Replay protection across the nodes of a cluster (docs/api/README.md "Signatures",
// docs/operations.md "Replay protection"): two servers on ONE PostgreSQL database; a signed
// request that node 1 accepted and that is replayed verbatim to node 2 is refused with
// SignatureNonceUsed (V1 and V3), a replay back to node 1 too, and one request sent to both nodes
// at the same instant is accepted by exactly one of them. The database is made on the throwaway
// cluster (the CTest fixture `postgres`, LIVEREC_TEST_POSTGRES_DIR, or LIVEREC_TEST_POSTGRES_URL
// by hand) and given to both servers as [database] url; without a cluster the test fails.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const database = require('../conformance/database.js');

const RACE_ROUNDS = 20;

// Sends `req` (buildV3) to `server` with the Host header it was signed with: what a load
// balancer in front of both nodes passes on. fetch() would set Host to the node's own address.
function sendWithHost(server, req) {
  const url = new URL(server.endpoint + req.path);
  return new Promise((resolve, reject) => {
    const r = http.request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method: req.method,
      headers: Object.assign({}, req.headers), timeout: 15000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch (e) { json = undefined; }
        resolve({ status: res.statusCode, text, json });
      });
    });
    r.on('timeout', () => r.destroy(new Error('request timed out')));
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

function assertAccepted(res) {
  assert.equal(res.status, 200, `accepted; body: ${res.text}`);
  assert.ok(res.json && res.json.RequestId, `a success body: ${res.text}`);
}

describe('replay protection across two nodes on one PostgreSQL database', () => {
  let db;
  let node1;
  let node2;

  before(async () => {
    db = database.createDatabase();
    // Each node has a node id of its own: two processes with one id are refused (docs/cluster.md).
    const extraToml = (id) => `\n[database]\nurl = "${db.url}"\n\n[cluster]\nnode_id = "${id}"\n`;
    node1 = await h.startServer({ extraToml: extraToml('node-1') });
    node2 = await h.startServer({ extraToml: extraToml('node-2') });
  });

  after(async () => {
    if (node2) await node2.stop();
    if (node1) await node1.stop();
    if (db) database.dropDatabase(db.name);
  });

  it('a V1 request accepted by node 1 and replayed to node 2 is refused (and back to node 1)', async () => {
    const req = h.buildV1({ action: 'DescribeLiveRecordConfig', params: { DomainName: 'example.com' } });
    assertAccepted(await h.send(node1, req));
    h.assertHttpError(await h.send(node2, req), 400, 'SignatureNonceUsed');
    h.assertHttpError(await h.send(node1, req), 400, 'SignatureNonceUsed');
    // A fresh nonce still goes through on node 2: the refusal is about the nonce alone.
    assertAccepted(await h.send(node2, h.buildV1({ params: { DomainName: 'example.com' } })));
  });

  it('a V3 request accepted by node 1 and replayed to node 2 is refused', async () => {
    const req = h.buildV3({ host: 'live.example.test', query: { DomainName: 'example.com' } });
    assertAccepted(await sendWithHost(node1, req));
    h.assertHttpError(await sendWithHost(node2, req), 400, 'SignatureNonceUsed');
  });

  it('one request sent to both nodes at once is accepted exactly once', async () => {
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const req = h.buildV1({ params: { DomainName: 'example.com' } });
      const answers = await Promise.all([h.send(node1, req), h.send(node2, req)]);
      const accepted = answers.filter((res) => res.status === 200);
      const refused = answers.filter((res) => res.status === 400 && res.json &&
        res.json.Code === 'SignatureNonceUsed');
      assert.equal(accepted.length, 1, `round ${round}: ${answers.map((a) => a.text).join(' | ')}`);
      assert.equal(refused.length, 1, `round ${round}: ${answers.map((a) => a.text).join(' | ')}`);
    }
  });

  it('the shared table holds a hash per accepted nonce, not the nonce', async () => {
    const n = h.nonce();
    assertAccepted(await h.send(node2, h.buildV1({ nonce: n, params: { DomainName: 'example.com' } })));
    const rows = database.rows({ backend: 'postgres', url: db.url },
      'SELECT nonce_hash, minute_ms FROM signature_nonces');
    // Accepted so far: 1 + 1 (V1 test), 1 (V3), one per race round, and this one.
    assert.equal(rows.length, 3 + RACE_ROUNDS + 1);
    for (const row of rows) {
      assert.match(row.nonce_hash, /^[0-9a-f]{32}$/);
      assert.equal(row.minute_ms % 60000, 0);
    }
    // The key: the first 128 bits of SHA-256("<AccessKeyId>\n<nonce>").
    const key = crypto.createHash('sha256').update(`${h.DEFAULT_KEY.id}\n${n}`).digest('hex').slice(0, 32);
    assert.equal(rows.filter((row) => row.nonce_hash === key).length, 1);
  });
});
