'use strict';
// The recording state of streams live on another node (DescribeLiveStreamsOnlineList's
// RecordStatus; docs/api/streams.md "Recording state"): two nodes on one PostgreSQL database; real
// ffmpeg publishers push to node A, one with a record config and one without. Node B lists them
// from the cluster-wide directory with A's states (`recording`, `idle`), and a RealTimeRecordCommand
// stop / start sent to B (run on A) shows in B's list within a few seconds, as in A's at once.
// PostgreSQL only (LIVEREC_TEST_BACKEND=postgres, tests/CMakeLists.txt).
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'status-cluster.example.com';

function nodeToml(nodeId) {
  return `${m.TESTING}\n[cluster]\nnode_id = "${nodeId}"\n`;
}

describe('the recording state of streams live on another node', () => {
  let a;
  let b;
  let apiA;
  let apiB;
  const pushes = [];

  before(async () => {
    assert.equal(h.BACKEND, 'postgres', 'this file runs on PostgreSQL only');
    a = await h.startServer({ extraToml: nodeToml('node-a') });
    b = await h.startServer({ extraToml: nodeToml('node-b'), shareDatabaseOf: a });
    apiA = h.popClient(a, h.DEFAULT_KEY, 'POST');
    apiB = h.popClient(b, h.DEFAULT_KEY, 'POST');
    await apiB.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'rec', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      DelayTime: 1, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
    });
  });

  after(async () => {
    for (const p of pushes) {
      p.child.kill('SIGKILL');
      await p.done;
    }
    if (b) await b.stop();
    if (a) await a.stop();
  });

  const push = (app, stream) => {
    const url = `rtmp://127.0.0.1:${a.rtmpPort}/${app}/${stream}?vhost=${DOMAIN}`;
    pushes.push(m.push(m.makeTestFlv(60), url, { realtime: true }));
  };
  async function states(api) {
    const body = (await api.call('DescribeLiveStreamsOnlineList', { DomainName: DOMAIN })).body;
    return body.OnlineInfo.LiveStreamOnlineInfo
      .map((s) => `${s.AppName}/${s.StreamName}: ${s.RecordStatus || '-'}`).join(', ');
  }
  // Waits (bounded) until node B lists `want`; how long it took, in ms.
  async function seenOnB(want, what) {
    const start = Date.now();
    let last;
    await m.waitFor(`node B to list ${want} (${what})`, async () => {
      last = await states(apiB);
      return last === want;
    }, 15000, 100);
    return Date.now() - start;
  }

  it('lists A\'s states on node B and follows stop and start sent to B', async () => {
    push('rec', 'cam');
    push('plain', 'cam');
    await seenOnB('plain/cam: idle, rec/cam: recording', 'the publishes on A');
    assert.equal(await states(apiA), 'plain/cam: idle, rec/cam: recording', 'A answers the same');

    await apiB.call('RealTimeRecordCommand', { DomainName: DOMAIN, AppName: 'rec', StreamName: 'cam',
      Command: 'stop' });
    assert.equal(await states(apiA), 'plain/cam: idle, rec/cam: stopped', 'A at once');
    const stopMs = await seenOnB('plain/cam: idle, rec/cam: stopped', 'after stop');

    await apiB.call('RealTimeRecordCommand', { DomainName: DOMAIN, AppName: 'rec', StreamName: 'cam',
      Command: 'start' });
    assert.equal(await states(apiA), 'plain/cam: idle, rec/cam: recording', 'A at once');
    const startMs = await seenOnB('plain/cam: idle, rec/cam: recording', 'after start');
    // Written by A at its next measurement (about a second), not at its 5 s refresh; generous for
    // a loaded machine.
    assert.ok(Math.min(stopMs, startMs) < 4000, `B saw the changes after ${stopMs} and ${startMs} ms`);
  });
});
