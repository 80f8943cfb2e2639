'use strict';
// Media sent in the same TCP write as `publish` is recorded (docs/recording.md): some encoders
// send publish, @setDataFrame onMetaData, the sequence headers and the first frames at once, so
// the server reads them together, before it has answered the publish. A raw RTMP publisher
// (raw_rtmp.js) sends real ffmpeg-made H.264 + AAC that way, and, as a control, with publish
// alone in its write; both streams must be recorded whole: TS slices in the bucket, in the slice
// index and in DescribeLiveStreamRecordContent.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { parseFlv, RawRtmpPublisher } = require('./raw_rtmp.js');

const DOMAIN = 'oneread.example.com';
const MEDIA_S = 6; // the FLV's length
const FIRST_WRITE_MS = 3000; // media in the write of publish
const SLICE_S = 2;

// A 640x360 25 fps H.264 (GOP 1 s) + AAC FLV, made once per run.
function makeFlv(dir) {
  const file = path.join(dir, 'same-read.flv');
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=44100',
    '-t', String(MEDIA_S), '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '500k', '-g', '25',
    '-keyint_min', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k', '-f', 'flv', file], { stdio: 'inherit', timeout: 60000 });
  if (r.status !== 0) throw new Error('ffmpeg could not make the test media');
  return file;
}

// Publishes `tags` as stream `name`: publish and the tags before FIRST_WRITE_MS in one write when
// `sameWrite`, else publish alone, its answer awaited, then those tags; then the rest of the tags,
// deleteStream and the end of the connection.
async function publishRaw(server, name, tags, sameWrite) {
  const client = await RawRtmpPublisher.open({ port: server.rtmpPort, app: 'live',
    tcUrl: `rtmp://127.0.0.1:${server.rtmpPort}/live?vhost=${DOMAIN}` });
  try {
    const id = await client.createStream();
    const head = RawRtmpPublisher.tagBytes(id, tags.filter((t) => t.timestamp < FIRST_WRITE_MS));
    const publish = RawRtmpPublisher.publishBytes(id, name);
    if (sameWrite) {
      await client.write(Buffer.concat([publish, head]));
      await client.waitStatus('NetStream.Publish.Start');
    } else {
      await client.write(publish);
      await client.waitStatus('NetStream.Publish.Start');
      await client.write(head);
    }
    const rest = tags.filter((t) => t.timestamp >= FIRST_WRITE_MS);
    await client.write(RawRtmpPublisher.tagBytes(id, rest));
    await client.close(id);
  } finally {
    client.destroy();
  }
}

function sliceRows(server, stream) {
  return m.dbRows(server,
    'SELECT s.start_ms, s.end_ms, s.duration_ms, s.object_key, s.video_codec, s.audio_codec ' +
    'FROM slices s JOIN streams st ON st.account_id = s.account_id AND st.id = s.stream_id ' +
    `WHERE st.domain_name = '${DOMAIN}' AND st.app_name = 'live' ` +
    `AND st.stream_name = '${stream}' ORDER BY s.start_ms`);
}

// Waits for the stream's cycle playlist, written when its cycle closes with every slice in, then
// for the server to settle; on a timeout, says what was indexed and what the server logged.
async function waitRecorded(server, stream, bucket) {
  try {
    await m.waitFor(`the cycle playlist of ${stream}`,
      () => m.listFiles(bucket, '.m3u8').length, 20000);
  } catch (err) {
    const log = server.output().split('\n').filter((l) => l.includes(`/${stream}`));
    err.message += ` (slices: ${JSON.stringify(sliceRows(server, stream))}; ` +
      `server log:\n${log.slice(-8).join('\n')})`;
    throw err;
  }
  await m.waitSettled(server);
}

// Checks one indexed slice against its file (H.264 640x360 + AAC, SLICE_S long); returns the
// file's duration in seconds.
function checkSlice(dataDir, row) {
  const file = path.join(dataDir, 'buckets', 'records', row.object_key);
  const probe = m.ffprobe(file);
  const video = probe.streams.find((s) => s.codec_type === 'video');
  const audio = probe.streams.find((s) => s.codec_type === 'audio');
  assert.equal(video && video.codec_name, 'h264', `${row.object_key} has H.264`);
  assert.equal(video.width, 640);
  assert.equal(audio && audio.codec_name, 'aac', `${row.object_key} has AAC`);
  assert.equal(row.video_codec, 'h264');
  assert.equal(row.audio_codec, 'aac');
  const seconds = Number(probe.format.duration);
  assert.ok(Math.abs(seconds - SLICE_S) <= 0.25, `${row.object_key} lasts ${seconds} s`);
  assert.ok(Math.abs(seconds * 1000 - row.duration_ms) <= 100,
    `${row.object_key}: index ${row.duration_ms} ms, file ${seconds} s`);
  return seconds;
}

describe('media in the same TCP write as publish', () => {
  let server;
  let client;
  let tags;
  let tmp;
  const t0 = Date.now();
  before(async () => {
    tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'liverec-same-read-'));
    tags = parseFlv(fs.readFileSync(makeFlv(tmp)));
    server = await h.startServer({ extraToml: m.TESTING });
    client = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const res = await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: '*', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': SLICE_S });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
  after(async () => {
    if (server) await server.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the test media opens with metadata and both sequence headers, all in the first write', () => {
    const isAvcHeader = (t) => t.type === 9 && t.data[0] === 0x17 && t.data[1] === 0;
    const isAacHeader = (t) => t.type === 8 && (t.data[0] >> 4) === 10 && t.data[1] === 0;
    assert.equal(tags[0].type, 18, 'onMetaData first');
    assert.deepEqual(tags.filter(isAvcHeader).map((t) => t.timestamp), [0], 'one AVC header');
    assert.deepEqual(tags.filter(isAacHeader).map((t) => t.timestamp), [0], 'one AAC header');
    const last = tags[tags.length - 1].timestamp;
    assert.ok(last > FIRST_WRITE_MS && last < MEDIA_S * 1000, `media up to ${last} ms`);
  });

  for (const [stream, sameWrite] of [['oneread', true], ['apart', false]]) {
    const how = sameWrite ? 'with' : 'apart from';
    it(`${stream}: publish ${how} the first ${FIRST_WRITE_MS} ms of media: recorded whole`,
      async () => {
        await publishRaw(server, stream, tags, sameWrite);
        const bucket = path.join(server.dataDir, 'buckets', 'records', 'record', 'live', stream);
        await waitRecorded(server, stream, bucket);

        const files = m.listFiles(bucket, '.ts');
        assert.equal(files.length, MEDIA_S / SLICE_S, `slices: ${JSON.stringify(files)}`);
        const rows = sliceRows(server, stream);
        assert.deepEqual(rows.map((r) => path.join(server.dataDir, 'buckets', 'records',
          r.object_key)), files, 'every slice is indexed');
        const [playlist] = m.listFiles(bucket, '.m3u8');
        const listed = fs.readFileSync(playlist, 'utf8').split('\n')
          .filter((l) => l.endsWith('.ts'));
        assert.deepEqual(listed, files.map((f) => path.basename(f)), 'the playlist lists them');
        // The beginning is there too: the sequence headers and frames of the first write.
        const total = rows.reduce((sum, row) => sum + checkSlice(server.dataDir, row), 0);
        assert.ok(Math.abs(total - MEDIA_S) <= 0.5, `slices sum to ${total} s, sent ${MEDIA_S} s`);

        const res = await client.call('DescribeLiveStreamRecordContent', { DomainName: DOMAIN,
          AppName: 'live', StreamName: stream, StartTime: h.isoSeconds(t0 - 60000),
          EndTime: h.isoSeconds(Date.now() + 60000) });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const list = res.body.RecordContentInfoList.RecordContentInfo;
        assert.equal(list.length, 1, JSON.stringify(list));
        assert.ok(Math.abs(list[0].Duration - total) <= 0.1,
          `described ${list[0].Duration} s, slices ${total} s`);
      });
  }
});
