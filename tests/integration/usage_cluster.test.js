'use strict';
// Recording usage across the nodes of a cluster (docs/api/usage.md, "How the data are made, and
// kept"): two nodes on one PostgreSQL database; a real ffmpeg publisher pushes one stream to each
// node at the same time. Each node writes its own usage rows (every 200 ms here, [testing]
// usage_sample_ms); DescribeLiveDomainRecordUsageData on either node sums them: a peak of 2
// channels and the time both recorded, the same answer from both.
// PostgreSQL only (LIVEREC_TEST_BACKEND=postgres, tests/CMakeLists.txt).
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'usage-cluster.example.com';
const USAGE = 'DescribeLiveDomainRecordUsageData';
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function nodeToml(nodeId) {
  return `${m.TESTING}usage_sample_ms = 200\n\n[cluster]\nnode_id = "${nodeId}"\n`;
}

describe('recording usage summed over two nodes on one PostgreSQL', () => {
  let a;
  let b;
  let range;
  const lasted = [];

  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    const flv = m.makeTestFlv(4);
    a = await h.startServer({ extraToml: nodeToml('node-a') });
    b = await h.startServer({ extraToml: nodeToml('node-b'), shareDatabaseOf: a });
    const api = h.popClient(a, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
    });
    const t0 = Date.now();
    await Promise.all([[a, 's1'], [b, 's2']].map(async ([node, stream]) => {
      const began = Date.now();
      const r = await m.push(flv, `rtmp://127.0.0.1:${node.rtmpPort}/live/${stream}?vhost=${DOMAIN}`,
        { realtime: true }).done;
      assert.equal(r.code, 0, r.stderr);
      lasted.push(Date.now() - began);
    }));
    range = { StartTime: iso(t0 - (t0 % 60000)), EndTime: iso(Date.now() + 120000), Interval: 60, SplitBy: 'null' };
    await m.waitFor('both streams offline', async () =>
      (await api.call('DescribeLiveStreamsOnlineList', { DomainName: DOMAIN })).body.TotalNum === 0, 15000);
    const total = async () => (await api.call(USAGE, range)).body.RecordUsageData.DataModule
      .reduce((n, d) => n + d.Duration, 0);
    await m.waitFor('the usage written', async () => {
      const first = await total();
      await h.sleep(700);
      return first > 0 && first === await total();
    }, 15000, 0);
  });

  after(async () => {
    if (b) await b.stop();
    if (a) await a.stop();
  });

  it('each node writes its own rows; either node answers their sum', async () => {
    const nodes = m.dbRows(a, "SELECT DISTINCT node FROM record_usage_minutes WHERE record_fmt = '' ORDER BY node");
    assert.deepEqual(nodes.map((r) => r.node), ['node-a', 'node-b']);
    const fromA = (await h.popClient(a, h.DEFAULT_KEY, 'POST').call(USAGE, range)).body.RecordUsageData.DataModule;
    const fromB = (await h.openApiClient(b, h.DEFAULT_KEY, undefined).call(USAGE, range)).body.RecordUsageData.DataModule;
    assert.deepEqual(fromB, fromA);
    assert.equal(Math.max(...fromA.map((d) => d.Count)), 2, 'one stream on each node at once');
    const seconds = fromA.reduce((n, d) => n + d.Duration, 0);
    const pushed = (lasted[0] + lasted[1]) / 1000;
    assert.ok(seconds >= pushed - 5 && seconds <= pushed + 2, `${seconds} s recorded, ${pushed} s pushed`);
  });
});
