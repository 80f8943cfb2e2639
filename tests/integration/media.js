'use strict';
// Helpers for the recording integration tests: test media made with real ffmpeg, pushing with
// ffmpeg, probing with ffprobe, and reading the slice index. Everything on 127.0.0.1; every wait
// is bounded.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { sleep } = require('../conformance/harness.js');

// The explicit test section of the server config: lowers DelayTime and SliceDuration minimums.
const TESTING = `
[testing]
enabled = true
min_delay_time_s = 1
min_slice_duration_s = 1
`;

// Callbacks to the tests' receivers on 127.0.0.1, retried and polled fast.
const FAST_CALLBACKS = `[callbacks]
allow_private_addresses = true
initial_backoff_ms = 100
max_backoff_ms = 200
poll_interval_ms = 50
`;

const CACHE = path.join(require('node:os').tmpdir(), 'liverec-test-media');

// A 2 Mbit/s 1280x720 25 fps H.264 + 44.1 kHz stereo AAC FLV, GOP exactly 2 s, cached by
// duration.
function makeTestFlv(seconds) {
  fs.mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `h264-aac-${seconds}s.flv`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp.flv`;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=44100',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '2M', '-maxrate', '2M',
    '-bufsize', '4M', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128k', '-ar', '44100', '-ac', '2', '-f', 'flv', tmp], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('ffmpeg could not make the test media');
  fs.renameSync(tmp, file);
  return file;
}

// Runs ffmpeg pushing `file` to `url` by stream copy (FLV unless `format` says otherwise);
// resolves {code, stderr}. As fast as it goes, or in real time (`realtime`), or `readrate` times
// real time.
function push(file, url, { realtime = false, readrate = 0, timeoutMs = 120000, format = 'flv' } = {}) {
  const rate = realtime ? ['-re'] : readrate ? ['-readrate', String(readrate)] : [];
  const args = ['-v', 'error', ...rate, '-i', file, '-c', 'copy', '-f', format, url];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const done = new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stderr }); });
  });
  return { child, done };
}

function ffprobe(target) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', target],
    { encoding: 'utf8', timeout: 60000 });
  if (r.status !== 0) throw new Error(`ffprobe ${target} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Decodes every frame; returns ffmpeg's stderr (empty when clean) and exit status.
function decodeAll(target) {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', target, '-f', 'null', '-'],
    { encoding: 'utf8', timeout: 120000 });
  return { status: r.status, stderr: r.stderr };
}

function listFiles(dir, ext) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.path || entry.parentPath || dir, entry.name);
    if (entry.isFile() && full.endsWith(ext)) out.push(full);
  }
  return out.sort();
}

// Waits scale with LIVEREC_TIMEOUT_FACTOR, which CTest sets for the sanitizer build (3: sanitized
// code is slower; tests/README.md); 1 elsewhere.
const TIMEOUT_FACTOR = Math.max(1, Number(process.env.LIVEREC_TIMEOUT_FACTOR) || 1);

async function waitFor(what, fn, timeoutMs = 30000, stepMs = 100) {
  timeoutMs *= TIMEOUT_FACTOR;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await fn();
    if (v) return v;
    await sleep(stepMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

// The rows of a query on the server's database (SQLite or PostgreSQL: server.dbRows, harness.js),
// as objects. Portable SQL only.
function dbRows(server, sql) {
  return server.dbRows(sql);
}

// Rows of the slice index.
function sliceIndex(server) {
  return dbRows(server,
    'SELECT start_ms, end_ms, duration_ms, bytes, endpoint, bucket, object_key, video_codec, ' +
    'audio_codec, width, height, sequence, cycle_id, discontinuity FROM slices ORDER BY start_ms');
}

// What the server still has in hand for recordings: the record cycles not closed yet, the slices
// in its spool (being written, waiting to be stored, or held for an MP4/FLV cycle), the files
// being composed, and the callbacks not delivered yet.
function inHand(server) {
  const [{ cycles, callbacks }] = dbRows(server,
    "SELECT (SELECT COUNT(*) FROM record_cycles WHERE state <> 'closed') AS cycles, " +
    "(SELECT COUNT(*) FROM callback_outbox WHERE state = 'pending') AS callbacks");
  const spool = path.join(server.dataDir, 'spool');
  const orphans = path.join(spool, 'orphans') + path.sep;
  const spooled = listFiles(spool, '').filter((f) => !f.startsWith(orphans) &&
    /\.(ts|part|json|tmp|mp4|flv|m3u8)$/.test(f));
  return { cycles, callbacks, spooled };
}

// Waits until the server has nothing left in hand (inHand): every cycle closed, the spool empty,
// every callback delivered. Counts of files or callbacks taken after it see everything the server
// was going to make, so an extra file or delivery fails the test instead of arriving after the
// check. Only for servers whose publishers have all left.
async function waitSettled(server, timeoutMs = 30000) {
  let last;
  try {
    await waitFor('the server to settle', () => {
      last = inHand(server);
      return last.cycles === 0 && last.callbacks === 0 && last.spooled.length === 0;
    }, timeoutMs, 200);
  } catch (err) {
    err.message += `: ${JSON.stringify(last)}`;
    throw err;
  }
}

// A cluster node's part of the config for the cluster tests (PostgreSQL): its node id and a short
// lease, which the test section (TESTING, whose other minimums come with it) allows.
function clusterToml(nodeId, leaseSeconds = 2) {
  return `${TESTING}min_lease_seconds = 1

[cluster]
node_id = "${nodeId}"
lease_seconds = ${leaseSeconds}
`;
}

function authKey(uri, timestamp, key, rand = '0', uid = '0') {
  const md5 = crypto.createHash('md5').update(`${uri}-${timestamp}-${rand}-${uid}-${key}`).digest('hex');
  return `${timestamp}-${rand}-${uid}-${md5}`;
}

module.exports = { TESTING, FAST_CALLBACKS, makeTestFlv, push, ffprobe, decodeAll, listFiles, waitFor, dbRows, sliceIndex, authKey,
  inHand, waitSettled, clusterToml };

// A 640x360 25 fps HEVC + AAC MP4 (GOP 1 s), cached by duration. FFmpeg 5.1 cannot put HEVC
// into FLV/RTMP, so HEVC is published with liverec-publish.
function makeTestHevcMp4(seconds) {
  fs.mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, `hevc-aac-${seconds}s.mp4`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp.mp4`;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
    '-f', 'lavfi', '-i', 'sine=frequency=800:sample_rate=44100',
    '-t', String(seconds), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params',
    'keyint=25:min-keyint=25:scenecut=0:log-level=error', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '96k', '-f', 'mp4', tmp], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('ffmpeg could not make the HEVC test media');
  fs.renameSync(tmp, file);
  return file;
}

const PUBLISH_BIN = process.env.LIVEREC_PUBLISH_BIN ||
  path.join(__dirname, '..', '..', 'build', 'apps', 'liverec-publish', 'liverec-publish');

// Publishes with liverec's own publisher; resolves {code, stdout, stderr}.
function publish(file, url, extraArgs = [], timeoutMs = 120000) {
  const child = spawn(PUBLISH_BIN, ['--input', file, ...extraArgs, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

module.exports.makeTestHevcMp4 = makeTestHevcMp4;
module.exports.publish = publish;
module.exports.PUBLISH_BIN = PUBLISH_BIN;
