'use strict';
// Crash resilience: liverec is SIGKILLed in the middle of a push. After a restart on the same
// data dir, every slice closed before the kill is stored and indexed, the torn slice is cut to
// whole TS packets and kept, and the cycle that should have closed is closed with a playable
// playlist. What a kill between two spool writes leaves (a slice renamed to .ts whose sidecar
// still says open; parts and temporary sidecars without a sidecar) is recovered or set aside.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const { TESTING } = m;

describe('restart after SIGKILL during a push', () => {
  const servers = [];
  after(async () => {
    for (const s of servers) await s.stop();
  });

  it('keeps every slice closed before the kill and the torn one', async () => {
    const flv = m.makeTestFlv(30);
    const first = await startServer({ extraToml: TESTING });
    servers.push(first);
    await popClient(first, DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
      DomainName: 'crash.example.com', AppName: 'live', StreamName: 's1', OssEndpoint: 'local',
      OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2,
      DelayTime: 1,
    });
    const pusher = m.push(flv, `rtmp://127.0.0.1:${first.rtmpPort}/live/s1?vhost=crash.example.com`,
      { realtime: true });
    const bucket = path.join(first.dataDir, 'buckets', 'records');
    const spool = path.join(first.dataDir, 'spool');
    await m.waitFor('two stored slices', () => m.listFiles(bucket, '.ts').length >= 2, 30000);
    // Kill while a slice is half written.
    await m.waitFor('a slice being written', () => m.listFiles(spool, '.ts.part')
      .some((f) => fs.statSync(f).size > 150 * 1024), 15000, 20);
    await first.kill('SIGKILL');
    pusher.child.kill('SIGKILL');
    await pusher.done;

    const storedBefore = m.listFiles(bucket, '.ts').map((f) => path.relative(bucket, f));
    const closedInSpool = m.listFiles(spool, '.ts').filter((f) => !f.endsWith('.part'));
    const torn = m.listFiles(spool, '.ts.part').filter((f) => fs.statSync(f).size >= 188);
    assert.ok(torn.length >= 1, 'no torn slice in the spool at the kill');
    const indexedBefore = m.sliceIndex(first).length;
    assert.ok(indexedBefore >= 2);
    // What a kill between two spool writes leaves (src/recorder/spool_orphans.h):
    // - the torn slice as if it had just been renamed to .ts, its sidecar still the open one;
    const tornPart = torn[0];
    const tornBytes = fs.readFileSync(tornPart);
    fs.renameSync(tornPart, tornPart.replace(/\.part$/, ''));
    // - a part with bytes but no sidecar (kept aside), an empty one whose sidecar was cut short
    //   (both removed).
    const streamDir = path.dirname(tornPart);
    fs.writeFileSync(path.join(streamDir, 'orphan-full.ts.part'), tornBytes.subarray(0, 188 * 100));
    fs.writeFileSync(path.join(streamDir, 'orphan-empty.ts.part'), '');
    fs.writeFileSync(path.join(streamDir, 'orphan-empty.json.tmp'), '{"plan":{"dom');

    const second = await startServer({ reuse: first.tmp, extraToml: TESTING });
    servers.push(second);
    const playlists = await m.waitFor('the closed cycle playlist',
      () => { const p = m.listFiles(bucket, '.m3u8'); return p.length ? p : null; }, 30000);
    const after = m.listFiles(bucket, '.ts').map((f) => path.relative(bucket, f));
    for (const key of storedBefore) assert.ok(after.includes(key), `${key} was lost`);
    const expected = storedBefore.length + closedInSpool.length + torn.length;
    assert.equal(after.length, expected,
      `before ${storedBefore.length}, closed in spool ${closedInSpool.length}, torn ${torn.length}`);
    assert.deepEqual(m.listFiles(spool, '.ts'), [], 'the spool was not drained');

    const rows = m.sliceIndex(second);
    assert.equal(rows.length, expected);
    const last = rows[rows.length - 1];
    assert.ok(last.duration_ms > 0, 'the torn slice has no duration');
    const lastFile = path.join(bucket, last.object_key);
    assert.equal(fs.statSync(lastFile).size % 188, 0, 'the torn slice was not cut to whole packets');

    const text = fs.readFileSync(playlists[0], 'utf8');
    assert.match(text, /#EXT-X-ENDLIST\n$/);
    for (const row of rows) assert.ok(text.includes(path.basename(row.object_key)));
    const played = m.decodeAll(playlists[0]);
    assert.equal(played.status, 0, played.stderr);
    assert.match(second.output(), /recovery: torn slice .* cut to whole packets/);
    const kept = path.join(spool, 'orphans', path.basename(streamDir), 'orphan-full.ts.part');
    assert.equal(fs.readFileSync(kept).length, 188 * 100, 'the part without a sidecar was not kept');
    assert.match(second.output(), /orphan-full\.ts\.part \(18800 bytes\) has no sidecar/);
    for (const gone of ['orphan-full.ts.part', 'orphan-empty.ts.part', 'orphan-empty.json.tmp']) {
      assert.ok(!fs.existsSync(path.join(streamDir, gone)), `${gone} is still in the stream directory`);
    }
  });
});
