'use strict';
// Whether each live stream is being recorded (DescribeLiveStreamsOnlineList's RecordStatus, a
// liverec extension; docs/api/streams.md "Recording state"), with real ffmpeg publishers on one
// node: a stream with a record config says `recording`, one without says `idle`; a
// RealTimeRecordCommand stop makes it `stopped` and start `recording` again, in the next answer,
// and the slices follow (none stored while stopped, judged by a recorded witness stream; new ones
// after start); OnlyStream=yes leaves the field out.
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'status.example.com';

describe('the recording state of live streams', () => {
  let server;
  let api;
  const pushes = [];
  before(async () => {
    server = await h.startServer({ extraToml: m.TESTING });
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'rec', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      DelayTime: 1, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
    });
  });
  after(async () => {
    for (const p of pushes) {
      p.child.kill('SIGKILL');
      await p.done;
    }
    if (server) await server.stop();
  });

  const push = (app, stream) => {
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/${app}/${stream}?vhost=${DOMAIN}`;
    const p = m.push(m.makeTestFlv(60), url, { realtime: true });
    pushes.push(p);
    return p;
  };
  // "app/stream: RecordStatus" of every live stream ("-": no RecordStatus).
  async function states(params = {}) {
    const body = (await api.call('DescribeLiveStreamsOnlineList', { DomainName: DOMAIN, ...params })).body;
    return body.OnlineInfo.LiveStreamOnlineInfo
      .map((s) => `${s.AppName}/${s.StreamName}: ${s.RecordStatus || '-'}`);
  }
  const command = (Command) => api.call('RealTimeRecordCommand',
    { DomainName: DOMAIN, AppName: 'rec', StreamName: 'cam', Command });
  const slicesOf = (stream) =>
    m.sliceIndex(server).filter((s) => s.object_key.includes(`/${stream}/`)).length;
  const slices = () => slicesOf('cam');
  const witnessed = () => slicesOf('witness');

  it('says recording with a record config, idle without, and follows stop and start', async () => {
    push('rec', 'cam');
    push('plain', 'cam');
    push('rec', 'witness');
    await m.waitFor('the streams listed', async () => (await states()).length === 3, 20000);
    assert.deepEqual(await states(), ['plain/cam: idle', 'rec/cam: recording', 'rec/witness: recording']);
    await m.waitFor('a slice of rec/cam', () => slices() >= 1, 20000);

    await command('stop');
    assert.deepEqual(await states(), ['plain/cam: idle', 'rec/cam: stopped', 'rec/witness: recording'],
      'in the next answer');
    const stopped = slices();
    // A witness for "nothing is recorded": rec/witness, pushed alongside and recorded, stores two
    // more 2 s slices (a keyframe every 2 s) while rec/cam would have stored as many.
    const seen = witnessed();
    await m.waitFor('two more slices of the witness', () => witnessed() >= seen + 2, 20000);
    assert.ok(slices() <= stopped + 1, `no new slices while stopped: ${stopped} -> ${slices()}`);
    assert.deepEqual(await states({ AppName: 'rec', StreamName: 'cam' }), ['rec/cam: stopped']);

    await command('start');
    assert.deepEqual(await states({ StreamName: 'cam' }), ['plain/cam: idle', 'rec/cam: recording']);
    await m.waitFor('slices again after start', () => slices() >= stopped + 2, 20000);

    // No record config applies to plain/cam: start is refused and it stays idle.
    const err = await h.expectSdkError(api.call('RealTimeRecordCommand',
      { DomainName: DOMAIN, AppName: 'plain', StreamName: 'cam', Command: 'start' }));
    h.assertSdkError(err, 404, 'InvalidConfig.NotFound');
    assert.deepEqual(await states({ AppName: 'plain' }), ['plain/cam: idle']);
    assert.deepEqual(await states({ OnlyStream: 'yes' }), ['plain/cam: -', 'rec/cam: -', 'rec/witness: -']);
  });
});
