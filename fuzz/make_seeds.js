'use strict';
// Makes the seed corpora of fuzz/corpus/<target>/ from real traffic (docs/fuzzing.md):
//   - a liverec server (LIVEREC_BIN, default build/apps/liverec/liverec) with the [testing]
//     section, behind two small TCP relays that record what clients send;
//   - the Alibaba SDK clients of the conformance tests (pop-core GET/POST, openapi-client V3
//     and V1) configuring recording through the HTTP relay: http_request seeds (one file per
//     connection) and percent_encoding seeds (their queries and form bodies);
//   - ffmpeg publishing a small H.264+AAC and an H.264+MP3 stream through the RTMP relay:
//     rtmp_session and rtmp_ingest seeds (the whole connection), rtmp_handshake (C0+C1+C2),
//     rtmp_chunk (the chunk stream after the handshake); the same FLV files are flv seeds, and
//     their tags give codec_config and amf0 seeds;
//   - the spool's sidecars while the server records (spool_sidecar), its recorded TS slices, one
//     of them cut short as a crash leaves it (ts_compose, and the same files for ts_timestamps,
//     whose input starts with 2 bytes too);
//   - s3rver's replies (s3_xml), the example config (config), on-demand replies as the docs show
//     them (on_demand_reply).
// Every seed file starts with the bytes its target reads first (see each fuzz/<target>_fuzz.cc:
// most take 2 bytes that choose how the input is split into reads). Seeds are kept small.
// Usage: node fuzz/make_seeds.js   (needs ffmpeg and the npm packages of tests/conformance)
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const harness = require('../tests/conformance/harness.js');
const media = require('../tests/integration/media.js');
const { startS3Peer } = require('../tests/integration/s3_peer.js');

const CORPUS = path.join(__dirname, 'corpus');
const SPLIT = Buffer.from([0x00, 0x00]);  // the split prefix: every read as large as possible
const MAX_SEED = 64 * 1024;

function seed(target, name, ...parts) {
  const dir = path.join(CORPUS, target);
  fs.mkdirSync(dir, { recursive: true });
  const bytes = Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
  fs.writeFileSync(path.join(dir, name), bytes.subarray(0, MAX_SEED));
}

// A TCP relay to 127.0.0.1:port. Its `connections` are the client bytes of each connection so
// far; close() ends them all.
async function relay(port) {
  const connections = [];
  const sockets = new Set();
  const server = net.createServer((client) => {
    const chunks = [];
    connections.push(chunks);
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (d) => { chunks.push(d); upstream.write(d); });
    upstream.on('data', (d) => client.write(d));
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('end', () => upstream.end());
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    captured: () => connections.map((chunks) => Buffer.concat(chunks)).filter((b) => b.length),
    close() { for (const s of sockets) s.destroy(); server.close(); },
  };
}

// A small FLV: 160x120 10 fps H.264 (GOP 1 s) with `audio` ("aac" or "mp3"), `seconds` long.
function smallFlv(audio, seconds) {
  const file = path.join(os.tmpdir(), `liverec-seed-${audio}.flv`);
  const codec = audio === 'aac' ? ['-c:a', 'aac', '-b:a', '24k', '-ac', '1']
                                : ['-c:a', 'libmp3lame', '-b:a', '32k', '-ar', '22050', '-ac', '1'];
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-f', 'lavfi', '-i', 'sine=frequency=600',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '40k', '-g', '10',
    '-pix_fmt', 'yuv420p', ...codec, '-f', 'flv', file]);
  if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr}`);
  return file;
}

// FLV tags (Adobe FLV spec v10.1 §E.3): [{type, body}].
function flvTags(bytes) {
  const tags = [];
  for (let at = 9 + 4; at + 11 <= bytes.length;) {
    const size = bytes.readUIntBE(at + 1, 3);
    tags.push({ type: bytes[at], body: bytes.subarray(at + 11, at + 11 + size) });
    at += 11 + size + 4;
  }
  return tags;
}

function flvSeeds(name, flv) {
  seed('flv', `${name}.flv`, flv.subarray(0, MAX_SEED));
  const tags = flvTags(flv);
  const script = tags.find((t) => t.type === 18);
  if (script) seed('amf0', `${name}-onMetaData`, script.body);
  const avc = tags.find((t) => t.type === 9 && t.body[1] === 0);
  // codec_config: the selector byte, then what the parser reads (see codec_config_fuzz.cc).
  if (avc) {
    const record = avc.body.subarray(5);
    seed('codec_config', `${name}-avc-record`, Buffer.from([1]), record);
    const spsLength = record.readUInt16BE(6);
    seed('codec_config', `${name}-h264-sps`, Buffer.from([3]), record.subarray(8, 8 + spsLength));
    seed('codec_config', `${name}-video-header`, Buffer.from([6]), avc.body);
  }
  const frame = tags.find((t) => t.type === 9 && t.body[1] === 1);
  if (frame) seed('codec_config', `${name}-nal-units`, Buffer.from([7 + 9 * 3]), frame.body.subarray(5, 4096));
  const aac = tags.find((t) => t.type === 8 && (t.body[0] >> 4) === 10 && t.body[1] === 0);
  if (aac) seed('codec_config', `${name}-aac-config`, Buffer.from([0]), aac.body.subarray(2));
  const mp3 = tags.find((t) => t.type === 8 && (t.body[0] >> 4) === 2);
  if (mp3) seed('codec_config', `${name}-mp3-header`, Buffer.from([5]), mp3.body.subarray(1, 64));
}

function rtmpSeeds(name, bytes) {
  const handshake = 1 + 2 * 1536;
  seed('rtmp_session', name, SPLIT, bytes);
  seed('rtmp_ingest', name, SPLIT, bytes);
  seed('rtmp_handshake', name, SPLIT, bytes.subarray(0, handshake));
  seed('rtmp_chunk', name, SPLIT, bytes.subarray(handshake));
}

async function captureApi(server) {
  const relayServer = await relay(server.port);
  const { port } = relayServer;
  const viaRelay = Object.assign({}, server, { port, host: `127.0.0.1:${port}`, endpoint: `http://127.0.0.1:${port}` });
  const clients = harness.allClients(viaRelay);
  for (const [i, client] of clients.entries()) {
    const stream = i === 0 ? '*' : `s${i}`;
    await client.call('AddLiveAppRecordConfig', {
      DomainName: 'rec.example.com', AppName: 'live', StreamName: stream, OssEndpoint: 'local',
      OssBucket: 'records', DelayTime: 1, 'RecordFormat.1.Format': 'm3u8',
      'RecordFormat.1.SliceDuration': 1, 'RecordFormat.2.Format': i === 0 ? 'mp4' : 'flv',
      'RecordFormat.2.OssObjectPrefix': 'record/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}',
    });
    await client.call('DescribeLiveRecordConfig', { DomainName: 'rec.example.com', PageNum: 1, PageSize: 10 });
    await client.call('DescribeLiveStreamRecordContent', { DomainName: 'rec.example.com', AppName: 'live',
      StreamName: 's1', StartTime: '2026-01-01T00:00:00Z', EndTime: '2026-01-02T00:00:00Z' }).catch(() => {});
    await client.call('DeleteLiveAppRecordConfig', { DomainName: 'rec.example.com', AppName: 'none' }).catch(() => {});
  }
  return relayServer;
}

async function main() {
  fs.rmSync(CORPUS, { recursive: true, force: true });
  const server = await harness.startServer({ extraToml: media.TESTING });
  try {
    // The API, as the SDKs call it.
    const apiRelay = await captureApi(server);
    const requests = apiRelay.captured();
    apiRelay.close();
    requests.forEach((bytes, i) => seed('http_request', `sdk-connection-${i}`, SPLIT, bytes));
    for (const [i, bytes] of requests.entries()) {
      const text = bytes.toString('latin1');
      const query = /^[A-Z]+ \/\?(\S*) HTTP/m.exec(text);
      if (query) seed('percent_encoding', `query-${i}`, query[1]);
      const body = text.split('\r\n\r\n')[1];
      if (body) seed('percent_encoding', `form-${i}`, body);
    }

    // RTMP, as ffmpeg publishes; the spool's sidecars while it records.
    const sidecars = new Map();
    const spool = path.join(server.dataDir, 'spool');
    const watch = setInterval(() => {
      for (const file of media.listFiles(spool, '.json')) {
        try { sidecars.set(path.basename(file), fs.readFileSync(file)); } catch (e) { /* renamed */ }
      }
    }, 50);
    for (const audio of ['aac', 'mp3']) {
      const flv = smallFlv(audio, 3);
      flvSeeds(`h264-${audio}`, fs.readFileSync(flv));
      const rtmpRelay = await relay(server.rtmpPort);
      const url = `rtmp://127.0.0.1:${rtmpRelay.port}/live/s-${audio}?vhost=rec.example.com`;
      const pushed = await media.push(flv, url, { realtime: true }).done;
      if (pushed.code !== 0) throw new Error(`ffmpeg push: ${pushed.stderr}`);
      rtmpSeeds(`ffmpeg-h264-${audio}`, rtmpRelay.captured()[0]);
      rtmpRelay.close();
    }
    await media.waitSettled(server.dataDir);
    clearInterval(watch);
    [...sidecars.values()].slice(0, 6).forEach((bytes, i) => seed('spool_sidecar', `sidecar-${i}`, bytes));

    // Recorded slices; the smallest whole, and one torn as a crash leaves it.
    const slices = media.listFiles(path.join(server.dataDir, 'buckets', 'records'), '.ts')
      .map((f) => fs.readFileSync(f)).sort((a, b) => a.length - b.length);
    for (const target of ['ts_compose', 'ts_timestamps']) {
      seed(target, 'slice-whole', Buffer.from([0x01, 0x00]), slices[0]);
      seed(target, 'slice-torn-two', Buffer.from([0x07, 0x20]), slices[1] || slices[0],
        (slices[2] || slices[0]).subarray(0, Math.floor((slices[2] || slices[0]).length * 0.6)));
      seed(target, 'slice-flv', Buffer.from([0x00, 0x00]), slices[slices.length - 1]);
    }
  } finally {
    await server.stop();
  }

  // s3rver's replies: a listing, errors, an upload id; also the proxy's signature refusal.
  const s3 = await startS3Peer({ bucket: 'records' });
  try {
    const tmp = path.join(os.tmpdir(), `liverec-seed-${crypto.randomUUID()}.ts`);
    fs.writeFileSync(tmp, 'slice');
    s3.aws(['s3', 'cp', tmp, 's3://records/record/live/s1/1.ts', '--only-show-errors']);
    s3.aws(['s3', 'cp', tmp, 's3://records/record/live/s1/2.ts', '--only-show-errors']);
    fs.rmSync(tmp);
    // The target's status is 100 + (its first 2 bytes, little-endian) % 500.
    const status = (code) => Buffer.from([(code - 100) & 0xff, (code - 100) >> 8]);
    const reply = async (name, code, url, init = {}) => {
      const r = await fetch(url, Object.assign({ headers: { connection: 'close' } }, init));
      seed('s3_xml', name, status(code), Buffer.from(await r.text()));
    };
    const base = s3.publicUrl.replace(/\/records$/, '');
    await reply('list', 200, `${base}/records?list-type=2`);
    await reply('list-page', 200, `${base}/records?list-type=2&max-keys=1`);
    await reply('no-such-key', 404, `${base}/records/missing.ts`);
    await reply('no-such-bucket', 404, `${base}/nobucket?list-type=2`);
    await reply('initiate-multipart', 200, `${base}/records/big.ts?uploads`, { method: 'POST' });
    await reply('signature-refused', 403, `${s3.endpoint}/records/a.ts`, { method: 'PUT', body: 'x' });
  } finally {
    await s3.stop();
  }

  seed('config', 'example.toml', fs.readFileSync(path.join(__dirname, '..', 'docs', 'deploy', 'liverec.example.toml')));
  seed('config', 'conformance.toml', harness.CONFIG_TOML + media.TESTING);
  seed('on_demand_reply', 'docs-example',
    '{"ApiVersion": "1.0", "NeedRecord": true, "Interval": {"Mp4": 300, "M3U8": 180}, "Format": ["mp4", "flv"]}');
  seed('on_demand_reply', 'no', '{"NeedRecord": false}');
}

main().catch((e) => { console.error(e); process.exit(1); });
