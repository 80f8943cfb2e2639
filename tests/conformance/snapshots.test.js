'use strict';
// Snapshots through every SDK client: the five actions (AddLiveAppSnapshotConfig,
// UpdateLiveAppSnapshotConfig, DeleteLiveAppSnapshotConfig, DescribeLiveSnapshotConfig,
// DescribeLiveStreamSnapshotInfo) with their fields and errors, and snapshots of a real ffmpeg
// publish: JPEGs ffprobe reads, listed with NextStartTime paging, each with an ImageUrl that
// reads it (signed; refused without its token), announced to the Callback.
// Contract: docs/api/snapshots.md and docs/callbacks.md "Snapshot callback".

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./harness');
const m = require('../integration/media.js');

const DOMAIN = 'snap.example.com';
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

const variants = h.clientVariants;
const expectError = h.expectActionError;

function startReceiver() {
  const requests = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ kind: req.headers['x-liverec-event-kind'], body: JSON.parse(body) });
      res.writeHead(200);
      res.end('ok');
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    srv, requests, url: `http://127.0.0.1:${srv.address().port}/snapshot-hooks`,
  })));
}

describe('snapshot configs through each SDK client', () => {
  let server;
  before(async () => { server = await h.startServer(); });
  after(async () => { if (server) await server.stop(); });

  variants().forEach(([name, make], i) => {
    it(`${name}: add, describe, update, delete`, async () => {
      const c = make(server);
      const app = `app${i}`;
      const add = await c.call('AddLiveAppSnapshotConfig', { DomainName: DOMAIN, AppName: app,
        TimeInterval: 5, OssEndpoint: 'local', OssBucket: 'records',
        OverwriteOssObject: '{AppName}/{StreamName}.jpg',
        SequenceOssObject: 'snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg',
        Callback: 'https://hooks.example.com/snap' });
      h.assertOnlyRequestId(add);
      let body = (await c.call('DescribeLiveSnapshotConfig', { DomainName: DOMAIN, AppName: app })).body;
      h.assertRequestId(body.RequestId);
      assert.deepEqual([body.PageNum, body.PageSize, body.Order, body.TotalNum, body.TotalPage], [1, 10, 'asc', 1, 1]);
      const [config] = body.LiveStreamSnapshotConfigList.LiveStreamSnapshotConfig;
      assert.deepEqual(Object.keys(config).sort(), ['AppName', 'Callback', 'CreateTime', 'DomainName',
        'OssBucket', 'OssEndpoint', 'OverwriteOssObject', 'SequenceOssObject', 'TimeInterval']);
      assert.equal(config.TimeInterval, 5);
      assert.equal(config.OverwriteOssObject, '{AppName}/{StreamName}.jpg');
      h.assertTime(config.CreateTime, { aroundMs: Date.now() });

      // What is not sent is kept; "-" removes a field.
      await c.call('UpdateLiveAppSnapshotConfig', { DomainName: DOMAIN, AppName: app, TimeInterval: 60,
        OverwriteOssObject: '-', Callback: '-' });
      body = (await c.call('DescribeLiveSnapshotConfig', { DomainName: DOMAIN, AppName: app })).body;
      const [updated] = body.LiveStreamSnapshotConfigList.LiveStreamSnapshotConfig;
      assert.equal(updated.TimeInterval, 60);
      assert.equal(updated.OverwriteOssObject, '');
      assert.equal(updated.Callback, '');
      assert.equal(updated.SequenceOssObject, 'snapshot/{AppName}/{StreamName}/{UnixTimestamp}.jpg');
      await expectError(c, 'UpdateLiveAppSnapshotConfig', { DomainName: DOMAIN, AppName: app,
        SequenceOssObject: '-' }, 400, 'MissingOssObject');

      h.assertOnlyRequestId(await c.call('DeleteLiveAppSnapshotConfig', { DomainName: DOMAIN, AppName: app }));
      await expectError(c, 'DeleteLiveAppSnapshotConfig', { DomainName: DOMAIN, AppName: app }, 404,
        'InvalidConfig.NotFound');
    });
  });

  it('refuses what the cloud refuses, with its codes', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const base = { DomainName: DOMAIN, AppName: 'errors', TimeInterval: 5, OssEndpoint: 'local',
      OssBucket: 'records', SequenceOssObject: 's/{StreamName}/{Sequence}.jpg' };
    // `over`: parameters to change (undefined: not sent) and the expected [status, code].
    const add = ({ expect, ...over }) => {
      const params = Object.fromEntries(Object.entries({ ...base, ...over }).filter(([, v]) => v !== undefined));
      return expectError(c, 'AddLiveAppSnapshotConfig', params, ...expect);
    };
    await add({ TimeInterval: 4, expect: [400, 'InvalidTimeInterval.Malformed'] });
    await add({ TimeInterval: 3601, expect: [400, 'InvalidTimeInterval.Malformed'] });
    await add({ TimeInterval: undefined, expect: [400, 'MissingTimeInterval'] });
    await add({ SequenceOssObject: undefined, expect: [400, 'MissingOssObject'] });
    await add({ SequenceOssObject: 's/{StreamName}.jpg', expect: [400, 'InvalidSequenceOssObject.Malformed'] });
    await add({ SequenceOssObject: 's/{Sequence}.png', expect: [400, 'InvalidSequenceOssObject.Malformed'] });
    await add({ OverwriteOssObject: '{UnixTimestamp}.jpg', expect: [400, 'InvalidOverwriteOssObject.Malformed'] });
    await add({ OssBucket: 'records-b', expect: [404, 'InvalidBucket.NotFound'] });
    await add({ Callback: 'not a url', expect: [400, 'InvalidCallback.Malformed'] });
    await add({ Callback: 'http://127.0.0.1:9/x', expect: [400, 'InvalidCallback.Unsafe'] });
    await add({ AppName: 'bad/app', expect: [400, 'InvalidAppName.Malformed'] });
    await add({ DomainName: 'b.example.com', expect: [404, 'InvalidDomain.NotFound'] });
    await c.call('AddLiveAppSnapshotConfig', base);
    await expectError(c, 'AddLiveAppSnapshotConfig', base, 400, 'ConfigAlreadyExists');
    await expectError(c, 'UpdateLiveAppSnapshotConfig', { DomainName: DOMAIN, AppName: 'none' }, 404,
      'InvalidConfig.NotFound');
    await expectError(c, 'DescribeLiveSnapshotConfig', { DomainName: DOMAIN, PageSize: 4 }, 400,
      'InvalidPageSize.Malformed');
    const info = { DomainName: DOMAIN, AppName: 'errors', StreamName: 'cam' };
    await expectError(c, 'DescribeLiveStreamSnapshotInfo', { ...info, StartTime: iso(Date.now() - 2 * 86400e3),
      EndTime: iso(Date.now()) }, 400, 'InvalidEndTime.Mismatch');
    await expectError(c, 'DescribeLiveStreamSnapshotInfo', { ...info, StartTime: iso(Date.now() - 3600e3),
      EndTime: iso(Date.now()), Limit: 101 }, 400, 'InvalidLimit.Malformed');
    await expectError(c, 'DescribeLiveStreamSnapshotInfo', { ...info, StartTime: 'yesterday',
      EndTime: iso(Date.now()) }, 400, 'InvalidStartTime.Malformed');
    // Another account sees none of these configs.
    const other = h.popClient(server, h.TENANT_B_KEY, 'POST');
    await expectError(other, 'DescribeLiveSnapshotConfig', { DomainName: DOMAIN }, 404, 'InvalidDomain.NotFound');
  });
});

describe('snapshots of a real publish', () => {
  let server;
  let receiver;
  let t0;
  const STREAM = 'cam';
  before(async () => {
    receiver = await startReceiver();
    server = await h.startServer({ extraToml: `${m.TESTING}min_snapshot_interval_s = 1
${m.FAST_CALLBACKS}` });
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await c.call('AddLiveAppSnapshotConfig', { DomainName: DOMAIN, AppName: '*', TimeInterval: 1,
      OssEndpoint: 'local', OssBucket: 'records', OverwriteOssObject: 'latest/{AppName}/{StreamName}.jpg',
      SequenceOssObject: 'snapshot/{AppName}/{StreamName}/{Sequence}.jpg', Callback: receiver.url });
    t0 = Date.now() - 1000;
    // 6 s in real time, a keyframe every 2 s: a snapshot at each (TimeInterval 1).
    const flv = m.makeTestFlv(6);
    const pushed = await m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/${STREAM}?vhost=${DOMAIN}`,
      { realtime: true }).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    await m.waitFor('three snapshots announced', async () =>
      receiver.requests.filter((r) => !r.body.isOverlay).length >= 3, 15000);
  });
  after(async () => {
    if (server) await server.stop();
    if (receiver) receiver.srv.close();
  });

  for (const [name, make] of variants()) {
    it(`${name}: listed, paged with NextStartTime, stored as JPEG`, async () => {
      const c = make(server);
      const query = { DomainName: DOMAIN, AppName: 'live', StreamName: STREAM, StartTime: iso(t0),
        EndTime: iso(Date.now() + 1000) };
      const all = (await c.call('DescribeLiveStreamSnapshotInfo', { ...query, Limit: 100 })).body;
      h.assertRequestId(all.RequestId);
      assert.equal(all.NextStartTime, undefined);
      const infos = all.LiveStreamSnapshotInfoList.LiveStreamSnapshotInfo;
      const sequence = infos.filter((i) => !i.IsOverlay).map((i) => i.OssObject);
      assert.deepEqual(sequence.slice(0, 3), ['snapshot/live/cam/1.jpg', 'snapshot/live/cam/2.jpg',
        'snapshot/live/cam/3.jpg']);
      assert.deepEqual(infos.filter((i) => i.IsOverlay).map((i) => i.OssObject), ['latest/live/cam.jpg']);
      for (const i of infos) {
        assert.deepEqual(Object.keys(i).sort(), ['CreateTime', 'CreateTimestamp', 'ImageUrl', 'IsOverlay',
          'OssBucket', 'OssEndpoint', 'OssObject']);
        assert.equal(i.OssBucket, 'records');
        assert.equal(i.OssEndpoint, 'local');
        assert.equal(i.CreateTime, iso(i.CreateTimestamp));
      }
      // Two at a time: every snapshot once, in order, then no NextStartTime.
      const paged = [];
      let start = query.StartTime;
      for (let page = 0; page < 10; ++page) {
        const body = (await c.call('DescribeLiveStreamSnapshotInfo', { ...query, StartTime: start, Limit: 2 })).body;
        paged.push(...body.LiveStreamSnapshotInfoList.LiveStreamSnapshotInfo.map((i) => i.OssObject));
        if (!body.NextStartTime) break;
        start = body.NextStartTime;
      }
      assert.deepEqual(paged, infos.map((i) => i.OssObject));
      // Newest first, one second at a time: NextStartTime is the next call's EndTime, down to
      // StartTime itself (a one-second range).
      const backwards = [];
      let end = query.EndTime;
      for (let page = 0; page < 10; ++page) {
        const body = (await c.call('DescribeLiveStreamSnapshotInfo', { ...query, EndTime: end, Order: 'desc', Limit: 1 })).body;
        backwards.push(...body.LiveStreamSnapshotInfoList.LiveStreamSnapshotInfo.map((i) => i.OssObject));
        if (!body.NextStartTime) break;
        end = body.NextStartTime;
      }
      assert.deepEqual([...backwards].sort(), infos.map((i) => i.OssObject).sort());
      assert.equal(backwards.length, infos.length, 'each once');
      const oneSecond = (await c.call('DescribeLiveStreamSnapshotInfo', { ...query,
        StartTime: infos[0].CreateTime, EndTime: infos[0].CreateTime })).body;
      assert.ok(oneSecond.LiveStreamSnapshotInfoList.LiveStreamSnapshotInfo.some((i) => i.OssObject === infos[0].OssObject));
    });
  }

  it('each snapshot is a JPEG of the picture, served from the bucket, and announced', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-snap-'));
    try {
      for (const key of ['snapshot/live/cam/1.jpg', 'latest/live/cam.jpg']) {
        const res = await fetch(server.signedUrl(key));
        assert.equal(res.status, 200, key);
        const file = path.join(tmp, path.basename(key));
        fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
        const probe = m.ffprobe(file);
        assert.equal(probe.streams[0].codec_name, 'mjpeg');
        assert.equal(probe.streams[0].width, 1280);
        assert.equal(probe.streams[0].height, 720);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    // ImageUrl (liverec's extension) reads the JPEG the way RecordUrl reads a recording: signed for
    // the private bucket; without its token, or with the token of another key, it is refused.
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const listed = (await c.call('DescribeLiveStreamSnapshotInfo', { DomainName: DOMAIN, AppName: 'live',
      StreamName: STREAM, StartTime: iso(t0), EndTime: iso(Date.now() + 1000), Order: 'desc', Limit: 100 }))
      .body.LiveStreamSnapshotInfoList.LiveStreamSnapshotInfo;
    const overlay = listed.find((i) => i.IsOverlay);
    const sequence = listed.find((i) => i.OssObject === 'snapshot/live/cam/2.jpg');
    for (const info of [overlay, sequence]) {
      const url = new URL(info.ImageUrl);
      assert.equal(`${url.origin}${url.pathname}`, `${server.endpoint}/records/${info.OssObject}`);
      assert.match(url.searchParams.get('auth_key'), /^\d+-[0-9a-f]+-0-[0-9a-f]{32}$/);
      const res = await fetch(info.ImageUrl);
      assert.equal(res.status, 200, info.OssObject);
      assert.equal(res.headers.get('content-type'), 'image/jpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG (SOI marker)');
      assert.equal((await fetch(`${url.origin}${url.pathname}`)).status, 403, 'unsigned');
    }
    const other = new URL(sequence.ImageUrl);
    other.pathname = '/records/snapshot/live/cam/1.jpg';  // 2.jpg's token on 1.jpg
    assert.equal((await fetch(other)).status, 403, 'another key\'s token');
    const tampered = new URL(sequence.ImageUrl);
    tampered.searchParams.set('auth_key', tampered.searchParams.get('auth_key').replace(/.$/,
      (d) => (d === '0' ? '1' : '0')));
    assert.equal((await fetch(tampered)).status, 403, 'a changed signature');

    const first = receiver.requests.find((r) => r.body.ossObject === 'snapshot/live/cam/1.jpg');
    assert.ok(first, 'the first sequence snapshot was announced');
    assert.equal(first.kind, 'live_snapshot');
    assert.deepEqual(Object.keys(first.body).sort(), ['app', 'domain', 'event', 'height', 'isOverlay',
      'ossBucket', 'ossEndpoint', 'ossObject', 'stream', 'timestamp', 'width']);
    assert.deepEqual([first.body.event, first.body.domain, first.body.app, first.body.stream, first.body.width],
      ['live_snapshot', DOMAIN, 'live', STREAM, 1280]);
    const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
    assert.match(metrics, /liverec_snapshots_taken_total [1-9]/);
    assert.match(metrics, /liverec_snapshots_failed_total 0/);
  });
});
