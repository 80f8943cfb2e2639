#!/usr/bin/env node
'use strict';
// P1/P2/P3 benchmark: CPU and memory per recorded stream, liverec (TS slices + m3u8 + slice
// index into the local bucket) against nginx-rtmp (`record all` + `hls on`) in the same run,
// sides alternated A, B, A, B ... (targets P1-P3, docs/benchmarks.md).
//
//   node bench/recording/run.js --n 50,200,500 --rounds 1 --json /tmp/p1.json
//
// The load: one `liverec-loadpub` process (bench/loadpub, built with the project) opens N RTMP
// publishers that send the same low-bitrate FLV (640x360 25 fps H.264 ~450 kbit/s + AAC 64
// kbit/s, GOP 2 s, made once with ffmpeg and cached in $TMPDIR/liverec-bench-media) at wall-clock
// pace, looped, starts staggered. Its CPU is measured and reported, not charged to the server.
//
// Side A: a fresh `liverec serve` (harness of tests/conformance, private temp dir, 127.0.0.1,
// ports 0), an idle window, then AddLiveAppRecordConfig (m3u8, SliceDuration --slice, local
// bucket `records`) and N streams live/s<K>?vhost=bench.example.com.
// Side B: a fresh nginx with libnginx-mod-rtmp (one worker, private prefix), application `live`
// with `record all` (FLV) and `hls on` (hls_fragment --slice, every fragment kept in the
// playlist), an idle window, then the same N streams.
// Each side: wait until all N publish, warm up, measure a window (CPU = utime + stime of
// /proc/PID/stat, all threads, nginx master + worker; RSS and PSS sampled), stop the publisher
// (it unpublishes every stream), then prove nothing was lost: for each stream the recorded
// duration (liverec: sum of duration_ms in the slices table; nginx: sum of the HLS playlist's
// EXTINF) must equal what the publisher pushed (first to last video frame plus one frame)
// within --tolerance-ms. Every process the bench starts is killed on exit, failure and SIGINT.
//
// Options: --n LIST (20,50) --rounds R (1) --window S (30) --warmup S (10) --idle-window S (10)
//   --slice S (10: SliceDuration and hls_fragment) --media-seconds S (60) --video-kbps K (450)
//   --tick-ms MS (20) --stagger-ms MS (20) --tolerance-ms MS (600)
//   --bin PATH (liverec; LIVEREC_BIN; default build/apps/liverec/liverec)
//   --loadpub PATH (default: next to the liverec binary's build, bench/loadpub/liverec-loadpub)
//   --strace S (after the last round's window of each N: `strace -c -f` of liverec / nginx for S
//   seconds, summary written to --strace-dir, default $TMPDIR) --perf S (likewise `perf record -g`
//   of liverec, the flat profile written there; PERF_CALL_GRAPH=dwarf,16384 in the environment
//   records call chains through libc, `--call-graph` of perf) --threads T (liverec's I/O
//   threads; default: its own, one per core) --ts-muxers LIST (own: liverec's [recording] ts_muxer;
//   `own,libavformat` runs liverec once with each, the second as side C) --nginx 0 (liverec alone:
//   a capacity run, no ratio) --read-interval-ms MS (liverec's [rtmp] read_interval_ms; default:
//   its own) --label TEXT --json FILE
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const procfs = require('../lib/procfs.js');

const {
  REPO, sleep, log, round, mean, median, parseOptions, defaultBin, loadpubBeside, track, stopChild, mkTmp, removeTmp,
  killAllSync, extraPids, tmpDirs, makeTestFlv,
} = require('../lib/common.js');

const opts = parseOptions(process.argv, __filename, {
  n: [20, 50], rounds: 1, window: 30, warmup: 10, idleWindow: 10, slice: 10, mediaSeconds: 60,
  videoKbps: 450, tickMs: 20, staggerMs: 20, toleranceMs: 600, bin: defaultBin(), loadpub: null, strace: 0, perf: 0,
  threads: 0, straceDir: os.tmpdir(), label: '', json: null, tsMuxers: 'own', nginx: 1, readIntervalMs: -1,
}, {
  '--n': ['n', 'list'], '--rounds': ['rounds', 'number'], '--window': ['window', 'number'],
  '--warmup': ['warmup', 'number'], '--idle-window': ['idleWindow', 'number'], '--slice': ['slice', 'number'],
  '--media-seconds': ['mediaSeconds', 'number'], '--video-kbps': ['videoKbps', 'number'],
  '--tick-ms': ['tickMs', 'number'], '--stagger-ms': ['staggerMs', 'number'], '--tolerance-ms': ['toleranceMs', 'number'],
  '--strace': ['strace', 'number'], '--perf': ['perf', 'number'], '--threads': ['threads', 'number'],
  '--bin': ['bin', 'path'], '--loadpub': ['loadpub', 'path'], '--strace-dir': ['straceDir', 'path'],
  '--label': ['label', 'text'], '--json': ['json', 'path'], '--ts-muxers': ['tsMuxers', 'text'],
  '--nginx': ['nginx', 'number'], '--read-interval-ms': ['readIntervalMs', 'number'],
});
// liverec runs once per TS muxer listed ([recording] ts_muxer): own, libavformat or both.
opts.tsMuxerList = opts.tsMuxers.split(',').filter(Boolean);
if (!opts.tsMuxerList.length || opts.tsMuxerList.some((m) => !['own', 'libavformat'].includes(m))) {
  throw new Error('bad --ts-muxers: own, libavformat or both (comma-separated)');
}
opts.loadpub = opts.loadpub || loadpubBeside(opts.bin);
if (!opts.n.length || opts.rounds < 1 || opts.window < 5) throw new Error('bad --n/--rounds/--window');
process.env.LIVEREC_BIN = opts.bin;  // read by the harness when it is loaded
const h = require('../../tests/conformance/harness.js');
const { dbRows } = require('../../tests/integration/media.js');
const { freePort } = require('../../tests/integration/nginx_rtmp.js');

const DOMAIN = 'bench.example.com';

// ----------------------------------------------------------------------------------------------
// Media and load

// Starts liverec-loadpub; resolves once every stream publishes. stop() ends it (SIGTERM: it
// unpublishes every stream) and resolves its JSON summary.
async function startLoad(file, urlTemplate, n, dir) {
  const summaryPath = path.join(dir, `loadpub-${Date.now()}.json`);
  const child = track(spawn(opts.loadpub, [urlTemplate, '--input', file, '--streams', String(n),
    '--tick-ms', String(opts.tickMs), '--stagger-ms', String(opts.staggerMs), '--grace-ms', String(10000 + n * 20),
    '--json', summaryPath], { stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      if (stderr.length < 20000) stderr += `${line}\n`;
      if (/all \d+ streams publishing/.test(line)) resolve();
    });
    exited.then((e) => reject(new Error(`liverec-loadpub exited early (${JSON.stringify(e)}): ${stderr}`)));
  });
  const timeoutMs = 30000 + n * (opts.staggerMs + 50);
  let timer;
  await Promise.race([ready, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not all ${n} streams publishing after ${timeoutMs} ms: ${stderr.slice(-2000)}`)), timeoutMs);
  })]);
  clearTimeout(timer);
  return {
    pid: child.pid,
    async stop() {
      // Unpublishing every stream takes a while when the machine is saturated (N = 1000 at
      // 2 Mbit/s needed more than 20 s): the wait grows with N.
      await stopChild(child, 'SIGTERM', 20000 + n * 40);
      const e = await exited;
      if (!fs.existsSync(summaryPath)) throw new Error(`liverec-loadpub left no summary (${JSON.stringify(e)}): ${stderr.slice(-2000)}`);
      const summary = JSON.parse(fs.readFileSync(summaryPath, 'utf8'));
      summary.exit = e;
      return summary;
    },
  };
}

// ----------------------------------------------------------------------------------------------
// Measurement window: CPU of `pids()` (re-read: nginx workers) and of the publisher, memory
// samples, the machine's busy cores.

async function measure(pids, loadPid, n, seconds) {
  const sum = (list) => list.reduce((t, p) => {
    const x = procfs.cpuTicks(p);
    if (x === null) throw new Error(`process ${p} vanished during the window`);
    return t + x;
  }, 0);
  const list = pids();
  const mc0 = procfs.machineCpu();
  const load0 = procfs.loadavg();
  const t0 = process.hrtime.bigint();
  const ticks0 = sum(list);
  const loadTicks0 = loadPid ? sum([loadPid]) : 0;
  const mem = [];
  const step = Math.max(1, Math.floor(seconds / 6));
  for (let s = 0; s < seconds; s += step) {
    await sleep(Math.min(step, seconds - s) * 1000);
    let rss = 0;
    let pss = 0;
    for (const p of list) { const m = procfs.memKb(p); rss += m.rssKb || 0; pss += m.pssKb || 0; }
    mem.push({ rss, pss });
  }
  const ticks1 = sum(list);
  const loadTicks1 = loadPid ? sum([loadPid]) : 0;
  const t1 = process.hrtime.bigint();
  const mc1 = procfs.machineCpu();
  const wall = Number(t1 - t0) / 1e9;
  const cpuS = (ticks1 - ticks0) / procfs.CLK_TCK;
  return {
    wall_s: round(wall, 3),
    cpu_s: round(cpuS, 3),
    cpu_pct_core: round(100 * cpuS / wall, 3),
    cpu_pct_per_stream: n ? round(100 * cpuS / wall / n, 4) : null,
    rss_mb: round(mean(mem.map((m) => m.rss)) / 1024, 1),
    pss_mb: round(mean(mem.map((m) => m.pss)) / 1024, 1),
    loadpub_pct_core: round(100 * (loadTicks1 - loadTicks0) / procfs.CLK_TCK / wall, 3),
    machine_busy_cores: round(os.cpus().length - (mc1.idle - mc0.idle) / procfs.CLK_TCK / wall, 2),
    loadavg_start: load0,
  };
}

async function straceSummary(tag, pid) {
  if (!opts.strace) return null;
  fs.mkdirSync(opts.straceDir, { recursive: true });
  const out = path.join(opts.straceDir, `recording-bench-${tag}.strace.txt`);
  log(`  strace -c -f ${tag} pid ${pid} (${opts.strace} s) -> ${out}`);
  const st = track(spawn('strace', ['-c', '-f', '-o', out, '-p', String(pid)], { stdio: 'ignore' }));
  await sleep(opts.strace * 1000);
  await stopChild(st, 'SIGINT', 10000);
  return out;
}

// `perf record -g` (or `--call-graph $PERF_CALL_GRAPH`) of liverec for --perf seconds (after the
// last round's window), then the flat profile (`perf report --no-children`, top symbols) next to the strace summaries.
async function perfProfile(tag, pid) {
  if (!opts.perf) return null;
  fs.mkdirSync(opts.straceDir, { recursive: true });
  const data = path.join(opts.straceDir, `recording-bench-${tag}.perf.data`);
  const out = path.join(opts.straceDir, `recording-bench-${tag}.perf.txt`);
  log(`  perf record -g ${tag} pid ${pid} (${opts.perf} s) -> ${out}`);
  const rec = spawnSync('perf', ['record', ...(process.env.PERF_CALL_GRAPH ? ['--call-graph', process.env.PERF_CALL_GRAPH] : ['-g']), '-o', data, '-p', String(pid), '--', 'sleep', String(opts.perf)],
    { encoding: 'utf8', timeout: (opts.perf + 30) * 1000 });
  if (rec.status !== 0) { log(`  perf record failed: ${rec.stderr.trim().split('\n').pop()}`); return null; }
  const rep = spawnSync('perf', ['report', '-i', data, '--no-children', '--stdio', '--percent-limit', '0.5',
    '-g', 'none', '--sort', 'dso,symbol'], { encoding: 'utf8', timeout: 120000, maxBuffer: 64 << 20 });
  fs.writeFileSync(out, rep.stdout || rep.stderr);
  return out;
}

// Compares what each stream pushed with what was recorded (ms per stream name).
function lossCheck(summary, recordedMs, n) {
  const rows = [];
  for (const s of summary.per_stream) {
    const name = `s${s.index}`;
    const rec = recordedMs[name] || 0;
    rows.push({ name, pushed_ms: s.pushed_ms, recorded_ms: rec, diff_ms: rec - s.pushed_ms, error: s.error });
  }
  const bad = rows.filter((r) => Math.abs(r.diff_ms) > opts.toleranceMs || r.error);
  const diffs = rows.map((r) => r.diff_ms);
  return {
    streams: n, pushed_s: round(rows.reduce((t, r) => t + r.pushed_ms, 0) / 1000, 1),
    recorded_s: round(rows.reduce((t, r) => t + r.recorded_ms, 0) / 1000, 1),
    diff_ms_min: Math.min(...diffs), diff_ms_median: median(diffs), diff_ms_max: Math.max(...diffs),
    out_of_tolerance: bad.length, examples: bad.slice(0, 5),
    publisher_errors: summary.errors, publisher_failed: summary.failed,
  };
}

// Polls `read` (stream name -> recorded ms) until every stream is within tolerance or nothing
// changed for 5 s (at most 60 s): the last slices are finished after the unpublish.
async function settle(read, summary) {
  const want = Object.fromEntries(summary.per_stream.map((s) => [`s${s.index}`, s.pushed_ms]));
  const until = Date.now() + 60000;
  let last = '';
  let stableSince = Date.now();
  for (;;) {
    const rec = read();
    const done = Object.entries(want).every(([k, v]) => Math.abs((rec[k] || 0) - v) <= opts.toleranceMs);
    const key = JSON.stringify(rec);
    if (key !== last) { last = key; stableSince = Date.now(); }
    if (done || Date.now() - stableSince > 5000 || Date.now() > until) return rec;
    await sleep(500);
  }
}

// ----------------------------------------------------------------------------------------------
// Side A: liverec

async function sideLiverec(file, n, r, last, tsMuxer) {
  const server = await h.startServer({
    topToml: opts.threads ? `threads = ${opts.threads}\n` : '',
    extraToml: `\n[recording]\nts_muxer = "${tsMuxer}"\n` +
      (opts.readIntervalMs >= 0 ? `\n[rtmp]\nread_interval_ms = ${opts.readIntervalMs}\n` : ''),
  });
  tmpDirs.add(server.tmp);
  const pid = procfs.findPidByArg(server.dataDir);
  if (!pid) { await server.stop(); throw new Error('cannot find the liverec pid'); }
  extraPids.add(pid);
  try {
    const api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await sleep(2000);
    const idle = await measure(() => [pid], null, 0, opts.idleWindow);
    const res = await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': opts.slice,
    });
    if (!res.body.RequestId) throw new Error(`AddLiveAppRecordConfig: ${JSON.stringify(res.body)}`);
    const started = Date.now();
    const load = await startLoad(file, `rtmp://127.0.0.1:${server.rtmpPort}/live/s{i}?vhost=${DOMAIN}`, n, server.tmp);
    const startup = (Date.now() - started) / 1000;
    log(`  A${r} liverec pid ${pid}: ${n} streams publishing after ${startup.toFixed(1)} s; warm-up ${opts.warmup} s, window ${opts.window} s`);
    await sleep(opts.warmup * 1000);
    const m = await measure(() => [pid], load.pid, n, opts.window);
    m.strace = last ? await straceSummary(`liverec-${tsMuxer}-n${n}`, pid) : null;
    m.perf = last ? await perfProfile(`liverec-${tsMuxer}-n${n}`, pid) : null;
    const summary = await load.stop();
    const sql = 'SELECT st.stream_name AS name, COUNT(*) AS slices, SUM(sl.duration_ms) AS ms, ' +
      'SUM(sl.bytes) AS bytes FROM slices sl JOIN streams st ON st.account_id = sl.account_id AND st.id = sl.stream_id ' +
      'GROUP BY st.stream_name';
    let rows = [];
    const rec = await settle(() => {
      rows = dbRows(server, sql);
      return Object.fromEntries(rows.map((x) => [x.name, x.ms]));
    }, summary);
    m.loss = lossCheck(summary, rec, n);
    m.loss.slices = rows.reduce((t, x) => t + x.slices, 0);
    m.idle = idle;
    m.startup_s = round(startup, 1);
    m.loadpub = { cpu: summary.cpu, max_tick_lag_ms: summary.max_tick_lag_ms, late_ticks: summary.totals.late_ticks };
    m.server_alive = server.exited() === null;
    return m;
  } finally {
    const e = await server.stop();
    extraPids.delete(pid);
    tmpDirs.delete(server.tmp);
    if (e && e.signal === 'SIGKILL') log('  liverec needed SIGKILL');
  }
}

// ----------------------------------------------------------------------------------------------
// Side B: nginx-rtmp

async function startNginx() {
  const dir = mkTmp('liverec-bench-nginx-rec-');
  for (const t of ['hls', 'rec', 'client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, t));
  const port = await freePort();
  const asRoot = process.getuid && process.getuid() === 0;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
${asRoot ? 'user root;' : ''}
worker_processes 1;
worker_rlimit_nofile 16384;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 8192; }
rtmp {
  server {
    listen 127.0.0.1:${port};
    application live {
      live on;
      record all;
      record_path ${dir}/rec;
      hls on;
      hls_path ${dir}/hls;
      hls_fragment ${opts.slice}s;
      hls_playlist_length 86400s;
      hls_cleanup off;
    }
  }
}
`);
  const child = track(spawn('nginx', ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')],
    { stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const until = Date.now() + 10000;
  while (procfs.childPids(child.pid).length === 0 || !(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`nginx did not start: ${stderr}`);
    await sleep(50);
  }
  return {
    dir, port, pid: child.pid,
    pids: () => [child.pid, ...procfs.childPids(child.pid)],
    async stop() { await stopChild(child, 'SIGQUIT', 10000); },
  };
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = require('node:net').connect(port, '127.0.0.1');
    s.on('connect', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

// Sum of the EXTINF durations of each stream's playlist (ms).
function hlsDurations(hlsDir) {
  const out = {};
  for (const f of fs.readdirSync(hlsDir)) {
    if (!f.endsWith('.m3u8')) continue;
    const text = fs.readFileSync(path.join(hlsDir, f), 'utf8');
    let ms = 0;
    for (const m of text.matchAll(/#EXTINF:([\d.]+)/g)) ms += Math.round(Number(m[1]) * 1000);
    out[f.slice(0, -5)] = ms;
  }
  return out;
}

async function sideNginx(file, n, r, last) {
  const nginx = await startNginx();
  try {
    await sleep(2000);
    const idle = await measure(nginx.pids, null, 0, opts.idleWindow);
    const started = Date.now();
    const load = await startLoad(file, `rtmp://127.0.0.1:${nginx.port}/live/s{i}`, n, nginx.dir);
    const startup = (Date.now() - started) / 1000;
    log(`  B${r} nginx pids ${nginx.pids().join(',')}: ${n} streams publishing after ${startup.toFixed(1)} s; warm-up ${opts.warmup} s, window ${opts.window} s`);
    await sleep(opts.warmup * 1000);
    const m = await measure(nginx.pids, load.pid, n, opts.window);
    m.strace = last ? await straceSummary(`nginx-n${n}`, nginx.pids()[1]) : null;
    const summary = await load.stop();
    const rec = await settle(() => hlsDurations(path.join(nginx.dir, 'hls')), summary);
    m.loss = lossCheck(summary, rec, n);
    m.loss.flv_records = fs.readdirSync(path.join(nginx.dir, 'rec')).filter((f) => f.endsWith('.flv')).length;
    m.idle = idle;
    m.startup_s = round(startup, 1);
    m.loadpub = { cpu: summary.cpu, max_tick_lag_ms: summary.max_tick_lag_ms, late_ticks: summary.totals.late_ticks };
    return m;
  } finally {
    await nginx.stop();
    removeTmp(nginx.dir);
  }
}

// ----------------------------------------------------------------------------------------------
// Reporting

function describeMachine(file) {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const first = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return ((r.stdout || '') + (r.stderr || '')).split('\n')[0].trim();
  };
  const probe = JSON.parse(spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=bit_rate,duration', '-of', 'json', file],
    { encoding: 'utf8' }).stdout).format;
  return {
    nproc: os.cpus().length, cpu: (/model name\s*:\s*(.*)/.exec(cpuinfo) || [])[1],
    mem_total_mib: Math.round(Number((/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8')) || [])[1]) / 1024),
    kernel: os.release(), nginx: first('nginx', ['-v']),
    nginx_rtmp: first('dpkg-query', ['-W', '-f', '${Version}', 'libnginx-mod-rtmp']),
    ffmpeg: first('ffmpeg', ['-version']), node: process.version,
    liverec_bin: opts.bin, liverec_version: first(opts.bin, ['version']), loadpub_bin: opts.loadpub,
    repo_head: spawnSync('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim(),
    media: { file: path.basename(file), duration_s: Number(probe.duration), kbit_s: Math.round(probe.bit_rate / 1000) },
  };
}

function table(results) {
  const lines = [];
  lines.push('| N | side | round | CPU % of a core | CPU % per stream | idle CPU % | RSS MB (idle → N) | RSS MB per stream | PSS MB | recorded/pushed s | max abs diff ms | lost streams | loadpub % per stream | machine busy cores | load1 |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of results.rows) {
    const m = row.m;
    const l = m.loss;
    lines.push(`| ${row.n} | ${row.side} | ${row.round} | ${m.cpu_pct_core} | ${m.cpu_pct_per_stream} | ${m.idle.cpu_pct_core} | ` +
      `${m.idle.rss_mb} → ${m.rss_mb} | ${round((m.rss_mb - m.idle.rss_mb) / row.n, 3)} | ${m.pss_mb} | ${l.recorded_s}/${l.pushed_s} | ` +
      `${Math.max(Math.abs(l.diff_ms_min), Math.abs(l.diff_ms_max))} | ${l.out_of_tolerance} | ` +
      `${round(m.loadpub_pct_core / row.n, 4)} | ${m.machine_busy_cores} | ${m.loadavg_start[0]} |`);
  }
  lines.push('');
  lines.push('| N | liverec % per stream | nginx % per stream | ratio liverec/nginx | ratio per round | liverec RSS MB per stream | nginx RSS MB per stream | P1 (≤ 0.15 % and ≤ 0.5× nginx) | P3 (≤ 0.5 MB) | no loss |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const s of results.summary) {
    lines.push(`| ${s.n} | **${s.liverec_pct_per_stream}** | ${s.nginx_pct_per_stream} | **${s.ratio}** | ${s.ratio_per_round.join(', ')} | ` +
      `${s.liverec_rss_mb_per_stream} | ${s.nginx_rss_mb_per_stream} | ${s.p1_met ? 'met' : 'missed'} | ${s.p3_met ? 'met' : 'missed'} | ${s.no_loss ? 'yes' : 'NO'} |`);
  }
  return lines.join('\n');
}

function summarizeN(results, n) {
  const as = results.rows.filter((x) => x.n === n && x.side === 'A liverec').map((x) => x.m);
  const bs = results.rows.filter((x) => x.n === n && x.side === 'B nginx').map((x) => x.m);
  const lr = median(as.map((m) => m.cpu_pct_per_stream));
  const ng = median(bs.map((m) => m.cpu_pct_per_stream));
  const perStreamRss = (m) => (m.rss_mb - m.idle.rss_mb) / n;
  const lrRss = median(as.map(perStreamRss));
  return {
    n, rounds: as.length,
    liverec_pct_per_stream: round(lr, 4), nginx_pct_per_stream: round(ng, 4), ratio: round(lr / ng, 3),
    ratio_per_round: bs.length ? as.map((m, i) => round(m.cpu_pct_per_stream / bs[i].cpu_pct_per_stream, 3)) : [],
    liverec_rss_mb_per_stream: round(lrRss, 3), nginx_rss_mb_per_stream: round(median(bs.map(perStreamRss)), 3),
    p1_met: lr <= 0.15 && lr <= 0.5 * ng, p3_met: lrRss <= 0.5,
    no_loss: [...as, ...bs].every((m) => m.loss.out_of_tolerance === 0),
  };
}

async function main() {
  for (const tool of ['nginx', 'ffmpeg', 'ffprobe', 'sqlite3']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} not found (scripts/install-deps.sh)`);
  }
  for (const bin of [opts.bin, opts.loadpub]) if (!fs.existsSync(bin)) throw new Error(`not found: ${bin} (build liverec and liverec-loadpub)`);
  const file = makeTestFlv({ kbps: opts.videoKbps, seconds: opts.mediaSeconds, gopFrames: 50 });
  const machine = describeMachine(file);
  log('machine', JSON.stringify(machine));
  const results = { machine, options: opts, rows: [], summary: [], started: new Date().toISOString() };
  for (const n of opts.n) {
    for (let r = 1; r <= opts.rounds; r++) {
      const last = r === opts.rounds;
      log(`N = ${n}, round ${r}`);
      for (const tsMuxer of opts.tsMuxerList) {
        // The first muxer listed is side A (the summary's liverec); others are side C.
        const side = tsMuxer === opts.tsMuxerList[0] ? 'A liverec' : `C liverec ${tsMuxer}`;
        const a = await sideLiverec(file, n, r, last, tsMuxer);
        results.rows.push({ n, side, round: r, ts_muxer: tsMuxer, m: a });
        log(`  ${side} ${r} (ts_muxer ${tsMuxer}): ${a.cpu_pct_per_stream} % per stream (${a.cpu_pct_core} % all), RSS ${a.rss_mb} MB, ` +
          `recorded ${a.loss.recorded_s}/${a.loss.pushed_s} s, ${a.loss.out_of_tolerance} streams out of tolerance, load ${a.loadavg_start[0]}`);
      }
      if (!opts.nginx) continue;  // --nginx 0: liverec alone (a capacity run, no ratio)
      const b = await sideNginx(file, n, r, last);
      results.rows.push({ n, side: 'B nginx', round: r, m: b });
      log(`  B${r}: nginx ${b.cpu_pct_per_stream} % per stream (${b.cpu_pct_core} % all), RSS ${b.rss_mb} MB, ` +
        `recorded ${b.loss.recorded_s}/${b.loss.pushed_s} s, ${b.loss.out_of_tolerance} streams out of tolerance, load ${b.loadavg_start[0]}`);
    }
    const s = summarizeN(results, n);
    results.summary.push(s);
    log(`N = ${n}: liverec ${s.liverec_pct_per_stream} % per stream, nginx ${s.nginx_pct_per_stream} %, ratio ${s.ratio}`);
    if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
  }
  results.finished = new Date().toISOString();
  console.log(table(results));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
}

main().then(() => process.exit(0), (err) => {
  log(`FAILED: ${err.stack || err}`);
  killAllSync();
  process.exit(1);
});
