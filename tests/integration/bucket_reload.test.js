'use strict';
// Bucket access changes without a restart (docs/configuration.md "Bucket access"): the config
// file is edited and liverec gets SIGHUP while a publisher records; the bucket turns public-read
// and private again at once, and the recording goes on untouched (the publisher is never cut,
// every slice is stored and indexed, one cycle). An invalid config changes nothing.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'reload.example.com';
const PUBLIC_READ = '\n[[buckets]]\nname = "records"\naccess = "public-read"\n';

describe('reloading the bucket access with SIGHUP', () => {
  let server;
  let original;
  before(async () => {
    server = await startServer({ extraToml: m.TESTING });
    original = fs.readFileSync(server.configPath, 'utf8');
    await popClient(server, DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      DelayTime: 1, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
    });
  });
  after(async () => { if (server) await server.stop(); });

  // Writes the config, sends SIGHUP and waits for the n-th reload line.
  async function reload(text, n, line = /reload: bucket access applied/g) {
    fs.writeFileSync(server.configPath, text);
    process.kill(server.pid, 'SIGHUP');
    await m.waitFor(`reload ${n}`, () => (server.output().match(line) || []).length >= n, 10000, 50);
  }
  const plain = (key) => fetch(`${server.endpoint}/records/${key}`, { signal: AbortSignal.timeout(10000) });

  it('opens and closes the bucket at once while a recording goes on', async () => {
    const flv = m.makeTestFlv(8);
    const pushing = m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/r1?vhost=${DOMAIN}`, { realtime: true });
    const first = await m.waitFor('a first slice', () => m.sliceIndex(server)[0], 20000, 100);
    assert.equal((await plain(first.object_key)).status, 403, 'private to begin with');

    await reload(original + PUBLIC_READ, 1);
    assert.match(server.output(), /reload: bucket records at local: private -> public-read/);
    const open = await plain(first.object_key);
    assert.equal(open.status, 200, 'public-read from the reload on, without a restart');
    await open.arrayBuffer();

    await reload(original, 2);
    assert.equal((await plain(first.object_key)).status, 403, 'private again');
    const signed = await fetch(server.signedUrl(first.object_key), { signal: AbortSignal.timeout(10000) });
    assert.equal(signed.status, 200, 'signed URLs work throughout');
    await signed.arrayBuffer();

    // An invalid file changes nothing.
    await reload(original + PUBLIC_READ + 'url_expiry_s = 0\n', 1, /reload: the configuration is invalid/g);
    assert.equal((await plain(first.object_key)).status, 403);

    const pushed = await pushing.done;
    assert.equal(pushed.code, 0, `the publisher was never cut: ${pushed.stderr}`);
    await m.waitSettled(server);
    const slices = m.sliceIndex(server);
    const recorded = slices.reduce((sum, s) => sum + Number(s.duration_ms), 0) / 1000;
    assert.ok(Math.abs(recorded - 8) <= 0.5, `all 8 s recorded (${recorded} s in ${slices.length} slices)`);
    assert.equal(new Set(slices.map((s) => s.cycle_id)).size, 1, 'one cycle: the recording was never restarted');
    assert.ok(slices.every((s, i) => i === 0 || (s.start_ms === slices[i - 1].end_ms && !Number(s.discontinuity))),
      'no gap between slices');
    assert.equal(server.stdout().match(/liverec \S+ is running/g).length, 1, 'the server did not restart');
    assert.equal(server.exited(), null);
  });
});
