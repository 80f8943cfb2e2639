#!/usr/bin/env node
'use strict';
// P4 benchmark: slice availability (docs/benchmarks.md, P4: the keyframe that
// closes a slice -> the slice indexed and readable in the local bucket, p99 <= 200 ms), measured
// from outside, src/ unchanged.
//
//   node bench/slice_availability/run.js --streams 10 --window 60 --json /tmp/p4.json
//
// liverec (harness of tests/conformance, [testing] so SliceDuration 1 is allowed) records
// --streams streams from one liverec-loadpub (640x360 ~250 kbit/s H.264 + AAC, 1 s GOP, paced at
// real time, --tick-ms 5) into the local bucket `records`, m3u8 with SliceDuration 1: a slice
// closes at every keyframe, once a second per stream.
// Two pollers run every --poll-ms (5) ms for --window seconds (after a warm-up):
//   - the bucket: readdir of each stream's directory (<data>/buckets/records/record/live/s<K>/);
//     objects are staged elsewhere and renamed into place, so a name that appears is complete;
//   - the index: `SELECT object_key, end_ms FROM slices WHERE end_ms > ?` on one long-lived
//     read-only sqlite3 process.
// For each slice: end_ms (UTC ms of its end = the time of the keyframe that closes it, anchored
// at the wall clock of the stream's first packet, docs/recording.md "Slices") against the first
// time the object was seen in the bucket and the first time its row was seen. Availability =
// max(object seen, row seen) - end_ms. Method error: see docs/benchmarks.md (P4 section).
//
// Options: --streams N (10) --window S (60) --warmup S (5) --poll-ms MS (5) --tick-ms MS (5)
//   --slice S (1: SliceDuration; the media has a 1 s GOP) --video-kbps K (250: the media's video)
//   --bin PATH (liverec; LIVEREC_BIN) --loadpub PATH --label TEXT --json FILE
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { sleep, log, round, pct, parseOptions, defaultBin, loadpubBeside, track, killAllSync, makeTestFlv } = require('../lib/common.js');

const DOMAIN = 'bench.example.com';

const opts = parseOptions(process.argv, __filename, {
  streams: 10, window: 60, warmup: 5, pollMs: 5, tickMs: 5, slice: 1, videoKbps: 250, label: '', json: null,
  bin: defaultBin(), loadpub: null,
}, {
  '--streams': ['streams', 'number'], '--window': ['window', 'number'], '--warmup': ['warmup', 'number'],
  '--poll-ms': ['pollMs', 'number'], '--tick-ms': ['tickMs', 'number'], '--slice': ['slice', 'number'],
  '--video-kbps': ['videoKbps', 'number'], '--bin': ['bin', 'path'], '--loadpub': ['loadpub', 'path'],
  '--label': ['label', 'text'], '--json': ['json', 'path'],
});
opts.loadpub = opts.loadpub || loadpubBeside(opts.bin);
process.env.LIVEREC_BIN = opts.bin;
const h = require('../../tests/conformance/harness.js');
const m = require('../../tests/integration/media.js');
const procfs = require('../lib/procfs.js');

// One long-lived `sqlite3 -readonly`: query(sql) resolves the rows ('|'-separated lines).
function sqliteSession(db) {
  const child = track(spawn('sqlite3', ['-readonly', '-batch', db], { stdio: ['pipe', 'pipe', 'pipe'] }));
  const rl = readline.createInterface({ input: child.stdout });
  let pending = null;
  let rows = [];
  rl.on('line', (line) => {
    if (line === '--END--') { const p = pending; pending = null; const r = rows; rows = []; p(r); } else rows.push(line);
  });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return {
    query(sql) {
      return new Promise((resolve) => { pending = resolve; child.stdin.write(`${sql};\nSELECT '--END--';\n`); });
    },
    error: () => err,
    close() { child.stdin.end(); },
  };
}

async function main() {
  for (const bin of [opts.bin, opts.loadpub]) if (!fs.existsSync(bin)) throw new Error(`not found: ${bin}`);
  const file = makeTestFlv({ kbps: opts.videoKbps, seconds: 30, gopFrames: 25 });
  const server = await h.startServer({ extraToml: m.TESTING });
  const results = {
    label: opts.label, options: opts, started: new Date().toISOString(),
    machine: { nproc: os.cpus().length, cpu: os.cpus()[0].model, kernel: os.release(), node: process.version, load_at_start: procfs.loadavg() },
    liverec_version: spawnSync(opts.bin, ['version'], { encoding: 'utf8' }).stdout.trim(),
  };
  let load;
  try {
    const api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': opts.slice,
    });
    load = track(spawn(opts.loadpub, [`rtmp://127.0.0.1:${server.rtmpPort}/live/s{i}?vhost=${DOMAIN}`, '--input', file,
      '--streams', String(opts.streams), '--stagger-ms', '37', '--tick-ms', String(opts.tickMs)], { stdio: ['ignore', 'ignore', 'pipe'] }));
    let loadErr = '';
    load.stderr.on('data', (d) => { if (loadErr.length < 20000) loadErr += d; });
    await sleep(opts.warmup * 1000);
    const pid = procfs.findPidByArg(server.dataDir);
    const bucketDir = path.join(server.dataDir, 'buckets', 'records', 'record', 'live');
    const db = sqliteSession(path.join(server.dataDir, 'liverec.db'));
    const seenObject = new Map(); // key -> ms
    const seenRow = new Map(); // key -> {ms, end}
    // What exists before the window is not measured.
    for (const d of fs.existsSync(bucketDir) ? fs.readdirSync(bucketDir) : []) {
      for (const f of fs.readdirSync(path.join(bucketDir, d))) seenObject.set(`record/live/${d}/${f}`, null);
    }
    for (const line of await db.query('SELECT object_key FROM slices')) seenRow.set(line, null);
    const t0 = Date.now();
    const cpu0 = procfs.cpuTicks(pid);
    const loadCpu0 = procfs.cpuTicks(load.pid);
    const mc0 = procfs.machineCpu();
    const load0 = procfs.loadavg();
    const self0 = process.cpuUsage();
    let watermark = t0 - 10000;
    let polls = 0;
    let maxGap = 0;
    let last = Date.now();
    while (Date.now() - t0 < opts.window * 1000) {
      const now0 = Date.now();
      maxGap = Math.max(maxGap, now0 - last);
      last = now0;
      polls++;
      for (const d of fs.existsSync(bucketDir) ? fs.readdirSync(bucketDir) : []) {
        for (const f of fs.readdirSync(path.join(bucketDir, d))) {
          const key = `record/live/${d}/${f}`;
          if (!seenObject.has(key) && f.endsWith('.ts')) seenObject.set(key, Date.now());
        }
      }
      const rows = await db.query(`SELECT object_key, end_ms FROM slices WHERE end_ms > ${watermark}`);
      const now = Date.now();
      for (const line of rows) {
        const [key, end] = line.split('|');
        if (!seenRow.has(key)) seenRow.set(key, { ms: now, end: Number(end) });
      }
      const wait = opts.pollMs - (Date.now() - now0);
      if (wait > 0) await sleep(wait);
    }
    const wall = (Date.now() - t0) / 1000;
    results.liverec_cores = round((procfs.cpuTicks(pid) - cpu0) / procfs.CLK_TCK / wall, 3);
    results.loadpub_cores = round((procfs.cpuTicks(load.pid) - loadCpu0) / procfs.CLK_TCK / wall, 3);
    const self1 = process.cpuUsage(self0);
    results.poller_cores = round((self1.user + self1.system) / 1e6 / wall, 3);
    const mc1 = procfs.machineCpu();
    results.machine_busy_cores = round(os.cpus().length - (mc1.idle - mc0.idle) / procfs.CLK_TCK / wall, 2);
    results.loadavg_start = load0;
    results.polls = polls;
    results.mean_poll_period_ms = round(1000 * wall / polls, 2);
    results.max_poll_gap_ms = maxGap;
    db.close();
    // Slices seen appearing in both during the window (the first and last of the window are cut).
    const samples = [];
    for (const [key, r] of seenRow) {
      if (!r) continue;
      const o = seenObject.get(key);
      if (!o) continue;
      samples.push({ key, end: r.end, object: o - r.end, row: r.ms - r.end, available: Math.max(o, r.ms) - r.end });
    }
    results.slices = samples.length;
    results.slices_object_only = [...seenObject.entries()].filter(([k, v]) => v && !seenRow.get(k)).length;
    const stat = (k) => {
      const xs = samples.map((s) => s[k]).sort((a, b) => a - b);
      return { min: xs[0], p50: pct(xs, 50), p90: pct(xs, 90), p99: pct(xs, 99), max: xs[xs.length - 1], mean: round(xs.reduce((t, x) => t + x, 0) / xs.length, 1) };
    };
    results.object_ms = stat('object');
    results.row_ms = stat('row');
    results.available_ms = stat('available');
    results.row_before_object = samples.filter((s) => s.row < s.object).length;
    results.p4_met = results.available_ms.p99 <= 200;
    results.worst = samples.sort((a, b) => b.available - a.available).slice(0, 5);
  } finally {
    killAllSync();
    await server.stop();
  }
  results.finished = new Date().toISOString();
  const lines = ['| measured | slices | min | p50 | p90 | p99 | max | mean |', '|---|---|---|---|---|---|---|---|'];
  for (const [name, k] of [['object in the bucket − end_ms', 'object_ms'], ['row in `slices` − end_ms', 'row_ms'], ['**available** (both) − end_ms', 'available_ms']]) {
    const s = results[k];
    lines.push(`| ${name} | ${results.slices} | ${s.min} | ${s.p50} | ${s.p90} | ${s.p99} | ${s.max} | ${s.mean} |`);
  }
  console.log(lines.join('\n'));
  log(`liverec ${results.liverec_cores} cores, loadpub ${results.loadpub_cores}, this poller ${results.poller_cores} (+ its sqlite3), machine busy ${results.machine_busy_cores}, ` +
    `load ${results.loadavg_start[0]}, polls ${results.polls} (mean period ${results.mean_poll_period_ms} ms, max gap ${results.max_poll_gap_ms} ms), ` +
    `row before object ${results.row_before_object}, object without row at the end ${results.slices_object_only}; P4 ${results.p4_met ? 'met' : 'missed'}`);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
}

main().then(() => process.exit(0), (err) => {
  log(`FAILED: ${err.stack || err}`);
  killAllSync();
  process.exit(1);
});
