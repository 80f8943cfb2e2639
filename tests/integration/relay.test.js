'use strict';
// Pull-to-push relay tasks end to end (docs/api/relay.md): real media through the
// libavformat worker between nginx-rtmp (the reference server, a source and a destination that
// records what it receives) and liverec itself (a destination that records, and lists what is
// live). Relays move media at wall-clock speed, so these tests push real time, kept short.
// Callbacks go to a receiver on 127.0.0.1.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startReceiver } = require('./receiver.js');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { addRelayRecordConfig } = require('./relay_tasks.js');
const { startNginxRtmp, freePort } = require('./nginx_rtmp.js');

const DOMAIN = 'relay.example.com';
const REGION = 'cn-shanghai';
const RETENTION_S = 2;

// The media files of `url` tasks: a.mp4 (6 s) and b.flv (4 s), H.264 + AAC, GOP 2 s.
function makeMedia(dir) {
  const a = path.join(dir, 'a.mp4');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-i', m.makeTestFlv(6), '-c', 'copy', '-f', 'mp4', a]);
  assert.equal(r.status, 0, `ffmpeg could not make a.mp4: ${r.stderr}`);
  const b = path.join(dir, 'b.flv');
  fs.copyFileSync(m.makeTestFlv(4), b);
  return { a, b };
}

// Decode timestamps (s) of every packet of `file`, by stream type.
function packetTimes(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=codec_type,dts_time', '-of', 'json', file],
    { encoding: 'utf8', timeout: 60000, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const out = { video: [], audio: [] };
  for (const p of JSON.parse(r.stdout).packets) out[p.codec_type].push(Number(p.dts_time));
  return out;
}

// Every step forward, none backward, and no hole longer than `maxGapS`.
function assertContinuous(times, what, maxGapS = 0.5) {
  assert.ok(times.length > 10, `${what}: packets`);
  for (let i = 1; i < times.length; i++) {
    const step = times[i] - times[i - 1];
    assert.ok(step >= 0 && step <= maxGapS, `${what}: dts ${times[i - 1]} -> ${times[i]}`);
  }
}

describe('pull-to-push relay with real media', () => {
  let server;
  let api;
  let nginx;
  let receiver;
  let media;
  let mediaRoot;
  before(async () => {
    mediaRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-relay-files-'));
    media = makeMedia(mediaRoot);
    m.makeTestFlv(10);
    nginx = await startNginxRtmp();
    receiver = await startReceiver('/relay-hooks');
    server = await h.startServer({ extraToml: `${m.TESTING}min_retry_interval_s = 1

[relay]
allow_private_addresses = true
media_root = "${mediaRoot}"
exited_retention_s = ${RETENTION_S}

${m.FAST_CALLBACKS}` });
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await addRelayRecordConfig(api, DOMAIN);
  });
  after(async () => {
    if (server) await server.stop();
    if (nginx) await nginx.stop();
    if (mediaRoot) fs.rmSync(mediaRoot, { recursive: true, force: true });
    if (receiver) receiver.srv.close();
  });

  const liverecUrl = (stream) => `rtmp://127.0.0.1:${server.rtmpPort}/relay/${stream}?vhost=${DOMAIN}`;
  const fileUrl = (file) => `file:${file}`;
  async function create(params) {
    const res = await api.call('CreateLivePullToPush', Object.assign({
      Region: REGION, StartTime: h.isoSeconds(Date.now() - 1000), EndTime: h.isoSeconds(Date.now() + 600000),
      CallbackUrl: receiver.url,
    }, params));
    assert.equal(res.body.RetCode, 0);
    return res.body.TaskId;
  }
  const describeTask = async (TaskId) => (await api.call('DescribeLivePullToPush', { Region: REGION, TaskId })).body;
  const waitStatus = (TaskId, status, timeoutMs = 20000) => m.waitFor(`task ${TaskId} status ${status}`, async () => {
    const t = await describeTask(TaskId);
    return t.TaskStatus === status ? t : null;
  }, timeoutMs, 50);
  const callbacks = (TaskId) => receiver.events.filter((e) => e.TaskId === TaskId);
  const statuses = (TaskId) => callbacks(TaskId).map((e) => e.TaskStatus);
  // The task's status callbacks once `count` have arrived (they are delivered after the change).
  // Read once the outbox has nothing pending, so that a callback more than expected is seen.
  const callbackStatuses = async (TaskId, count) => {
    await m.waitFor(`${count} callbacks of ${TaskId}`, () => statuses(TaskId).length >= count, 5000, 50);
    await m.waitFor('every callback delivered', () => m.inHand(server).callbacks === 0, 5000, 50);
    return statuses(TaskId);
  };
  const online = async () => {
    const res = await api.call('DescribeLiveStreamsOnlineList', { DomainName: DOMAIN, PageSize: 100 });
    return res.body.OnlineInfo.LiveStreamOnlineInfo.map((s) => s.StreamName);
  };
  const waitOnline = (stream, live, timeoutMs = 15000) => m.waitFor(`${stream} ${live ? '' : 'not '}live`,
    async () => (await online()).includes(stream) === live, timeoutMs, 50);
  const nginxLog = () => fs.readFileSync(path.join(nginx.dir, 'error.log'), 'utf8');

  it('relays a live stream from nginx-rtmp into liverec, which records all of it', async () => {
    const pushedS = 10;
    const TaskId = await create({ SourceType: 'live', SourceProtocol: 'rtmp',
      SourceUrls: JSON.stringify([nginx.url('live', 'src1')]), DstUrl: liverecUrl('r1'), RetryCount: 0 });
    // The relay plays the source before it is published, so it sees every frame.
    await m.waitFor('the relay to play src1', () => nginxLog().includes("play: name='src1'"), 15000, 50);
    const pushed = await m.push(m.makeTestFlv(pushedS), nginx.url('live', 'src1'), { realtime: true }).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);

    // The source ended: with RetryCount 0 the task goes offline at once.
    const task = await waitStatus(TaskId, 3);
    assert.equal(task.TaskInvalidReason, 'PullStreamFailed');
    assert.deepEqual(await callbackStatuses(TaskId, 2), [1, 3]);
    assert.equal(callbacks(TaskId)[1].TaskInvalidReason, 'PullStreamFailed');
    assert.equal(callbacks(TaskId)[0].Event, 'LivePullToPushRunning');
    assert.equal(callbacks(TaskId)[0].TaskInfo.DstUrl, liverecUrl('r1'));

    const dir = path.join(server.dataDir, 'buckets', 'records', 'relay', 'r1');
    const [playlist] = await m.waitFor('the relayed recording', () => {
      const found = m.listFiles(dir, '.m3u8');
      return found.length ? found : null;
    }, 20000);
    const recorded = [...fs.readFileSync(playlist, 'utf8').matchAll(/#EXTINF:([\d.]+),/g)]
      .reduce((sum, x) => sum + Number(x[1]), 0);
    assert.ok(Math.abs(recorded - pushedS) <= 0.6, `recorded ${recorded} s of ${pushedS} s relayed`);
    const probe = m.ffprobe(playlist);
    assert.ok(Math.abs(Number(probe.format.duration) - pushedS) <= 0.6, `playlist duration ${probe.format.duration}`);
    assert.equal(m.decodeAll(playlist).stderr, '', 'the recording decodes cleanly');
  });

  // Records the relay of `TaskId` into liverec stream `stream`; returns the recorded seconds.
  async function recordedSeconds(stream) {
    const dir = path.join(server.dataDir, 'buckets', 'records', 'relay', stream);
    const [playlist] = await m.waitFor(`the recording of ${stream}`, () => {
      const found = m.listFiles(dir, '.m3u8');
      return found.length ? found : null;
    }, 20000);
    assert.equal(m.decodeAll(playlist).stderr, '', `the recording of ${stream} decodes cleanly`);
    return [...fs.readFileSync(playlist, 'utf8').matchAll(/#EXTINF:([\d.]+),/g)]
      .reduce((sum, x) => sum + Number(x[1]), 0);
  }

  it('relays HLS, HTTP-FLV and SRT live sources and url files over HTTP', async () => {
    // HLS and FLV served over HTTP by liverec's own bucket server; an SRT listener run by ffmpeg.
    const served = path.join(server.dataDir, 'buckets', 'records', 'served');
    fs.mkdirSync(served, { recursive: true });
    const hls = spawnSync('ffmpeg', ['-v', 'error', '-i', m.makeTestFlv(10), '-c', 'copy', '-f', 'hls',
      '-hls_time', '2', '-hls_playlist_type', 'vod', path.join(served, 'index.m3u8')]);
    assert.equal(hls.status, 0, String(hls.stderr));
    fs.copyFileSync(m.makeTestFlv(6), path.join(served, 'live.flv'));
    fs.copyFileSync(media.a, path.join(served, 'a.mp4'));
    // Signed URLs: the bucket is private (the HLS playlist served brings its segments' tokens).
    const http = (name) => server.signedUrl(`served/${name}`);
    const srtPort = await freePort();
    const srt = m.push(m.makeTestFlv(6), `srt://127.0.0.1:${srtPort}?mode=listener`, { realtime: true, format: 'mpegts' });

    const tasks = [
      ['h7', { SourceType: 'live', SourceProtocol: 'hls', SourceUrls: JSON.stringify([http('index.m3u8')]) }, 10],
      ['f7', { SourceType: 'live', SourceProtocol: 'http-flv', SourceUrls: JSON.stringify([http('live.flv')]) }, 6],
      ['s7', { SourceType: 'live', SourceProtocol: 'srt', SourceUrls: JSON.stringify([`srt://127.0.0.1:${srtPort}`]) }, 6],
      ['u7', { SourceType: 'url', SourceUrls: JSON.stringify([http('a.mp4')]) }, 6],
    ];
    const ids = [];
    for (const [stream, params] of tasks) {
      ids.push(await create(Object.assign({ DstUrl: liverecUrl(stream), RetryCount: 0 }, params)));
    }
    // Live sources end (PullStreamFailed, no retries); the url playlist finishes ("").
    for (const [i, TaskId] of ids.entries()) {
      const task = await waitStatus(TaskId, 3, 30000);
      assert.equal(task.TaskInvalidReason, tasks[i][1].SourceType === 'url' ? '' : 'PullStreamFailed', tasks[i][0]);
      assert.deepEqual(await callbackStatuses(TaskId, 2), [1, 3], tasks[i][0]);
    }
    assert.equal((await srt.done).code, 0, 'the SRT listener pushed its media');
    for (const [stream, , seconds] of tasks) {
      const recorded = await recordedSeconds(stream);
      assert.ok(Math.abs(recorded - seconds) <= 0.6, `${stream}: recorded ${recorded} s of ${seconds} s`);
    }
  });

  it('plays a two-file playlist from FileIndex at Offset, repeated, into nginx-rtmp as one stream', async () => {
    // b.flv from 2 s (2 s), then one more pass: a.mp4 (6 s) and b.flv (4 s): 12 s in all.
    const TaskId = await create({ SourceType: 'url', 'SourceUrls.1': fileUrl(media.a), 'SourceUrls.2': fileUrl(media.b),
      FileIndex: 1, Offset: 2, RepeatNumber: 1, DstUrl: nginx.url('live', 'out2') });
    const seen = new Set();
    const done = await m.waitFor('the playlist to finish', async () => {
      const t = await describeTask(TaskId);
      if (t.TaskStatus === 1) seen.add(t.CurrentFileIndex);
      return t.TaskStatus === 3 ? t : null;
    }, 30000, 100);
    assert.equal(done.TaskInvalidReason, '', 'a finished playlist is offline without a reason');
    assert.deepEqual([...seen].sort(), [0, 1], 'CurrentFileIndex follows the playlist');
    assert.deepEqual(await callbackStatuses(TaskId, 2), [1, 3]);

    const [recording] = await m.waitFor('nginx-rtmp to close its recording', () => {
      const publisher = /\*(\d+) publish: name='out2'/.exec(nginxLog());
      const closed = publisher && nginxLog().includes(`*${publisher[1]} deleteStream`);
      return closed ? nginx.recordings('out2') : null;
    }, 10000, 100);
    assert.ok(recording, 'nginx-rtmp recorded the relayed stream');
    const probe = m.ffprobe(recording);
    assert.ok(Math.abs(Number(probe.format.duration) - 12) <= 0.5, `destination recorded ${probe.format.duration} s`);
    assert.deepEqual(probe.streams.map((s) => s.codec_name).sort(), ['aac', 'h264']);
    const times = packetTimes(recording);
    assertContinuous(times.video, 'video');
    assertContinuous(times.audio, 'audio');
    assert.equal(m.decodeAll(recording).stderr, '', 'the destination recording decodes cleanly');
  });

  it('calls back at each new file of a playlist with NotifyItemSwitch, signed with the AuthKey', async () => {
    // b.flv from 2 s (2 s), then a.mp4: one switch, about 2 s in.
    const AuthKey = 'RelayItemSwitchKey0123';
    const urls = [fileUrl(media.b), fileUrl(media.a)];
    const TaskId = await create({ SourceType: 'url', SourceUrls: JSON.stringify(urls), Offset: 2,
      DstUrl: nginx.url('live', 'out9'), ReqAuth: 'yes', AuthKey, NotifyItemSwitch: 'yes' });
    const signed = () => receiver.requests.filter((r) => r.event.TaskId === TaskId);
    const switched = await m.waitFor('the item-switch callback', () =>
      signed().find((r) => r.event.Event === 'LivePullToPushItemSwitch'), 15000, 50);
    assert.equal(switched.kind, 'relay_item_switch');
    assert.equal(switched.event.CurrentFileIndex, 1);
    assert.equal(switched.event.CurrentFileUrl, urls[1]);
    assert.equal(switched.event.RemainingRepeats, 0);
    assert.equal(switched.event.TaskStatus, 1);
    assert.equal(switched.event.TaskInfo.NotifyItemSwitch, 'yes');
    assert.equal(switched.event.TaskInfo.AuthKey, undefined, 'the key never travels in a callback');
    const running = signed().find((r) => r.event.Event === 'LivePullToPushRunning');
    assert.ok(running, 'the running callback came first');
    // Every callback of the task is signed as recording callbacks are: md5("<host>|<ts>|<key>").
    for (const r of signed()) {
      assert.match(r.timestamp, /^\d+$/, r.kind);
      assert.ok(Math.abs(Number(r.timestamp) - Date.now() / 1000) < 60, `${r.kind}: a fresh timestamp`);
      const expected = crypto.createHash('md5').update(`127.0.0.1|${r.timestamp}|${AuthKey}`).digest('hex');
      assert.equal(r.signature, expected, r.kind);
    }
    assert.equal((await describeTask(TaskId)).CurrentFileIndex, 1);
    await api.call('DeleteLivePullToPush', { Region: REGION, TaskId });
  });

  it('retries a source that is down, then goes offline with callbacks', async () => {
    const port = await freePort();  // nothing listens there
    const TaskId = await create({ SourceType: 'live', SourceProtocol: 'rtmp',
      SourceUrls: JSON.stringify([`rtmp://127.0.0.1:${port}/live/none`]), DstUrl: liverecUrl('r3'),
      RetryCount: 2, RetryInterval: 1 });
    const recovering = await waitStatus(TaskId, 2);
    assert.equal(recovering.TaskInvalidReason, '');
    const task = await waitStatus(TaskId, 3, 15000);
    assert.equal(task.TaskInvalidReason, 'PullStreamFailed');
    assert.deepEqual(await callbackStatuses(TaskId, 2), [2, 3]);
    assert.equal(callbacks(TaskId)[1].TaskInvalidReason, 'PullStreamFailed');
  });

  it('stops at EndTime with an exit callback and is removed after the retention', async () => {
    const endMs = Math.ceil((Date.now() + 4000) / 1000) * 1000;
    const TaskId = await create({ SourceType: 'url', SourceUrls: JSON.stringify([fileUrl(media.a)]),
      RepeatNumber: -1, DstUrl: liverecUrl('r4'), EndTime: h.isoSeconds(endMs) });
    await waitStatus(TaskId, 1);
    await waitOnline('r4', true);
    const exited = await waitStatus(TaskId, -1, 10000);
    assert.equal(exited.TaskExitReason, 'OverEndTime');
    assert.equal(exited.TaskExitTime, endMs / 1000);
    await waitOnline('r4', false, 3000);
    await m.waitFor('the exit callback', () => callbacks(TaskId).some((e) => e.Event === 'LivePullToPushExit'), 5000, 50);
    const exit = callbacks(TaskId).find((e) => e.Event === 'LivePullToPushExit');
    assert.equal(exit.TaskExitReason, 'OverEndTime');
    assert.equal(exit.TaskExitTime, endMs / 1000);
    assert.equal(exit.TaskStatus, -1);
    await m.waitFor('the task to be removed', async () => {
      try {
        await describeTask(TaskId);
        return false;
      } catch (err) {
        h.assertSdkError(err, 404, 'InvalidTask.NotFound');
        return true;
      }
    }, (RETENTION_S + 5) * 1000, 200);
  });

  it('a relay cut by a crash of liverec resumes where its playlist was', async () => {
    const TaskId = await create({ SourceType: 'url', SourceUrls: JSON.stringify([fileUrl(media.b), fileUrl(media.a)]),
      RepeatNumber: -1, DstUrl: nginx.url('live', 'out6') });
    // Killed once the database holds a position inside a.mp4: a crash resumes from what was saved
    // (about every second), not from what the API last showed.
    const before = await m.waitFor('the relay to play into a.mp4, its position saved', async () => {
      const t = await describeTask(TaskId);
      if (!(t.TaskStatus === 1 && t.CurrentFileIndex === 1 && t.CurrentOffset >= 2)) return null;
      const [saved] = server.dbRows('SELECT current_file_index AS i, current_offset_s AS s ' +
        `FROM relay_tasks WHERE id = '${TaskId}'`);
      return saved && Number(saved.i) === 1 && Number(saved.s) >= 2 ?
        { CurrentOffset: Number(saved.s) } : null;
    }, 20000, 100);
    await server.kill('SIGKILL');
    server = await h.startServer({ reuse: server.tmp });
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const resumed = await waitStatus(TaskId, 1, 15000);
    // Back in a.mp4 (seeking to its keyframe at or before the stored offset, GOP 2 s), not at b.flv.
    assert.equal(resumed.CurrentFileIndex, 1, JSON.stringify(resumed));
    assert.ok(resumed.CurrentOffset >= before.CurrentOffset - 2, `${resumed.CurrentOffset} after ${before.CurrentOffset}`);
    assert.deepEqual(await callbackStatuses(TaskId, 3), [1, 2, 1]);
    await api.call('DeleteLivePullToPush', { Region: REGION, TaskId });
  });

  it('Stop, Restart, Update and Delete act on a running relay', async () => {
    const TaskId = await create({ SourceType: 'url', SourceUrls: JSON.stringify([fileUrl(media.b)]),
      RepeatNumber: -1, DstUrl: liverecUrl('r5') });
    await waitStatus(TaskId, 1);
    await waitOnline('r5', true);

    // Sources change at the next restart; the relay keeps playing meanwhile.
    await api.call('UpdateLivePullToPush', { Region: REGION, TaskId, SourceUrls: JSON.stringify([fileUrl(media.a)]) });
    let task = await describeTask(TaskId);
    assert.equal(task.TaskStatus, 1);
    assert.deepEqual(task.TaskInfo.SourceUrls, [fileUrl(media.a)]);

    const stopAt = Date.now();
    await api.call('StopLivePullToPush', { Region: REGION, TaskId });
    await waitOnline('r5', false, 5000);
    assert.ok(Date.now() - stopAt < 2500, `the relay let go ${Date.now() - stopAt} ms after Stop`);
    task = await describeTask(TaskId);
    assert.equal(task.TaskStatus, 3);
    assert.equal(task.TaskInvalidReason, 'TriggerByUser');
    await m.waitFor('the offline callback', () => statuses(TaskId).includes(3), 5000, 50);
    assert.equal(callbacks(TaskId).at(-1).TaskInvalidReason, 'TriggerByUser');
    await api.call('StopLivePullToPush', { Region: REGION, TaskId });  // no effect
    assert.equal((await describeTask(TaskId)).TaskStatus, 3);

    await api.call('RestartLivePullToPush', { Region: REGION, TaskId });
    await waitStatus(TaskId, 1);
    await waitOnline('r5', true);
    assert.deepEqual(await callbackStatuses(TaskId, 3), [1, 3, 1]);

    // RepeatNumber reaches the running relay at once: this pass of a.mp4 is the last.
    await api.call('UpdateLivePullToPush', { Region: REGION, TaskId, RepeatNumber: 0 });
    task = await waitStatus(TaskId, 3, 15000);
    assert.equal(task.TaskInvalidReason, '');
    await waitOnline('r5', false, 5000);

    await api.call('DeleteLivePullToPush', { Region: REGION, TaskId });
    const err = await h.expectSdkError(describeTask(TaskId));
    h.assertSdkError(err, 404, 'InvalidTask.NotFound');
    await m.waitFor('the exit callback', () => callbacks(TaskId).some((e) => e.Event === 'LivePullToPushExit'), 5000, 50);
    assert.equal(callbacks(TaskId).at(-1).TaskExitReason, 'TriggerByUser');
  });
});
