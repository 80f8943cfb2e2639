'use strict';
// An S3 outage during recording (docs/recording.md "Outages: the spool and its bound"): the
// endpoint (the SigV4 proxy in front of s3rver) goes away while real ffmpeg pushes, so every
// request is refused at connect. Slices wait in the spool in order; nothing is closed while they
// wait; when the endpoint is back every slice is stored and indexed under consecutive sequence
// numbers, the playlist covers the whole push and file_created follows. With the spool at its
// bound, a new recording into the unreachable bucket is refused with a record_error callback and
// the backlog is kept intact.
const assert = require('node:assert/strict');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startReceiver } = require('./receiver.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { startS3Peer, bucketToml } = require('./s3_peer.js');

const DOMAIN = 'outage.example.com';
const GOP_S = 2; // makeTestFlv: a keyframe every 2 s, so 1-second slices last 2 s

describe('an S3 outage during recording', () => {
  let peer;
  let server;
  let receiver;
  let spool;
  before(async () => {
    receiver = await startReceiver();
    peer = await startS3Peer({ bucket: 'liverec-outage' });
    server = await h.startServer({ extraToml: `${m.TESTING}
[recording]
spool_max_mb = 1
upload_retry_max_s = 2

${m.FAST_CALLBACKS}${bucketToml(peer, { endpoint: 's3.test', name: 's3rec' })}` });
    spool = path.join(server.dataDir, 'spool');
    const api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveRecordNotifyConfig', { DomainName: DOMAIN, NotifyUrl: receiver.url, NeedStatusNotify: 'true' });
    await api.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live', StreamName: '*',
      OssEndpoint: 's3.test', OssBucket: 's3rec', DelayTime: 1, 'RecordFormat.1.Format': 'm3u8',
      'RecordFormat.1.SliceDuration': 1,
      'RecordFormat.1.OssObjectPrefix': 'out/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
      'RecordFormat.1.SliceOssObjectPrefix': 'out/{StreamName}/ts/{UnixTimestamp}_{Sequence}' });
  });
  after(async () => {
    if (server) await server.stop();
    if (peer) await peer.stop();
    if (receiver) receiver.srv.close();
  });

  const url = (stream) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${DOMAIN}`;
  // Closed slices waiting in the spool (none are held for MP4/FLV cycles here).
  const spooled = () => m.listFiles(spool, '.ts').filter((f) => !f.includes(`${path.sep}held${path.sep}`));
  const objects = (stream, ext) => peer.ls(`out/${stream}/`).filter((o) => o.key.endsWith(ext));
  const events = (stream) => receiver.events.filter((e) => e.stream === stream);
  const rowsOf = (stream) => m.sliceIndex(server).filter((r) => r.object_key.startsWith(`out/${stream}/`));

  // Every slice of `stream` is indexed and in the bucket, back to back, numbered without gaps,
  // and the playlist plays the whole push (read anonymously from s3rver, like a player would).
  async function assertComplete(stream, pushedS) {
    const playlist = await m.waitFor(`the playlist of ${stream}`, () => objects(stream, '.m3u8')[0], 40000, 500);
    const rows = rowsOf(stream);
    assert.equal(rows.length, pushedS / GOP_S, JSON.stringify(rows));
    for (let i = 1; i < rows.length; i++) {
      assert.equal(rows[i].start_ms, rows[i - 1].end_ms, 'slices back to back');
      assert.equal(rows[i].sequence, rows[i - 1].sequence + 1, 'no sequence numbers lost to failed attempts');
    }
    const stored = objects(stream, '.ts');
    assert.deepEqual(stored.map((o) => o.key).sort(), rows.map((r) => r.object_key).sort());
    for (const row of rows) assert.equal(stored.find((o) => o.key === row.object_key).size, row.bytes);
    const probe = m.ffprobe(`${peer.publicUrl}/${playlist.key}`);
    assert.ok(Math.abs(Number(probe.format.duration) - pushedS) <= 0.5, `playlist of ${probe.format.duration} s`);
    await m.waitFor(`file_created for the playlist of ${stream}`,
      () => events(stream).find((e) => e.uri && e.uri.endsWith('.m3u8')), 10000);
  }

  it('stores every slice, in order, when the endpoint comes back during the push', async () => {
    const PUSHED_S = 12;
    const push = m.push(m.makeTestFlv(PUSHED_S), url('s1'), { realtime: true });
    await m.waitFor('the first slice in the bucket', () => objects('s1', '.ts').length >= 1, 15000, 250);
    await peer.down();
    const mark = server.output().length;
    await m.waitFor('a slice kept in the spool', () => server.output().slice(mark).includes('not stored yet'), 15000);
    assert.ok(spooled().length >= 1);
    await h.sleep(3000); // the recording goes on into the spool
    await peer.up();
    const pushed = await push.done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    await assertComplete('s1', PUSHED_S);
    assert.match(server.output().slice(mark), /s1: stored again after \d+ failed attempts/);
    assert.deepEqual(spooled(), [], 'the spool is empty again');
  });

  it('refuses new recordings into the unreachable bucket once the spool is full, and keeps the backlog', async () => {
    const PUSHED_S = 8;
    await peer.down();
    const mark = server.output().length;
    const pushed = await m.push(m.makeTestFlv(PUSHED_S), url('s2')).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    const waiting = await m.waitFor('the slices in the spool', () => {
      const files = spooled();
      return files.length === PUSHED_S / GOP_S ? files : null;
    }, 20000);
    // DelayTime (1 s) and several cycle checks (every 1 s) pass: nothing may be closed meanwhile.
    await h.sleep(3000);
    assert.equal(rowsOf('s2').length, 0, 'nothing indexed while the bucket is down');
    assert.equal(events('s2').filter((e) => e.uri).length, 0, 'no file_created while the bucket is down');

    // About 2 MiB waits: past the 1 MiB bound, so a new recording into the bucket is refused.
    await m.waitFor('the spool to reach its bound',
      () => server.output().slice(mark).includes('of its 1 MiB bound: new recordings'), 10000);
    const refused = await m.push(m.makeTestFlv(2), url('s3')).done;
    assert.equal(refused.code, 0, 'the publish itself is accepted');
    const error = await m.waitFor('record_error', () => events('s3').find((e) => e.event === 'record_error'), 10000);
    assert.match(error.reason, /spool is full .* bucket s3\.test\/s3rec is unreachable/);
    assert.deepEqual(spooled(), waiting, 'the backlog is intact');

    await peer.up();
    await assertComplete('s2', PUSHED_S);
    assert.deepEqual(spooled(), [], 'the spool is empty again');

    // Reachable again with the backlog stored: recordings into the bucket start again.
    await m.waitFor('the spool below its bound', () => /spool: \d+ MiB, below \d+% of its bound again/.test(server.output().slice(mark)), 15000);
    const again = await m.push(m.makeTestFlv(2), url('s4')).done;
    assert.equal(again.code, 0);
    await assertComplete('s4', 2);
    assert.equal(events('s4').filter((e) => e.event === 'record_error').length, 0);
  });
});
