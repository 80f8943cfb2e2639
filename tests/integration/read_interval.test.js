'use strict';
// rtmp.read_interval_ms (docs/recording.md "Reading publishers"): with publishers read on a
// common 100 ms tick, a 2 Mbit/s stream pushed in real time (~25 KiB per tick: read once a
// tick) and at twice real time (~50 KiB per tick: reads of 32 KiB and more are followed at once
// by the next) is recorded whole, and the publisher is not held back.
const assert = require('node:assert/strict');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const PUSHED_S = 8;
const TIMEOUT_FACTOR = Math.max(1, Number(process.env.LIVEREC_TIMEOUT_FACTOR) || 1);

describe('publishers read on a 100 ms tick', () => {
  let server;
  let flv;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    server = await startServer({ extraToml: `${m.TESTING}\n[rtmp]\nread_interval_ms = 100\n` });
    await popClient(server, DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
      DomainName: 'tick.example.com', AppName: 'live', StreamName: '*', OssEndpoint: 'local',
      OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2,
      DelayTime: 1,
    });
  });
  after(async () => { if (server) await server.stop(); });

  for (const [name, options, bound] of [
    ['in real time', { realtime: true }, PUSHED_S + 3],
    ['at twice real time', { readrate: 2 }, PUSHED_S / 2 + 3],
  ]) {
    it(`records a stream pushed ${name} whole, without holding the publisher back`, async () => {
      const stream = `s-${options.realtime ? 'rt' : 'x2'}`;
      const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=tick.example.com`;
      const started = Date.now();
      const pushed = await m.push(flv, url, options).done;
      const took = (Date.now() - started) / 1000;
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.ok(took <= bound * TIMEOUT_FACTOR, `the push took ${took} s (bound ${bound} s)`);
      const dir = path.join(server.dataDir, 'buckets', 'records', 'record', 'live', stream);
      await m.waitFor('the cycle playlist', () => m.listFiles(dir, '.m3u8').length === 1, 30000);
      let total = 0;
      for (const slice of m.listFiles(dir, '.ts')) {
        const decoded = m.decodeAll(slice);
        assert.equal(decoded.status, 0, decoded.stderr);
        total += Number(m.ffprobe(slice).format.duration);
      }
      assert.ok(Math.abs(total - PUSHED_S) <= 0.5, `slices sum to ${total} s, pushed ${PUSHED_S} s`);
    });
  }
});
