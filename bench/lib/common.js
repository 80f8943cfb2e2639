'use strict';
// What the node benchmarks share: options from a table and --help from the script's header
// comment, the default liverec and liverec-loadpub paths, small statistics, cleanup of every
// process and temporary directory a bench starts, and the cached test FLV made with ffmpeg.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const round = (x, d) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
function median(xs) {
  const s = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
// The p-th percentile (nearest rank) of an ascending array.
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

// ----------------------------------------------------------------------------------------------
// Options

// The script's leading `//` comment block (after 'use strict'), as help text.
function helpText(file) {
  return fs.readFileSync(file, 'utf8').split('\n').slice(2)
    .filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('//')))
    .map((l) => l.slice(3)).join('\n');
}

// Options from argv: `spec` maps '--flag' to [key, kind], kind one of 'number' (finite, ≥ 0),
// 'list' (comma-separated numbers > 0), 'path' (resolved), 'text'. -h/--help prints the help of
// `file` and exits. Unknown flags and missing values throw.
function parseOptions(argv, file, defaults, spec) {
  const opts = { ...defaults };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      console.log(helpText(file));
      process.exit(0);
    }
    if (!spec[a]) throw new Error(`unknown option ${a}`);
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    const v = argv[++i];
    const [key, kind] = spec[a];
    const num = (x) => {
      const n = Number(x);
      if (x === '' || !Number.isFinite(n) || n < 0) throw new Error(`${a}: not a number: ${x}`);
      return n;
    };
    if (kind === 'number') opts[key] = num(v);
    else if (kind === 'list') opts[key] = v.split(',').map(num).filter((x) => x > 0);
    else if (kind === 'path') opts[key] = path.resolve(v);
    else opts[key] = v;
  }
  return opts;
}

// liverec: $LIVEREC_BIN, else the default build's.
const defaultBin = () => process.env.LIVEREC_BIN || path.join(REPO, 'build', 'apps', 'liverec', 'liverec');
// liverec-loadpub of the same build as the liverec binary `bin` (<build>/apps/liverec/liverec).
const loadpubBeside = (bin) => path.join(path.dirname(path.dirname(path.dirname(bin))), 'bench', 'loadpub', 'liverec-loadpub');

// ----------------------------------------------------------------------------------------------
// Cleanup: every process and directory a bench creates is registered here, and removed at exit,
// on SIGINT/SIGTERM/SIGHUP, or by killAllSync().

const children = new Set();  // ChildProcess objects
const extraPids = new Set(); // processes started by others (the harness's liverec)
const tmpDirs = new Set();
function killAllSync() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try { c.kill('SIGKILL'); } catch { /* gone */ }
    }
  }
  for (const pid of extraPids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
}
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { log(`${sig}: cleaning up`); killAllSync(); process.exit(130); });
}
function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
async function stopChild(child, signal = 'SIGTERM', graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
function mkTmp(prefix) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.add(d);
  return d;
}
function removeTmp(d) {
  fs.rmSync(d, { recursive: true, force: true });
  tmpDirs.delete(d);
}

// ----------------------------------------------------------------------------------------------
// Media

// A 640x360 25 fps H.264 (libx264 veryfast, constant `kbps`, a keyframe every `gopFrames`
// frames, no scene cut) + AAC 44.1 kHz stereo 64 kbit/s FLV of `seconds`, made once and cached
// in $TMPDIR/liverec-bench-media/.
function makeTestFlv({ kbps, seconds, gopFrames }) {
  const dir = path.join(os.tmpdir(), 'liverec-bench-media');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `h264-aac-640x360-${kbps}k-gop${gopFrames}-${seconds}s.flv`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.tmp.flv`;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=44100',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`,
    '-bufsize', `${2 * kbps}k`, '-g', String(gopFrames), '-keyint_min', String(gopFrames), '-sc_threshold', '0',
    '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-ar', '44100', '-ac', '2', '-f', 'flv', tmp], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('ffmpeg could not make the test media');
  fs.renameSync(tmp, file);
  return file;
}

module.exports = {
  REPO, sleep, log, round, mean, median, pct, helpText, parseOptions, defaultBin, loadpubBeside,
  track, stopChild, mkTmp, removeTmp, killAllSync, extraPids, tmpDirs, makeTestFlv,
};
