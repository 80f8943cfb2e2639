'use strict';
// Manual recording (OnDemand=7 and RealTimeRecordCommand) and time windows, end to end with real
// ffmpeg publishers pushed in real time (the commands act on wall-clock time) and DelayTime set
// to 60 s, so that a playlist that appears early was closed by a command or a window, not by
// the interruption rule. Contract: docs/recording.md ("Manual recording", "Time
// windows"), docs/api/record-commands.md.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'manual.example.com';

// The durations of a playlist's segments, in seconds.
function segments(m3u8) {
  return [...fs.readFileSync(m3u8, 'utf8').matchAll(/#EXTINF:([\d.]+),/g)].map((x) => Number(x[1]));
}
const sum = (list) => list.reduce((a, b) => a + b, 0);

describe('manual recording and time windows', () => {
  let server;
  let api;
  let bucket;
  let flv;
  let long;
  before(async () => {
    flv = m.makeTestFlv(16);
    long = m.makeTestFlv(30);
    server = await h.startServer({ extraToml: m.TESTING });
    bucket = path.join(server.dataDir, 'buckets', 'records');
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const config = (app, stream, extra) => Object.assign({
      DomainName: DOMAIN, AppName: app, StreamName: stream, OssEndpoint: 'local', OssBucket: 'records',
      DelayTime: 60, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
      'RecordFormat.1.OssObjectPrefix': `${app}/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}`,
      'RecordFormat.1.SliceOssObjectPrefix': `${app}/{StreamName}/ts/{UnixTimestamp}_{Sequence}`,
    }, extra);
    await api.call('AddLiveAppRecordConfig', config('man', '*', { OnDemand: 7 }));
    await api.call('AddLiveAppRecordConfig', config('auto', '*', { OnDemand: 0 }));
  });
  after(async () => { if (server) await server.stop(); });

  const url = (app, stream) => `rtmp://127.0.0.1:${server.rtmpPort}/${app}/${stream}?vhost=${DOMAIN}`;
  const playlists = (app, stream) => m.listFiles(path.join(bucket, app, stream), '.m3u8');
  const slices = (app, stream) => m.listFiles(path.join(bucket, app, stream, 'ts'), '.ts');
  const command = (app, stream, Command) => api.call('RealTimeRecordCommand',
    { DomainName: DOMAIN, AppName: app, StreamName: stream, Command });
  async function refused(app, stream, Command, status, code) {
    const err = await h.expectSdkError(command(app, stream, Command));
    h.assertSdkError(err, status, code);
  }
  // Polls until the stream is live here: until a command stops answering InvalidStream.NotFound.
  async function waitLive(app, stream, Command) {
    return m.waitFor(`${app}/${stream} to be live`, async () => {
      try {
        return await command(app, stream, Command);
      } catch (err) {
        if (err.code === 'InvalidStream.NotFound') return null;
        return err;
      }
    }, 15000, 50);
  }
  // A witness for "nothing is recorded": the same media pushed at the same time into an automatic
  // recording (auto/*). Once the witness has two slices (two 2 s GOPs), the stream it was started
  // with has had as much media, and would have a slice too if it were recording.
  const witness = (stream) => m.push(long, url('auto', stream), { realtime: true });
  async function witnessed(stream, what) {
    await m.waitFor(`two slices of ${stream} (${what})`, () => slices('auto', stream).length >= 2, 20000);
  }
  async function stopPush(p) {
    p.child.kill('SIGTERM');
    await p.done;
  }

  it('start, stop, cancel_delay and restart drive the files; wrong commands are refused', async () => {
    const p = m.push(long, url('man', 'm1'), { realtime: true });
    const w1 = witness('witness1');
    // Live but manual: nothing recorded, and only start is valid.
    const notYet = await waitLive('man', 'm1', 'stop');
    h.assertSdkError(notYet, 409, 'InvalidTaskState');
    await refused('man', 'm1', 'cancel_delay', 409, 'InvalidTaskState');
    await refused('man', 'm1', 'restart', 409, 'InvalidTaskState');
    await witnessed('witness1', 'pushed with m1');
    assert.deepEqual(slices('man', 'm1'), [], 'nothing is recorded before start');
    await stopPush(w1);

    const started = Date.now();
    const res = await command('man', 'm1', 'start');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), ['RequestId']);
    await refused('man', 'm1', 'start', 409, 'TaskAlreadyStarted');
    await m.waitFor('the first slices', () => slices('man', 'm1').length >= 2, 15000);
    await h.sleep(Math.max(0, 4500 - (Date.now() - started)));
    await command('man', 'm1', 'stop');
    const stopped = Date.now();
    await refused('man', 'm1', 'stop', 409, 'InvalidTaskState');
    assert.deepEqual(playlists('man', 'm1'), [], 'after stop the file waits DelayTime (60 s)');

    await command('man', 'm1', 'cancel_delay');
    const [first] = await m.waitFor('the playlist closed by cancel_delay',
      () => playlists('man', 'm1').length === 1 && playlists('man', 'm1'), 10000);
    const recorded = sum(segments(first));
    const commanded = (stopped - started) / 1000;
    assert.ok(recorded <= commanded + 0.6 && recorded >= commanded - 2.6,
      `the file holds ${recorded} s; start to stop took ${commanded} s (GOP 2 s)`);
    await refused('man', 'm1', 'cancel_delay', 409, 'InvalidTaskState');
    await refused('man', 'm1', 'restart', 409, 'InvalidTaskState');

    // A new start makes a new file; restart closes it at once and goes on in a third.
    await command('man', 'm1', 'start');
    await m.waitFor('slices of the second recording', () => slices('man', 'm1').length >= 4, 15000);
    await command('man', 'm1', 'restart');
    const two = await m.waitFor('the playlist closed by restart',
      () => playlists('man', 'm1').length === 2 && playlists('man', 'm1'), 10000);
    assert.ok(sum(segments(two[1])) >= 1, 'the second file has media');
    await refused('man', 'm1', 'start', 409, 'TaskAlreadyStarted');
    await stopPush(p);
    // The publisher left: no more commands for the stream; the third file waits DelayTime.
    await m.waitFor('the stream to be gone', async () => {
      const err = await h.expectSdkError(command('man', 'm1', 'stop'));
      return err.code === 'InvalidStream.NotFound' && err.status === 404;
    }, 10000);

    // Republished: a manual recording is not resumed (stop is refused: nothing records).
    const republished = Date.now();
    const again = m.push(long, url('man', 'm1'), { realtime: true });
    const w2 = witness('witness2');
    const idle = await waitLive('man', 'm1', 'stop');
    h.assertSdkError(idle, 409, 'InvalidTaskState');
    await witnessed('witness2', 'pushed with the republish of m1');
    // The slice index has each slice's start to the millisecond (the {UnixTimestamp} of a name has
    // whole seconds: the last slice before the leave may start in the second of the republish).
    const after = m.sliceIndex(server)
      .filter((r) => r.object_key.startsWith('man/m1/') && r.start_ms >= republished).map((r) => r.object_key);
    assert.deepEqual(after, [], 'nothing recorded after the republish');
    // Seconds after the leave (the cycle checks run every second): the third file still waits.
    assert.equal(playlists('man', 'm1').length, 2, 'the file left open waits DelayTime (60 s)');
    await Promise.all([stopPush(again), stopPush(w2)]);
  });

  it('commands act on automatic recordings too; a stream without a config is refused', async () => {
    const p = m.push(flv, url('auto', 'a1'), { realtime: true });
    const none = m.push(flv, url('noconf', 'n1'), { realtime: true });
    const already = await waitLive('auto', 'a1', 'start');
    h.assertSdkError(already, 409, 'TaskAlreadyStarted');
    const noConfig = await waitLive('noconf', 'n1', 'start');
    h.assertSdkError(noConfig, 404, 'InvalidConfig.NotFound');
    none.child.kill('SIGTERM');

    await m.waitFor('automatic slices', () => slices('auto', 'a1').length >= 2, 15000);
    await command('auto', 'a1', 'stop');
    const count = slices('auto', 'a1').length;
    // start after stop resumes the same file (it waits within DelayTime).
    await command('auto', 'a1', 'start');
    await m.waitFor('slices after the resume', () => slices('auto', 'a1').length >= count + 2, 15000);
    await command('auto', 'a1', 'stop');
    await command('auto', 'a1', 'cancel_delay');
    const [file] = await m.waitFor('the playlist', () => playlists('auto', 'a1').length === 1 && playlists('auto', 'a1'), 10000);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /#EXT-X-DISCONTINUITY/, 'the resumed part follows a discontinuity');
    assert.ok(segments(file).length >= 4, 'both parts are in the one file');
    p.child.kill('SIGTERM');
    await p.done;
    await none.done;
  });

  it('a stream-level time window starts the recording when it opens and closes it when it ends', async () => {
    // Whole seconds: the API's times have second precision. The window opens once the witness
    // has shown that a recording would have made slices by then.
    const opens = Math.ceil((Date.now() + 9000) / 1000) * 1000;
    const ends = opens + 5000;
    await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'win', StreamName: 'w1', OssEndpoint: 'local', OssBucket: 'records',
      DelayTime: 60, StartTime: h.isoSeconds(opens), EndTime: h.isoSeconds(ends),
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
      'RecordFormat.1.OssObjectPrefix': 'win/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
      'RecordFormat.1.SliceOssObjectPrefix': 'win/{StreamName}/ts/{UnixTimestamp}_{Sequence}',
    });
    const p = m.push(long, url('win', 'w1'), { realtime: true });
    const w3 = witness('witness3');
    let finished = false;
    p.done.then(() => { finished = true; });
    await m.waitFor('the stream to be live', async () => {
      try { await command('win', 'w1', 'stop'); return true; } catch (err) { return err.code !== 'InvalidStream.NotFound'; }
    }, 15000, 50);
    await witnessed('witness3', 'pushed with w1');
    assert.ok(Date.now() < opens, 'the test publishes before the window opens');
    assert.deepEqual(slices('win', 'w1'), [], 'nothing recorded before the window');
    const [file] = await m.waitFor('the playlist closed at the window end',
      () => playlists('win', 'w1').length === 1 && playlists('win', 'w1'), 25000);
    assert.ok(!finished, 'the window, not the publisher leaving, closed the file');
    assert.ok(Date.now() >= ends, 'not before the window ends');
    const recorded = sum(segments(file));
    assert.ok(recorded >= 2.4 && recorded <= 5.6, `the window of 5 s recorded ${recorded} s (GOP 2 s)`);
    // Two more slices of the witness: as much media again went to w1 after the window.
    const count = slices('win', 'w1').length;
    const witnessCount = slices('auto', 'witness3').length;
    await m.waitFor('two more slices of witness3',
      () => slices('auto', 'witness3').length >= witnessCount + 2, 20000);
    assert.ok(!finished, 'w1 was still publishing');
    assert.equal(slices('win', 'w1').length, count, 'nothing recorded after the window');
    await Promise.all([stopPush(p), stopPush(w3)]);
  });
});
