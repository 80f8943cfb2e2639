'use strict';
// MP4 and FLV recordings end to end: the API configures mp4/flv (alone or with m3u8), real
// ffmpeg publishes faster than real time, and ffprobe/ffmpeg validate the composed files; a
// republish within DelayTime continues the same files, one after it starts new ones.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY, expectActionError } = require('../conformance/harness.js');
const m = require('./media.js');

const PUSHED_S = 10;

async function addConfig(server, params) {
  const client = popClient(server, DEFAULT_KEY, 'POST');
  return client.call('AddLiveAppRecordConfig', Object.assign({
    OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1,
  }, params));
}

// Resolves once the server has let go of a stream's publish (it is no longer online), so that the
// next publish of it is a new one, not refused as a second publisher while the server is still
// ending the first (which takes longer in the sanitizer build).
async function untilOffline(server, domain, stream) {
  const client = popClient(server, DEFAULT_KEY, 'POST');
  await m.waitFor(`${stream} offline`, async () => {
    const res = await client.call('DescribeLiveStreamsOnlineList', { DomainName: domain, PageSize: 100 });
    return !res.body.OnlineInfo.LiveStreamOnlineInfo.some((i) => i.StreamName === stream);
  }, 10000, 20);
}

// Top-level box types of an MP4 file, in order.
function mp4Boxes(file) {
  const data = fs.readFileSync(file);
  const boxes = [];
  for (let at = 0; at + 8 <= data.length;) {
    let size = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(data.readBigUInt64BE(at + 8));
    if (size === 0) size = data.length - at;
    if (size < 8) break;
    boxes.push(type);
    at += size;
  }
  return boxes;
}

function duration(file) { return Number(m.ffprobe(file).format.duration); }

function assertPlayable(file, expectedS) {
  const d = duration(file);
  assert.ok(Math.abs(d - expectedS) <= 0.5, `${path.basename(file)} lasts ${d} s, pushed ${expectedS} s`);
  const decoded = m.decodeAll(file);
  assert.equal(decoded.status, 0, decoded.stderr);
  assert.equal(decoded.stderr, '', `decoding ${file}: ${decoded.stderr}`);
}

async function waitForFiles(dir, ext, count, timeoutMs = 30000) {
  return m.waitFor(`${count} ${ext} file(s)`, () => {
    const files = m.listFiles(dir, ext);
    return files.length >= count ? files : null;
  }, timeoutMs);
}

// Every file of `ext` once `count` have appeared and the server has settled (every cycle closed,
// the spool empty): a file more than expected is counted, not missed because it came later.
async function settledFiles(server, dir, ext, count, timeoutMs = 30000) {
  await waitForFiles(dir, ext, count, timeoutMs);
  await m.waitSettled(server, timeoutMs);
  return m.listFiles(dir, ext);
}

describe('MP4 + FLV without m3u8', () => {
  let server;
  let flv;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    server = await startServer({ extraToml: m.TESTING });
    await addConfig(server, { DomainName: 'mf.example.com', AppName: 'live', StreamName: '*',
      'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.SliceDuration': 2,
      'RecordFormat.2.Format': 'flv', 'RecordFormat.2.SliceDuration': 2 });
  });
  after(async () => { if (server) await server.stop(); });

  it('composes one playable MP4 (moov first) and FLV; no slice is left in the bucket or spool', async () => {
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=mf.example.com`;
    const pushed = await m.push(flv, url).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);

    const bucket = path.join(server.dataDir, 'buckets', 'records');
    await waitForFiles(bucket, '.mp4', 1);
    const mp4 = await settledFiles(server, bucket, '.mp4', 1);
    const flvs = m.listFiles(bucket, '.flv');
    assert.equal(mp4.length, 1);
    assert.equal(flvs.length, 1);
    assert.match(path.relative(bucket, mp4[0]), /^record\/live\/s1\/.+\.mp4$/);
    assertPlayable(mp4[0], PUSHED_S);
    assertPlayable(flvs[0], PUSHED_S);
    const boxes = mp4Boxes(mp4[0]);
    assert.ok(boxes.indexOf('moov') >= 0 && boxes.indexOf('moov') < boxes.indexOf('mdat'),
      `boxes: ${boxes.join(',')}`);
    const probe = m.ffprobe(mp4[0]);
    assert.equal(probe.streams.find((s) => s.codec_type === 'video').width, 1280);
    assert.equal(probe.streams.find((s) => s.codec_type === 'audio').codec_name, 'aac');

    assert.deepEqual(m.listFiles(bucket, '.ts'), []);
    assert.deepEqual(m.listFiles(bucket, '.m3u8'), []);
    const spool = path.join(server.dataDir, 'spool');
    await m.waitFor('an empty spool', () => (m.listFiles(spool, '.ts').length === 0
      && m.listFiles(spool, '.part').length === 0 && m.listFiles(spool, '.json').length === 0) || null, 10000);
    assert.deepEqual(m.sliceIndex(server), [], 'spool-only slices are not indexed');
  });

  it('lists the files with DescribeLiveStreamRecordFiles, each RecordUrl reading the file', async () => {
    const client = popClient(server, DEFAULT_KEY, 'POST');
    const bucket = path.join(server.dataDir, 'buckets', 'records');
    const now = Date.now();
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const base = { DomainName: 'mf.example.com', AppName: 'live', StreamName: 's1',
      StartTime: iso(now - 3600 * 1000), EndTime: iso(now + 60 * 1000) };
    const { body } = await client.call('DescribeLiveStreamRecordFiles', base);
    assert.equal(body.TotalNum, 2);
    assert.equal(body.TotalPage, 1);
    const files = body.RecordFileInfoList.RecordFileInfo;
    assert.deepEqual(files.map((f) => f.Format).sort(), ['flv', 'mp4']);
    for (const f of files) {
      assert.equal(f.OssEndpoint, 'local');
      assert.equal(f.OssBucket, 'records');
      assert.equal(f.Size, fs.statSync(path.join(bucket, f.OssObject)).size);
      assert.ok(Math.abs(f.Duration - PUSHED_S) <= 0.5, `duration ${f.Duration}`);
      assert.equal(f.Width, 1280);
      assert.match(f.RecordUrl, /\?auth_key=/, 'signed: the bucket is private');
      const res = await fetch(f.RecordUrl, { signal: AbortSignal.timeout(10000) });
      assert.equal(res.status, 200);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(path.join(bucket, f.OssObject))));
    }
    const mp4Only = await client.call('DescribeLiveStreamRecordFiles', { ...base, FileFormat: 'MP4', PageSize: 1 });
    assert.deepEqual(mp4Only.body.RecordFileInfoList.RecordFileInfo.map((f) => f.Format), ['mp4']);
    const page2 = await client.call('DescribeLiveStreamRecordFiles', { ...base, PageSize: 1, PageNum: 2 });
    assert.equal(page2.body.TotalPage, 2);
    assert.equal(page2.body.RecordFileInfoList.RecordFileInfo.length, 1);
    const later = await client.call('DescribeLiveStreamRecordFiles', { ...base, StartTime: iso(now + 1000) });
    assert.equal(later.body.TotalNum, 0, 'files starting in the range only');
    await expectActionError(client, 'DescribeLiveStreamRecordFiles', { ...base, FileFormat: 'm3u8' }, 400, 'InvalidFormat.Malformed');
    await expectActionError(client, 'DescribeLiveStreamRecordFiles', { ...base, PageSize: 101 }, 400, 'InvalidPageSize.Malformed');
    await expectActionError(client, 'DescribeLiveStreamRecordFiles', { ...base, StreamName: 'none' }, 400, 'InvalidStream.NotFound');
  });
});

describe('m3u8 + MP4', () => {
  let server;
  let flv;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    server = await startServer({ extraToml: m.TESTING });
    await addConfig(server, { DomainName: 'mm.example.com', AppName: 'live', StreamName: '*',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 5,
      'RecordFormat.2.Format': 'mp4', 'RecordFormat.2.SliceDuration': 5 });
  });
  after(async () => { if (server) await server.stop(); });

  it('stores the slices and playlist, and an MP4 of the same content', async () => {
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=mm.example.com`;
    const pushed = await m.push(flv, url).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    const bucket = path.join(server.dataDir, 'buckets', 'records');
    await waitForFiles(bucket, '.m3u8', 1);
    const mp4 = await settledFiles(server, bucket, '.mp4', 1);
    const playlists = m.listFiles(bucket, '.m3u8');
    assert.equal(playlists.length, 1);
    assert.equal(mp4.length, 1);
    assert.equal(m.listFiles(bucket, '.ts').length, 2);
    assert.equal(m.sliceIndex(server).length, 2);
    assertPlayable(mp4[0], PUSHED_S);
    assert.ok(Math.abs(duration(playlists[0]) - PUSHED_S) <= 0.5);
    const spool = path.join(server.dataDir, 'spool');
    await m.waitFor('an empty spool', () => m.listFiles(spool, '.ts').length === 0 || null, 10000);
  });
});

describe('MP4 across a republish', () => {
  let server;
  let flv;
  const DELAY_S = 6;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    server = await startServer({ extraToml: m.TESTING });
    await addConfig(server, { DomainName: 'rp.example.com', AppName: 'live', StreamName: '*',
      DelayTime: DELAY_S, 'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.SliceDuration': 2 });
  });
  after(async () => { if (server) await server.stop(); });

  it('within DelayTime continues the same MP4; after it starts a new one', async () => {
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=rp.example.com`;
    const bucket = path.join(server.dataDir, 'buckets', 'records');
    const first = await m.push(flv, url).done;
    assert.equal(first.code, 0, first.stderr);
    await untilOffline(server, 'rp.example.com', 's1');
    const second = await m.push(flv, url).done;  // back at once: well within DelayTime
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(m.listFiles(bucket, '.mp4'), [], 'the cycle waits DelayTime');
    const files = await settledFiles(server, bucket, '.mp4', 1, (DELAY_S + 20) * 1000);
    assert.equal(files.length, 1, 'both publishes in one file');
    assertPlayable(files[0], 2 * PUSHED_S);

    const third = await m.push(flv, url).done;  // the cycle closed: a new file
    assert.equal(third.code, 0, third.stderr);
    const after2 = await settledFiles(server, bucket, '.mp4', 2, (DELAY_S + 20) * 1000);
    assert.equal(after2.length, 2, 'the first file and one new one');
    const added = after2.filter((f) => f !== files[0]);
    assert.equal(added.length, 1);
    assertPlayable(added[0], PUSHED_S);
  });
});
