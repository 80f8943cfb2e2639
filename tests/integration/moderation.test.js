'use strict';
// Moderation on one node with real ffmpeg publishers (docs/api/moderation.md): ForbidLiveStream
// cuts a live publisher at once and refuses its publishes until ResumeLiveStream or its
// ResumeTime; its recording ends as an unpublish ends it (the playlist of what was pushed closes
// after DelayTime and plays). Oneshot=yes cuts without blocking. The cut across two nodes is in
// cluster_streams.test.js.
const assert = require('node:assert/strict');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'moderation.example.com';

describe('forbidding and resuming streams', () => {
  let server;
  let api;
  let bucket;
  let flv;
  let long;
  before(async () => {
    flv = m.makeTestFlv(4);
    long = m.makeTestFlv(30);
    server = await h.startServer({ extraToml: m.TESTING });
    bucket = path.join(server.dataDir, 'buckets', 'records');
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      DelayTime: 2, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
      'RecordFormat.1.OssObjectPrefix': 'live/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
      'RecordFormat.1.SliceOssObjectPrefix': 'live/{StreamName}/ts/{UnixTimestamp}_{Sequence}',
    });
  });
  after(async () => { if (server) await server.stop(); });

  const url = (stream) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${DOMAIN}`;
  const target = (stream) => ({ DomainName: DOMAIN, AppName: 'live', StreamName: stream, LiveStreamType: 'publisher' });
  const online = async (stream) => (await api.call('DescribeLiveStreamsOnlineList',
    { DomainName: DOMAIN, StreamName: stream, QueryType: 'strict' })).body.OnlineInfo.LiveStreamOnlineInfo.length > 0;
  const slices = (stream) => m.listFiles(path.join(bucket, 'live', stream, 'ts'), '.ts');
  const playlists = (stream) => m.listFiles(path.join(bucket, 'live', stream), '.m3u8');

  // Publishes `long` in real time and waits until it is online with `count` slices stored.
  async function live(stream, count = 2) {
    const pub = m.push(long, url(stream), { realtime: true });
    await m.waitFor(`${stream} online with ${count} slices`,
      async () => (await online(stream)) && slices(stream).length >= count, 20000);
    return pub;
  }
  // Forbids with `extra` and returns how long the publisher took to end after the call.
  async function cut(stream, pub, extra = {}) {
    const started = Date.now();
    await api.call('ForbidLiveStream', Object.assign(target(stream), extra));
    const done = await pub.done;
    assert.notEqual(done.code, 0, 'the publisher pushed to the end: it was not cut');
    return Date.now() - started;
  }

  it('cuts a forbidden publisher, refuses it until resumed, and closes what it recorded', async () => {
    const pub = await live('banned');
    const ms = await cut('banned', pub);
    assert.ok(ms < 5000, `cut after ${ms} ms`);
    await m.waitFor('banned offline', async () => !(await online('banned')), 5000);
    assert.match(server.output(), /cut by ForbidLiveStream/);
    const refused = await m.push(flv, url('banned'), { realtime: true, timeoutMs: 20000 }).done;
    assert.notEqual(refused.code, 0, 'a forbidden stream was published');
    assert.match(server.output(),
      /publish of moderation\.example\.com\/live\/banned refused: the stream is forbidden \(ForbidLiveStream\) until ResumeLiveStream/);
    const listed = (await api.call('DescribeLiveStreamsBlockList', { DomainName: DOMAIN })).body;
    assert.deepEqual(listed.StreamUrls.StreamUrl, [`${DOMAIN}/live/banned`]);
    // Its recording ended as at an unpublish: the playlist closes after DelayTime and plays.
    const [list] = await m.waitFor('the playlist of banned', () => {
      const found = playlists('banned');
      return found.length ? found : null;
    }, 15000);
    const seconds = Number(m.ffprobe(list).format.duration);
    assert.ok(seconds >= 1.5, `the playlist lasts ${seconds} s`);
    assert.equal(m.decodeAll(list).status, 0);
    await api.call('ResumeLiveStream', target('banned'));
    const back = await m.push(flv, url('banned'), { realtime: true }).done;
    assert.equal(back.code, 0, `refused after ResumeLiveStream: ${back.stderr}`);
  });

  it('Oneshot=yes cuts the publisher without forbidding the stream', async () => {
    const pub = await live('once', 1);
    const ms = await cut('once', pub, { Oneshot: 'yes' });
    assert.ok(ms < 5000, `cut after ${ms} ms`);
    const back = await m.push(flv, url('once'), { realtime: true }).done;
    assert.equal(back.code, 0, `refused after a one-shot cut: ${back.stderr}`);
    const listed = (await api.call('DescribeLiveStreamsBlockList', { DomainName: DOMAIN })).body;
    assert.equal(listed.TotalNum, 0);
  });

  it('a ResumeTime lifts the block by itself', async () => {
    const resume = new Date(Date.now() + 4000).toISOString().replace(/\.\d+Z$/, 'Z');
    await api.call('ForbidLiveStream', Object.assign(target('timed'), { ResumeTime: resume }));
    const refused = await m.push(flv, url('timed'), { realtime: true, timeoutMs: 20000 }).done;
    assert.notEqual(refused.code, 0, 'published before its ResumeTime');
    assert.match(server.output(), /live\/timed refused: the stream is forbidden \(ForbidLiveStream\) until 20/);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(resume) - Date.now() + 500)));
    const back = await m.push(flv, url('timed'), { realtime: true }).done;
    assert.equal(back.code, 0, `refused after its ResumeTime: ${back.stderr}`);
  });
});
