'use strict';
// Crash recovery end to end (docs/recording.md "Crash recovery"): three streams record at real
// time (two into an S3 bucket behind the SigV4-verifying proxy, with MP4 and FLV cycles, one into
// the local bucket); the S3 endpoint goes away so that closed slices wait in the spool; liverec
// is SIGKILLed. After a restart (the endpoint back): every slice closed before the kill is in its
// bucket and in the index, the media pushed up to the kill is recovered to within one second,
// every cycle file (m3u8, MP4, FLV) is produced and its file_created callback delivered.
// And a graceful stop (SIGTERM) while the endpoint hangs: liverec exits within [shutdown]
// timeout_s, and the restart stores what waited.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startReceiver } = require('./receiver.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { startS3Peer, bucketToml } = require('./s3_peer.js');

const DOMAIN = 'crash-s3.example.com';
const STREAMS = [
  { name: 'a', endpoint: 's3.test', bucket: 's3rec', formats: ['m3u8', 'mp4'] },
  { name: 'b', endpoint: 's3.test', bucket: 's3rec', formats: ['m3u8', 'flv'] },
  { name: 'c', endpoint: 'local', bucket: 'records', formats: ['m3u8'] },
];

// ffmpeg pushing `file` at real time, reporting how much media it has sent (-progress).
function pushWithProgress(file, url) {
  const child = spawn('ffmpeg', ['-v', 'error', '-re', '-i', file, '-c', 'copy', '-f', 'flv',
    '-progress', 'pipe:1', '-stats_period', '0.1', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  const state = { child, sentUs: 0, stderr: '' };
  let pending = '';
  child.stdout.on('data', (d) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      const m = /^out_time_us=(\d+)$/.exec(line.trim());
      if (m) state.sentUs = Number(m[1]);
    }
  });
  child.stderr.on('data', (d) => { state.stderr += d; });
  state.done = new Promise((resolve) => child.on('exit', resolve));
  return state;
}

describe('SIGKILL while several streams record into S3 and a local bucket', () => {
  let peer;
  let receiver;
  const servers = [];
  before(async () => {
    receiver = await startReceiver();
    peer = await startS3Peer({ bucket: 'liverec-crash' });
  });
  after(async () => {
    for (const s of servers) await s.stop();
    if (peer) await peer.stop();
    if (receiver) receiver.srv.close();
  });

  it('recovers every slice, every cycle file and every callback', async (t) => {
    const toml = `${m.TESTING}
[recording]
upload_retry_max_s = 1

${m.FAST_CALLBACKS}${bucketToml(peer, { endpoint: 's3.test', name: 's3rec' })}`;
    const first = await h.startServer({ extraToml: toml });
    servers.push(first);
    const api = h.popClient(first, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveRecordNotifyConfig', { DomainName: DOMAIN, NotifyUrl: receiver.url });
    for (const s of STREAMS) {
      const params = { DomainName: DOMAIN, AppName: 'live', StreamName: s.name, OssEndpoint: s.endpoint,
        OssBucket: s.bucket, DelayTime: 1 };
      s.formats.forEach((format, i) => {
        params[`RecordFormat.${i + 1}.Format`] = format;
        params[`RecordFormat.${i + 1}.SliceDuration`] = 1;
      });
      await api.call('AddLiveAppRecordConfig', params);
    }
    const flv = m.makeTestFlv(30);
    const pushers = STREAMS.map((s) => pushWithProgress(flv, `rtmp://127.0.0.1:${first.rtmpPort}/live/${s.name}?vhost=${DOMAIN}`));
    const rowsOf = (srv, s) => m.sliceIndex(srv).filter((r) => r.object_key.includes(`/${s.name}/`));
    await m.waitFor('two slices of every stream indexed',
      () => STREAMS.every((s) => rowsOf(first, s).length >= 2), 30000, 250);
    // The endpoint goes away: the S3 streams' next slices close into the spool and wait there.
    await peer.down();
    const mark = first.output().length;
    await m.waitFor('slices of both S3 streams waiting', () => {
      const out = first.output().slice(mark);
      return out.includes('live/a: slice') && out.includes('live/b: slice') ? true : null;
    }, 15000);
    await h.sleep(1500); // more slices close into the spool; one is half written at the kill
    const indexedBefore = new Map(STREAMS.map((s) => [s.name, rowsOf(first, s)]));
    await first.kill('SIGKILL');
    const sentMs = pushers.map((p) => Math.floor(p.sentUs / 1000));
    for (const p of pushers) p.child.kill('SIGKILL');
    await Promise.all(pushers.map((p) => p.done));
    const spool = path.join(first.dataDir, 'spool');
    const waiting = m.listFiles(spool, '.ts').filter((f) => !f.includes(`${path.sep}held${path.sep}`));
    assert.ok(waiting.length >= 2, `closed or torn slices in the spool at the kill: ${waiting.length}`);
    t.diagnostic(`in the spool at the kill: ${waiting.map((f) => path.basename(f)).join(', ')}`);

    await peer.up();
    const second = await h.startServer({ reuse: first.tmp, extraToml: toml });
    servers.push(second);
    const local = path.join(second.dataDir, 'buckets', 'records');
    const filesOf = (s, ext) => (s.endpoint === 'local'
      ? m.listFiles(path.join(local, 'record'), ext).map((f) => path.relative(local, f))
      : peer.ls('record/').map((o) => o.key).filter((k) => k.endsWith(ext) && k.includes(`/${s.name}/`)));
    await m.waitFor('every cycle file', () => STREAMS.every((s) => s.formats.every((f) => filesOf(s, `.${f}`).length >= 1)),
      60000, 500);
    // Counted once the server has nothing left in hand: a file made twice would be here by then.
    await m.waitSettled(second);
    for (const s of STREAMS) {
      for (const f of s.formats) assert.equal(filesOf(s, `.${f}`).length, 1, `${s.name}: one ${f} file`);
    }

    STREAMS.forEach((s, i) => {
      const rows = rowsOf(second, s);
      for (const before of indexedBefore.get(s.name)) {
        assert.ok(rows.some((r) => r.object_key === before.object_key), `${s.name}: ${before.object_key} lost`);
      }
      for (let j = 1; j < rows.length; j++) {
        assert.equal(rows[j].start_ms, rows[j - 1].end_ms, `${s.name}: slices back to back`);
      }
      const recoveredMs = rows.reduce((sum, r) => sum + r.duration_ms, 0);
      t.diagnostic(`${s.name}: ${rows.length} slices (${indexedBefore.get(s.name).length} indexed before the kill), ` +
        `${recoveredMs} ms recovered of ${sentMs[i]} ms pushed up to the kill`);
      assert.ok(recoveredMs >= sentMs[i] - 1000,
        `${s.name}: ${recoveredMs} ms recovered of ${sentMs[i]} ms pushed up to the kill`);
      assert.ok(recoveredMs <= sentMs[i] + 1000, `${s.name}: ${recoveredMs} ms recovered, more than pushed`);
      const stored = filesOf(s, '.ts');
      assert.deepEqual(stored.sort(), rows.map((r) => r.object_key).sort(), `${s.name}: bucket and index agree`);
      for (const format of s.formats.filter((f) => f !== 'm3u8')) {
        const key = filesOf(s, `.${format}`)[0];
        const probe = m.ffprobe(`${peer.publicUrl}/${key}`);
        assert.ok(Math.abs(Number(probe.format.duration) * 1000 - recoveredMs) <= 500,
          `${s.name}: ${format} of ${probe.format.duration} s for ${recoveredMs} ms of slices`);
      }
    });
    assert.deepEqual(m.listFiles(spool, '.ts').filter((f) => !f.includes(`${path.sep}held${path.sep}`)), [],
      'the spool is drained');

    // Every cycle file is announced (once or more: a crash may repeat a delivery, never lose one).
    await m.waitFor('file_created for every cycle file', () => STREAMS.every((s) => s.formats.every((f) => {
      const key = filesOf(s, `.${f}`)[0];
      return receiver.events.some((e) => e.uri && e.uri.endsWith(key));
    })), 15000);
  });

  it('exits within [shutdown] timeout_s after SIGTERM while an upload hangs, and loses nothing', async (t) => {
    const toml = `${m.TESTING}
[shutdown]
timeout_s = 3

[recording]
upload_retry_max_s = 1
${bucketToml(peer, { endpoint: 's3.test', name: 's3rec' })}`;
    const first = await h.startServer({ extraToml: toml });
    servers.push(first);
    await h.popClient(first, h.DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', { DomainName: 'term.example.com',
      AppName: 'live', StreamName: 'h', OssEndpoint: 's3.test', OssBucket: 's3rec', DelayTime: 1,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1 });
    await peer.hang(); // every upload waits for an answer that never comes (timeout_ms 10 s, 4 attempts)
    const PUSHED_S = 6;
    const pushed = await m.push(m.makeTestFlv(PUSHED_S), `rtmp://127.0.0.1:${first.rtmpPort}/live/h?vhost=term.example.com`).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    const spool = path.join(first.dataDir, 'spool');
    await m.waitFor('the slices closed into the spool', () => m.listFiles(spool, '.ts').length === PUSHED_S / 2, 15000);
    const stopping = Date.now();
    const exited = await first.stop({ keep: true });
    const tookMs = Date.now() - stopping;
    t.diagnostic(`SIGTERM to exit: ${tookMs} ms (${JSON.stringify(exited)})`);
    assert.deepEqual(exited, { code: 0, signal: null });
    assert.ok(tookMs < 4500, `took ${tookMs} ms`);
    assert.match(first.output(), /shutdown: work still in hand after 3 s/);
    assert.equal(m.listFiles(spool, '.ts').length, PUSHED_S / 2, 'the slices wait in the spool');

    await peer.up();
    const second = await h.startServer({ reuse: first.tmp, extraToml: toml });
    servers.push(second);
    const playlist = await m.waitFor('the playlist', () => peer.ls('record/live/h/').find((o) => o.key.endsWith('.m3u8')), 30000, 500);
    const rows = m.sliceIndex(second).filter((r) => r.object_key.startsWith('record/live/h/'));
    assert.equal(rows.length, PUSHED_S / 2);
    const probe = m.ffprobe(`${peer.publicUrl}/${playlist.key}`);
    assert.ok(Math.abs(Number(probe.format.duration) - PUSHED_S) <= 0.5, `playlist of ${probe.format.duration} s`);
  });
});
