'use strict';
// A publisher whose video configuration flips on every frame (issue 17 item 4): an FLV made of
// two H.264 encodings of different picture sizes (every frame a keyframe), interleaved frame by
// frame, each frame preceded by its own sequence header, published with liverec-publish as fast
// as it goes. Before, every frame cut a slice and an MP4 and FLV file (parts in one second
// competing for `_1 … _99`) and logged warnings per file; now the changes are held to one per
// second of media and ten a minute, the packets under a held-off change are dropped and counted,
// the parts of a cycle have distinct names, and the stream warns once.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'flips.example.com';
const SECONDS = 6;
const FPS = 10;

// The tags of an FLV file (FLV spec, §E.4.1): {type, timestamp, data}.
function flvTags(file) {
  const bytes = fs.readFileSync(file);
  const tags = [];
  let at = bytes.readUInt32BE(5) + 4;  // the header, then PreviousTagSize0
  while (at + 11 <= bytes.length) {
    const type = bytes[at];
    const size = bytes.readUIntBE(at + 1, 3);
    const timestamp = bytes.readUIntBE(at + 4, 3) | (bytes[at + 7] << 24);
    tags.push({ type, timestamp, data: bytes.subarray(at + 11, at + 11 + size) });
    at += 11 + size + 4;
  }
  return tags;
}

function flvTag(type, timestamp, data) {
  const head = Buffer.alloc(11);
  head[0] = type;
  head.writeUIntBE(data.length, 1, 3);
  head.writeUIntBE(timestamp & 0xffffff, 4, 3);
  head[7] = (timestamp >>> 24) & 0xff;
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(11 + data.length);
  return Buffer.concat([head, data, tail]);
}

// One video-only FLV of `size`, every frame a keyframe: [sequence header, frames...].
function encode(dir, size) {
  const file = path.join(dir, `${size}.flv`);
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${FPS}`,
    '-t', String(SECONDS), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '1', '-bf', '0',
    '-pix_fmt', 'yuv420p', '-f', 'flv', file], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('ffmpeg could not make the test media');
  const video = flvTags(file).filter((t) => t.type === 9);
  const header = video.find((t) => t.data[1] === 0);  // AVCPacketType 0: the sequence header
  const frames = video.filter((t) => t.data[1] === 1);
  return { header, frames };
}

function makeFlippingFlv(dir) {
  const a = encode(dir, '320x240');
  const b = encode(dir, '160x120');
  const parts = [Buffer.from([0x46, 0x4c, 0x56, 1, 0x01, 0, 0, 0, 9, 0, 0, 0, 0])];
  const frames = Math.min(a.frames.length, b.frames.length);
  for (let i = 0; i < frames; ++i) {
    const from = i % 2 === 0 ? a : b;
    const timestamp = Math.round((i * 1000) / FPS);
    parts.push(flvTag(9, timestamp, from.header.data), flvTag(9, timestamp, from.frames[i].data));
  }
  const file = path.join(dir, 'flipping.flv');
  fs.writeFileSync(file, Buffer.concat(parts));
  return { file, frames };
}

describe('a stream whose codec configuration flips on every frame', () => {
  let server;
  let dir;
  let flipping;
  let bucket;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-flips-'));
    flipping = makeFlippingFlv(dir);
    server = await startServer({ extraToml: m.TESTING });
    const client = popClient(server, DEFAULT_KEY, 'POST');
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: '*', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 30,
      'RecordFormat.2.Format': 'mp4', 'RecordFormat.2.CycleDuration': 3600,
      'RecordFormat.3.Format': 'flv', 'RecordFormat.3.CycleDuration': 3600 });
    bucket = path.join(server.dataDir, 'buckets', 'records');
  });
  after(async () => {
    if (server) await server.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes a bounded number of slices and files with distinct names, and warns once', async () => {
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/flips?vhost=${DOMAIN}`;
    const pushed = await m.publish(flipping.file, url);
    assert.equal(pushed.code, 0, pushed.stderr);
    const streamDir = path.join(bucket, 'record', 'live', 'flips');
    const held = path.join(server.dataDir, 'spool', 'held');
    await m.waitFor('the playlist, the MP4 and FLV files', () =>
      m.listFiles(streamDir, '.m3u8').length === 1 && m.listFiles(streamDir, '.mp4').length > 0 &&
      m.listFiles(streamDir, '.flv').length > 0 && m.listFiles(held, '.ts').length === 0, 30000);

    const ts = m.listFiles(streamDir, '.ts');
    const mp4 = m.listFiles(streamDir, '.mp4');
    const flv = m.listFiles(streamDir, '.flv');
    // 60 frames, 6 s of media: one slice to start with and at most one change a second taken.
    assert.ok(flipping.frames >= 50, `${flipping.frames} frames`);
    for (const [what, files] of [['slices', ts], ['MP4 files', mp4], ['FLV files', flv]]) {
      assert.ok(files.length >= 1 && files.length <= SECONDS + 1, `${files.length} ${what}`);
    }
    // The parts of the one cycle: `_p<part>`, never a `_<n>` variant of each other.
    for (const file of [...mp4, ...flv]) {
      assert.match(path.basename(file), /^\d{4}(-\d\d){5}_\d{4}(-\d\d){5}(_p\d+)?\.(mp4|flv)$/);
    }
    assert.equal(new Set(mp4.map((f) => path.basename(f))).size, mp4.length);
    const out = server.output();
    assert.equal(out.match(/the codec configuration changes too often/g)?.length ?? 0, 1, out);
    assert.doesNotMatch(out, /exists; trying another name/);
    const warnings = out.split('\n').filter((l) => /\[warning\]|"level":"warn/.test(l));
    assert.ok(warnings.length <= 5, warnings.join('\n'));

    const res = await fetch(`${server.endpoint}/metrics`, { signal: AbortSignal.timeout(10000) });
    const dropped = Number((await res.text()).match(/^liverec_config_change_packets_dropped_total (\d+)/m)?.[1]);
    assert.ok(dropped >= flipping.frames / 3, `${dropped} packets dropped`);
  });
});
