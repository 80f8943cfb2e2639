'use strict';
// The console's Cluster screen (docs/console.md) in Debian's Chromium: an operator account (the
// default one) sees the nodes from DescribeLiveClusterNodes; an account that is no operator is
// told so in words. On SQLite, the one node answering ("runs alone"); on PostgreSQL
// (LIVEREC_TEST_BACKEND=postgres), two nodes on one database: a publish on node b shows as its
// stream and publish lease on the page served by node a, and node b stopped shows as dead.
// Screenshots `cluster-single` (SQLite) and `cluster` (PostgreSQL) go to
// LIVEREC_CONSOLE_SCREENSHOTS when it is set.
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startConsole } = require('./console_page.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const CLUSTERED = h.BACKEND === 'postgres';
const T = { timeout: 15000 };

describe(`the Cluster screen of the console (${CLUSTERED ? 'two nodes' : 'one node'})`, () => {
  let ui;
  let b;
  before(async () => {
    ui = await startConsole({ extraToml: m.clusterToml('node-a', 2) });
    if (CLUSTERED) {
      b = await h.startServer({ extraToml: m.clusterToml('node-b', 2), shareDatabaseOf: ui.server });
    }
  });
  after(async () => {
    if (b && !b.exited()) await b.stop();
    if (ui) await ui.close();
  });

  const row = (page, nodeId) => page.locator('table.cluster-table tbody tr', { hasText: nodeId });

  it('shows the nodes to an operator account, with their state, lease, leases held and load', async () => {
    const { page, problems } = await ui.openSignedIn(undefined, 'cluster');
    await page.getByRole('heading', { name: 'Cluster' }).waitFor(T);
    const a = row(page, 'node-a');
    await a.waitFor(T);
    assert.match(await a.textContent(), /live/);
    assert.match(await a.textContent(), new RegExp(`HTTP ${ui.server.host}`));
    assert.match(await a.textContent(), /this node/);
    if (!CLUSTERED) {
      await page.getByText('This server runs alone (SQLite): no cluster.').waitFor(T);
      assert.match(await a.textContent(), /none \(a single node\)/);
      await ui.shot(page, 'cluster-single');
      assert.deepEqual(problems, []);
      await page.close();
      return;
    }
    // A publish on node b: its stream and publish lease, reported at b's next heartbeat.
    const pushing = m.push(m.makeTestFlv(30), `rtmp://127.0.0.1:${b.rtmpPort}/live/cam1?vhost=cluster.example.com`,
      { realtime: true });
    try {
      const rb = row(page, 'node-b');
      await rb.filter({ hasText: '1 publish' }).waitFor(T);
      assert.match(await rb.textContent(), /live/);
      assert.match(await rb.textContent(), /epoch 1, \d+(\.\d)? s left/);
      await page.getByText(/2 nodes, 2 live, on one PostgreSQL/).waitFor(T);
    } finally {
      pushing.child.kill('SIGKILL');
      await pushing.done;
    }
    // Node b stops: it releases its lease and is listed dead at the next refresh.
    await b.stop();
    await row(page, 'node-b').filter({ hasText: 'dead' }).filter({ hasText: 'released (stopped)' }).waitFor(T);
    await page.getByText(/2 nodes, 1 live/).waitFor(T);
    await ui.shot(page, 'cluster');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('tells an account that is no operator, in words, and lists nothing', async () => {
    const { page, problems } = await ui.openConsole(undefined, 'cluster');
    await ui.signIn(page, h.TENANT_B_KEY.id, h.TENANT_B_KEY.secret);
    await page.getByRole('button', { name: 'Sign out' }).waitFor(T);
    await page.getByText('Only an operator account sees the nodes').waitFor(T);
    assert.equal(await page.locator('table.cluster-table').count(), 0);
    assert.deepEqual(problems.filter((p) => !/403/.test(p)), []);
    await page.close();
  });
});
