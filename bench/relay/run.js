#!/usr/bin/env node
'use strict';
// P9 benchmark: CPU per relayed stream (live pull-to-push, 2 Mbit/s 720p25 H.264 + AAC, stream
// copy), liverec against one `ffmpeg -re -i SRC -c copy -f flv DST` process per stream, in the
// same run, sides alternated A, B, A, B ... (target P9, docs/benchmarks.md).
//
//   node bench/relay/run.js --n 10,50,100 --rounds 3 --json /tmp/p9.json
//
// Two nginx-rtmp servers on 127.0.0.1 (Debian nginx + libnginx-mod-rtmp, private prefixes): "src"
// receives N publishers (`ffmpeg -re -stream_loop -1 -i test.flv -c copy`, started once per N and
// kept through all rounds: their CPU is not measured), "dst" receives what the relays push. Both
// expose rtmp_stat over HTTP, which is how the bench proves media arrives: every destination
// stream's bytes_in over the window must be within ±15 % of the median source stream's.
//
// Side A: a fresh `liverec serve` (harness of tests/conformance); its idle CPU with zero tasks is
// measured first, then N CreateLivePullToPush tasks src/sK -> dst/a<round>sK (pop-core, V1), wait
// for TaskStatus 1 on all and for N publishers at dst, warm up, measure, stop liverec.
// Side B: N `ffmpeg -nostdin -nostats -re -i rtmp://src/src/sK -c copy -f flv rtmp://dst/dst/b<round>sK`,
// wait for N publishers at dst, warm up, measure (summed over the N processes), stop them.
// CPU = utime + stime of /proc/PID/stat over the window (all threads); memory = VmRSS and Pss
// (smaps_rollup), sampled during the window. Every process the bench starts is killed on exit,
// on failure and on SIGINT/SIGTERM; the run has a global deadline.
//
// Options: --n LIST (10,50) --rounds R (3) --window S (30) --warmup S (10) --idle-window S (15)
//   --media-seconds S (30) --probe K (2: ffprobe K destination streams per side and round)
//   --bin PATH (liverec; also LIVEREC_BIN; default build/apps/liverec/liverec)
//   --label TEXT (stored with the results, e.g. the commit the binary was built from)
//   --rtmp-client own|libavformat (liverec's [relay] rtmp_client on side A; default own)
//   --json FILE (raw numbers) --perf DIR (after the last round's window of each side: `perf record
//   -g` of liverec / of all the relay ffmpegs for --perf-seconds (15), and `strace -c -f` of
//   liverec and one ffmpeg for --strace-seconds (10); files written into DIR).
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const {
  REPO, sleep, log, round, mean, median, parseOptions, defaultBin, track, stopChild, mkTmp, killAllSync, extraPids, tmpDirs,
} = require('../lib/common.js');
const procfs = require('../lib/procfs.js');

const opts = parseOptions(process.argv, __filename, {
  n: [10, 50], rounds: 3, window: 30, warmup: 10, idleWindow: 15, mediaSeconds: 30, probe: 2, bin: defaultBin(),
  json: null, perf: null, perfSeconds: 15, straceSeconds: 10, label: '', rtmpClient: 'own',
}, {
  '--rtmp-client': ['rtmpClient', 'text'],
  '--n': ['n', 'list'], '--rounds': ['rounds', 'number'], '--window': ['window', 'number'],
  '--warmup': ['warmup', 'number'], '--idle-window': ['idleWindow', 'number'], '--media-seconds': ['mediaSeconds', 'number'],
  '--probe': ['probe', 'number'], '--bin': ['bin', 'path'], '--json': ['json', 'path'], '--label': ['label', 'text'],
  '--perf': ['perf', 'path'], '--perf-seconds': ['perfSeconds', 'number'], '--strace-seconds': ['straceSeconds', 'number'],
});
if (!opts.n.length || opts.rounds < 1 || opts.window < 5) throw new Error('bad --n/--rounds/--window');
process.env.LIVEREC_BIN = opts.bin;  // read by the harness when it is loaded
const h = require('../../tests/conformance/harness.js');
const media = require('../../tests/integration/media.js');

const REGION = 'cn-shanghai';
const { CLK_TCK, machineCpu, loadavg, findPidByArg } = procfs;
const procCpuTicks = procfs.cpuTicks;
const procMem = procfs.memKb;

// ----------------------------------------------------------------------------------------------
// /proc readings

// Context switches of all the threads of `pid` (voluntary: it blocked, e.g. in poll; involuntary:
// preempted).
function procCtxSwitches(pid) {
  let v = 0;
  let nv = 0;
  let tasks = [];
  try { tasks = fs.readdirSync(`/proc/${pid}/task`); } catch { return { v, nv }; }
  for (const t of tasks) {
    try {
      const st = fs.readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
      v += Number((/^voluntary_ctxt_switches:\s+(\d+)/m.exec(st) || [0, 0])[1]);
      nv += Number((/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(st) || [0, 0])[1]);
    } catch { /* thread ended */ }
  }
  return { v, nv };
}

// ----------------------------------------------------------------------------------------------
// nginx-rtmp with rtmp_stat

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

function httpGet(url, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timeout`)));
    req.on('error', reject);
  });
}

async function startNginx(name, app) {
  const dir = mkTmp(`liverec-bench-nginx-${name}-`);
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, t));
  const rtmpPort = await freePort();
  const httpPort = await freePort();
  const asRoot = process.getuid && process.getuid() === 0;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off;
${asRoot ? 'user root;' : ''}
worker_processes 1;
worker_rlimit_nofile 8192;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${httpPort};
    location /stat { rtmp_stat all; }
  }
}
rtmp {
  server {
    listen 127.0.0.1:${rtmpPort};
    application ${app} { live on; }
  }
}
`);
  const child = track(spawn('nginx', ['-p', dir, '-e', path.join(dir, 'error.log'), '-c', path.join(dir, 'nginx.conf')],
    { stdio: ['ignore', 'ignore', 'pipe'] }));
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const until = Date.now() + 10000;
  for (;;) {
    try { await httpGet(`http://127.0.0.1:${httpPort}/stat`, 1000); break; } catch { /* not yet */ }
    if (child.exitCode !== null || Date.now() > until) throw new Error(`nginx ${name} did not start: ${stderr}`);
    await sleep(50);
  }
  // nginx forks no worker with daemon off + master_process on: find the worker for CPU readings.
  const pids = () => {
    const out = [child.pid];
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === child.pid) out.push(Number(d));
      } catch { /* gone */ }
    }
    return out;
  };
  return {
    name, app, dir, rtmpPort, httpPort, child, pids,
    url: (stream) => `rtmp://127.0.0.1:${rtmpPort}/${app}/${stream}`,
    // {streamName: {bytesIn, publishing}} from rtmp_stat.
    async streams() {
      const xml = await httpGet(`http://127.0.0.1:${httpPort}/stat`);
      const out = {};
      for (const m of xml.matchAll(/<stream>([\s\S]*?)<\/stream>/g)) {
        const body = m[1];
        const nameM = /<name>([^<]*)<\/name>/.exec(body);
        const bytes = /<bytes_in>(\d+)<\/bytes_in>/.exec(body);
        if (!nameM) continue;
        out[nameM[1]] = { bytesIn: bytes ? Number(bytes[1]) : 0, publishing: /<publishing\/>/.test(body) };
      }
      return out;
    },
    async stop() { await stopChild(child, 'SIGQUIT', 5000); },
  };
}

async function waitFor(what, fn, timeoutMs, stepMs = 250) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

// Waits until `count` streams named prefix<K> publish and have received media.
function waitPublishing(server, prefix, count, timeoutMs) {
  return waitFor(`${count} streams ${prefix}* publishing at ${server.name}`, async () => {
    const s = await server.streams();
    const live = Object.entries(s).filter(([k, v]) => k.startsWith(prefix) && v.publishing && v.bytesIn > 0);
    return live.length >= count;
  }, timeoutMs);
}

function waitGone(server, prefix, timeoutMs) {
  return waitFor(`streams ${prefix}* gone at ${server.name}`, async () => {
    const s = await server.streams();
    return !Object.entries(s).some(([k, v]) => k.startsWith(prefix) && v.publishing);
  }, timeoutMs);
}

// ----------------------------------------------------------------------------------------------
// Measurement window over a set of "measured" pids plus context pids.

async function measure({ pids, context, src, dst, dstPrefix, n, seconds }) {
  const ctxPids = () => Object.fromEntries(Object.entries(context).map(([k, f]) => [k, f()]));
  const sumTicks = (list) => {
    let t = 0;
    for (const p of list) {
      const x = procCpuTicks(p);
      if (x === null) throw new Error(`process ${p} vanished during the window`);
      t += x;
    }
    return t;
  };
  const ctx0 = ctxPids();
  const ctxTicks0 = Object.fromEntries(Object.entries(ctx0).map(([k, l]) => [k, sumTicks(l)]));
  const [srcS0, dstS0] = await Promise.all([src.streams(), dst.streams()]);
  const mc0 = machineCpu();
  const load0 = loadavg();
  const t0 = process.hrtime.bigint();
  const ticks0 = sumTicks(pids);
  const sumCtx = () => pids.map(procCtxSwitches).reduce((a, b) => ({ v: a.v + b.v, nv: a.nv + b.nv }), { v: 0, nv: 0 });
  const ctxSw0 = sumCtx();

  const mem = [];
  const sampleMem = () => {
    let rss = 0;
    let pss = 0;
    for (const p of pids) { const m = procMem(p); rss += m.rssKb || 0; pss += m.pssKb || 0; }
    mem.push({ rss, pss });
  };
  const step = Math.max(1, Math.floor(seconds / 6));
  for (let s = 0; s < seconds; s += step) {
    await sleep(Math.min(step, seconds - s) * 1000);
    sampleMem();
  }
  const ticks1 = sumTicks(pids);
  const ctxSw1 = sumCtx();
  const t1 = process.hrtime.bigint();
  const mc1 = machineCpu();
  const load1 = loadavg();
  const [srcS1, dstS1] = await Promise.all([src.streams(), dst.streams()]);
  const ctxTicks1 = Object.fromEntries(Object.entries(ctx0).map(([k, l]) => [k, sumTicks(l)]));
  const wall = Number(t1 - t0) / 1e9;

  const rate = (s0, s1, name) => ((s1[name] ? s1[name].bytesIn : 0) - (s0[name] ? s0[name].bytesIn : 0)) * 8 / wall;
  const srcRates = Object.keys(srcS1).filter((k) => /^s\d+$/.test(k)).map((k) => rate(srcS0, srcS1, k));
  const dstNames = Object.keys(dstS1).filter((k) => k.startsWith(dstPrefix));
  const dstRates = dstNames.map((k) => rate(dstS0, dstS1, k));
  const srcMedian = median(srcRates);
  const bad = dstNames.filter((k, i) => !(dstRates[i] >= 0.85 * srcMedian && dstRates[i] <= 1.15 * srcMedian));
  const allTicks = (mc1.busy - mc0.busy) + (mc1.idle - mc0.idle) + (mc1.steal - mc0.steal);
  const cpuSeconds = (ticks1 - ticks0) / CLK_TCK;
  return {
    wall_s: round(wall, 3),
    cpu_s: round(cpuSeconds, 3),
    cpu_pct_core: round(100 * cpuSeconds / wall, 3),                      // % of one core, all streams
    cpu_pct_per_stream: n ? round(100 * cpuSeconds / wall / n, 4) : null,  // % of one core per stream
    // Context switches per stream and second (threads that ended during the window not counted).
    voluntary_cs_per_stream_s: n ? round((ctxSw1.v - ctxSw0.v) / wall / n, 1) : round((ctxSw1.v - ctxSw0.v) / wall, 1),
    involuntary_cs_per_stream_s: n ? round((ctxSw1.nv - ctxSw0.nv) / wall / n, 1) : round((ctxSw1.nv - ctxSw0.nv) / wall, 1),
    rss_mb: round(mean(mem.map((m) => m.rss)) / 1024, 1),
    pss_mb: round(mean(mem.map((m) => m.pss)) / 1024, 1),
    context_pct_core: Object.fromEntries(Object.entries(ctxTicks1).map(([k, t]) =>
      [k, round(100 * (t - ctxTicks0[k]) / CLK_TCK / wall, 2)])),
    // From the idle time, which the kernel accounts exactly; the busy ticks are sampled and
    // miss the short bursts these relays are made of.
    machine_busy_cores: round(os.cpus().length - (mc1.idle - mc0.idle) / CLK_TCK / wall, 2),
    machine_steal_pct: allTicks ? round(100 * (mc1.steal - mc0.steal) / allTicks, 2) : 0,
    loadavg_start: load0,
    loadavg_end: load1,
    src_streams: srcRates.length,
    src_median_kbps: round(srcMedian / 1000, 1),
    dst_streams: dstNames.length,
    dst_median_kbps: round(median(dstRates) / 1000, 1),
    dst_min_kbps: round(Math.min(...dstRates) / 1000, 1),
    dst_out_of_range: bad,
  };
}


function probe(url) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-rw_timeout', '10000000', '-show_entries',
    'stream=codec_name,width,height,sample_rate', '-of', 'json', url], { encoding: 'utf8', timeout: 20000 });
  if (r.status !== 0) return { url, error: (r.stderr || `status ${r.status}`).trim() };
  const streams = JSON.parse(r.stdout).streams || [];
  return { url, streams: streams.map((s) => s.codec_name + (s.width ? ` ${s.width}x${s.height}` : '') +
    (s.sample_rate ? ` ${s.sample_rate} Hz` : '')) };
}

// perf record and strace -c of running processes (diagnostics, --perf DIR).
async function profile(tag, pids) {
  if (!opts.perf) return;
  fs.mkdirSync(opts.perf, { recursive: true });
  const run = (cmd, args, file) => new Promise((resolve) => {
    const c = track(spawn(cmd, args, { stdio: ['ignore', 'ignore', fs.openSync(file, 'w')] }));
    const timer = setTimeout(() => c.kill('SIGKILL'), (opts.perfSeconds + opts.straceSeconds + 30) * 1000);
    c.on('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
  const data = path.join(opts.perf, `${tag}.perf.data`);
  log(`  perf record ${tag} (${opts.perfSeconds} s)`);
  await run('perf', ['record', '-e', 'cpu-clock', '-F', '999', '-g', '-o', data, '-p', pids.join(','),
    '--', 'sleep', String(opts.perfSeconds)], path.join(opts.perf, `${tag}.perf.log`));
  log(`  strace -c -f ${tag} pid ${pids[0]} (${opts.straceSeconds} s)`);
  const st = track(spawn('strace', ['-c', '-f', '-o', path.join(opts.perf, `${tag}.strace.txt`), '-p', String(pids[0])],
    { stdio: 'ignore' }));
  await sleep(opts.straceSeconds * 1000);
  await stopChild(st, 'SIGINT', 5000);
}

// ----------------------------------------------------------------------------------------------
// Sides

async function sideA(env, n, r, last) {
  const { src, dst } = env;
  const prefix = `a${r}s`;
  const server = await h.startServer({ extraToml: `
[relay]
allow_private_addresses = true
max_tasks = 10000
rtmp_client = "${opts.rtmpClient}"
` });
  tmpDirs.add(server.tmp);
  const pid = findPidByArg(server.dataDir);
  if (!pid) { await server.stop(); throw new Error('cannot find the liverec pid'); }
  extraPids.add(pid);
  try {
    const api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await sleep(3000);
    log(`  A${r}: liverec pid ${pid}, idle ${opts.idleWindow} s`);
    const idle = await measure({ pids: [pid], context: env.context, src, dst, dstPrefix: '\0', n: 0, seconds: opts.idleWindow });

    const created = Date.now();
    const ids = [];
    for (let k = 0; k < n; k++) {
      const res = await api.call('CreateLivePullToPush', {
        Region: REGION, TaskName: `bench-${prefix}${k}`,
        StartTime: h.isoSeconds(Date.now() - 60000), EndTime: h.isoSeconds(Date.now() + 6 * 3600 * 1000),
        SourceType: 'live', SourceProtocol: 'rtmp', SourceUrls: JSON.stringify([src.url(`s${k}`)]),
        DstUrl: dst.url(`${prefix}${k}`),
      });
      if (res.body.RetCode !== 0 || !res.body.TaskId) throw new Error(`Create: ${JSON.stringify(res.body)}`);
      ids.push(res.body.TaskId);
    }
    const listStatuses = async () => {
      const out = {};
      for (let page = 1; ; page++) {
        const res = await api.call('DescribeLivePullToPushList', { Region: REGION, PageSize: 100, PageNumber: page });
        for (const t of res.body.TaskList) out[t.TaskId] = t.TaskStatus;
        if (page * 100 >= res.body.Total) break;
      }
      return out;
    };
    await waitFor(`${n} tasks running`, async () => {
      const st = await listStatuses();
      const notOk = ids.filter((id) => st[id] === 2 || st[id] === 3 || st[id] === -1);
      if (notOk.length) throw new Error(`tasks failed: ${notOk.map((id) => `${id}=${st[id]}`).join(', ')}`);
      return ids.every((id) => st[id] === 1);
    }, 30000 + n * 500, 500);
    await waitPublishing(dst, prefix, n, 30000 + n * 200);
    const runningAfter = (Date.now() - created) / 1000;
    log(`  A${r}: ${n} tasks running after ${runningAfter.toFixed(1)} s; warm-up ${opts.warmup} s, window ${opts.window} s`);
    await sleep(opts.warmup * 1000);
    const m = await measure({ pids: [pid], context: env.context, src, dst, dstPrefix: prefix, n, seconds: opts.window });
    const st = await listStatuses();
    m.tasks_running_after_window = ids.filter((id) => st[id] === 1).length;
    m.probes = [];
    for (let k = 0; k < Math.min(opts.probe, n); k++) m.probes.push(probe(dst.url(`${prefix}${Math.floor(k * n / Math.min(opts.probe, n))}`)));
    if (last) await profile(`liverec-n${n}`, [pid]);
    m.idle = idle;
    m.startup_s = round(runningAfter, 1);
    return m;
  } finally {
    const e = await server.stop();
    extraPids.delete(pid);
    tmpDirs.delete(server.tmp);
    if (e && e.signal === 'SIGKILL') log('  liverec needed SIGKILL');
    await waitGone(dst, prefix, 15000).catch((err) => log(`  ${err.message}`));
  }
}

async function sideB(env, n, r, last) {
  const { src, dst } = env;
  const prefix = `b${r}s`;
  const procs = [];
  try {
    const started = Date.now();
    for (let k = 0; k < n; k++) {
      const c = track(spawn('ffmpeg', ['-nostdin', '-nostats', '-loglevel', 'error', '-re', '-i', src.url(`s${k}`),
        '-c', 'copy', '-f', 'flv', dst.url(`${prefix}${k}`)], { stdio: ['ignore', 'ignore', 'pipe'] }));
      c.stderrText = '';
      c.stderr.on('data', (d) => { if (c.stderrText.length < 4000) c.stderrText += d; });
      procs.push(c);
    }
    await waitPublishing(dst, prefix, n, 30000 + n * 300);
    const dead = procs.filter((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead.length) throw new Error(`ffmpeg relays exited: ${dead[0].stderrText}`);
    const runningAfter = (Date.now() - started) / 1000;
    log(`  B${r}: ${n} ffmpeg relays publishing after ${runningAfter.toFixed(1)} s; warm-up ${opts.warmup} s, window ${opts.window} s`);
    await sleep(opts.warmup * 1000);
    const m = await measure({ pids: procs.map((c) => c.pid), context: env.context, src, dst, dstPrefix: prefix, n, seconds: opts.window });
    m.processes_alive_after_window = procs.filter((c) => c.exitCode === null && c.signalCode === null).length;
    m.probes = [];
    for (let k = 0; k < Math.min(opts.probe, n); k++) m.probes.push(probe(dst.url(`${prefix}${Math.floor(k * n / Math.min(opts.probe, n))}`)));
    if (last) await profile(`ffmpeg-n${n}`, procs.map((c) => c.pid));
    m.startup_s = round(runningAfter, 1);
    return m;
  } finally {
    await Promise.all(procs.map((c) => stopChild(c, 'SIGTERM', 3000)));
    await waitGone(dst, prefix, 15000).catch((err) => log(`  ${err.message}`));
  }
}

// ----------------------------------------------------------------------------------------------
// Reporting

function describeMachine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (/model name\s*:\s*(.*)/.exec(cpuinfo) || [])[1];
  const memKb = Number((/MemTotal:\s+(\d+)/.exec(fs.readFileSync('/proc/meminfo', 'utf8')) || [])[1]);
  const first = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return ((r.stdout || '') + (r.stderr || '')).split('\n')[0].trim();
  };
  const git = (args) => spawnSync('git', ['-C', REPO, ...args], { encoding: 'utf8' }).stdout.trim();
  const st = fs.statSync(opts.bin);
  return {
    nproc: os.cpus().length, cpu: model, mem_total_mib: Math.round(memKb / 1024), kernel: os.release(),
    nginx: first('nginx', ['-v']), nginx_rtmp: first('dpkg-query', ['-W', '-f', '${Version}', 'libnginx-mod-rtmp']),
    ffmpeg: first('ffmpeg', ['-version']), node: process.version,
    liverec_bin: opts.bin, liverec_bin_mtime: st.mtime.toISOString(), rtmp_client: opts.rtmpClient,
    liverec_version: first(opts.bin, ['version']),
    repo_head: git(['rev-parse', '--short', 'HEAD']),
    clk_tck: CLK_TCK,
  };
}

function summarize(results) {
  const lines = [];
  lines.push('| N | side | round | CPU % of a core (all) | CPU % per stream | ctx switches /stream/s (vol+invol) | RSS MB | PSS MB | dst streams ok | dst median kbit/s | src kbit/s | nginx src+dst % core | publishers % core | machine busy cores | load1 start |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const row of results.rows) {
    const m = row.m;
    lines.push(`| ${row.n} | ${row.side} | ${row.round} | ${m.cpu_pct_core} | ${m.cpu_pct_per_stream} | ${m.voluntary_cs_per_stream_s}+${m.involuntary_cs_per_stream_s} | ${m.rss_mb} | ${m.pss_mb} | ` +
      `${m.dst_streams - m.dst_out_of_range.length}/${row.n} | ${m.dst_median_kbps} | ${m.src_median_kbps} | ` +
      `${round(m.context_pct_core.nginx_src + m.context_pct_core.nginx_dst, 2)} | ${m.context_pct_core.publishers} | ${m.machine_busy_cores} | ${m.loadavg_start[0]} |`);
  }
  lines.push('');
  lines.push('| N | liverec idle (0 tasks) % core | liverec % per stream (median) | net of idle | ffmpeg % per stream (median) | ratio liverec/ffmpeg | net ratio | liverec RSS MB (idle → N) | per stream MB | ffmpeg RSS MB per process | ffmpeg PSS MB per process | P9 (≤ 0.25 %) |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of results.summary) {
    lines.push(`| ${s.n} | ${s.liverec_idle_pct_core} | **${s.liverec_pct_per_stream}** | ${s.liverec_net_pct_per_stream} | ${s.ffmpeg_pct_per_stream} | ` +
      `**${s.ratio}** | ${s.net_ratio} | ${s.liverec_idle_rss_mb} → ${s.liverec_rss_mb} | ${s.liverec_rss_mb_per_stream} | ` +
      `${s.ffmpeg_rss_mb_per_process} | ${s.ffmpeg_pss_mb_per_process} | ${s.p9_met ? 'met' : 'missed'} |`);
  }
  return lines.join('\n');
}

// ----------------------------------------------------------------------------------------------

async function main() {
  for (const tool of ['nginx', 'ffmpeg', 'ffprobe']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} not found (apt-get install nginx libnginx-mod-rtmp ffmpeg)`);
  }
  if (!fs.existsSync(opts.bin)) throw new Error(`liverec binary not found: ${opts.bin}`);
  // Global deadline: generous against the planned time (per round: two windows, warm-ups, idle).
  const perRound = 2 * (opts.window + opts.warmup) + opts.idleWindow + 40 +
    (opts.perf ? 2 * (opts.perfSeconds + opts.straceSeconds) : 0);
  const budgetS = opts.n.reduce((s, n) => s + 60 + n * 1.5 + opts.rounds * (perRound + n * 1.2), 120);
  const deadline = setTimeout(() => { log(`global deadline of ${Math.round(budgetS)} s passed: aborting`); killAllSync(); process.exit(2); },
    budgetS * 1000);
  deadline.unref();

  const machine = describeMachine();
  log('machine', JSON.stringify(machine));
  const file = media.makeTestFlv(opts.mediaSeconds);
  const fileProbe = JSON.parse(spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=bit_rate,duration', '-of', 'json', file],
    { encoding: 'utf8' }).stdout).format;
  log(`media ${file}: ${fileProbe.duration} s, ${Math.round(fileProbe.bit_rate / 1000)} kbit/s`);

  const src = await startNginx('src', 'src');
  const dst = await startNginx('dst', 'dst');
  const publishers = [];
  const env = {
    src, dst,
    context: {
      nginx_src: () => src.pids(), nginx_dst: () => dst.pids(),
      publishers: () => publishers.filter((c) => c.exitCode === null).map((c) => c.pid),
    },
  };
  const results = { machine, options: opts, media: { file: path.basename(file), ...fileProbe }, rows: [], summary: [],
    started: new Date().toISOString() };
  try {
    for (const n of opts.n) {
      log(`N = ${n}: starting ${n} source publishers`);
      for (let k = publishers.length; k < n; k++) {
        const c = track(spawn('ffmpeg', ['-nostdin', '-nostats', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', file,
          '-c', 'copy', '-f', 'flv', src.url(`s${k}`)], { stdio: ['ignore', 'ignore', 'pipe'] }));
        c.stderr.on('data', () => {});
        publishers.push(c);
        await sleep(20);
      }
      await waitPublishing(src, 's', n, 30000 + n * 300);
      await sleep(3000);
      for (let r = 1; r <= opts.rounds; r++) {
        const last = r === opts.rounds;
        const a = await sideA(env, n, r, last);
        log(`  A${r}: ${a.cpu_pct_per_stream} % per stream (${a.cpu_pct_core} % all, idle ${a.idle.cpu_pct_core} %), ` +
          `RSS ${a.rss_mb} MB, dst ${a.dst_streams - a.dst_out_of_range.length}/${n} ok at ${a.dst_median_kbps} kbit/s, load ${a.loadavg_start[0]}`);
        results.rows.push({ n, side: 'A liverec', round: r, m: a });
        const b = await sideB(env, n, r, last);
        log(`  B${r}: ${b.cpu_pct_per_stream} % per stream (${b.cpu_pct_core} % all), RSS ${b.rss_mb} MB, PSS ${b.pss_mb} MB, ` +
          `dst ${b.dst_streams - b.dst_out_of_range.length}/${n} ok at ${b.dst_median_kbps} kbit/s, load ${b.loadavg_start[0]}`);
        results.rows.push({ n, side: 'B ffmpeg', round: r, m: b });
      }
      const as = results.rows.filter((x) => x.n === n && x.side.startsWith('A')).map((x) => x.m);
      const bs = results.rows.filter((x) => x.n === n && x.side.startsWith('B')).map((x) => x.m);
      const idle = median(as.map((m) => m.idle.cpu_pct_core));
      const idleRss = median(as.map((m) => m.idle.rss_mb));
      const lr = median(as.map((m) => m.cpu_pct_per_stream));
      const lrNet = median(as.map((m) => (m.cpu_pct_core - m.idle.cpu_pct_core) / n));
      const ff = median(bs.map((m) => m.cpu_pct_per_stream));
      const rss = median(as.map((m) => m.rss_mb));
      results.summary.push({
        n, rounds: opts.rounds,
        liverec_idle_pct_core: round(idle, 3), liverec_idle_rss_mb: round(idleRss, 1),
        liverec_pct_per_stream: round(lr, 4), liverec_net_pct_per_stream: round(lrNet, 4),
        ffmpeg_pct_per_stream: round(ff, 4),
        ratio: round(lr / ff, 3), net_ratio: round(lrNet / ff, 3),
        ratio_per_round: as.map((m, i) => round(m.cpu_pct_per_stream / bs[i].cpu_pct_per_stream, 3)),
        liverec_rss_mb: round(rss, 1), liverec_rss_mb_per_stream: round((rss - idleRss) / n, 2),
        ffmpeg_rss_mb_per_process: round(median(bs.map((m) => m.rss_mb)) / n, 1),
        ffmpeg_pss_mb_per_process: round(median(bs.map((m) => m.pss_mb)) / n, 1),
        all_destinations_ok: [...as, ...bs].every((m) => m.dst_out_of_range.length === 0 && m.dst_streams === n),
        p9_met: lr <= 0.25,
      });
      log(`N = ${n}: liverec ${round(lr, 4)} % per stream, ffmpeg ${round(ff, 4)} %, ratio ${round(lr / ff, 3)}`);
    }
  } finally {
    await Promise.all(publishers.map((c) => stopChild(c, 'SIGTERM', 3000)));
    await src.stop();
    await dst.stop();
    for (const d of [src.dir, dst.dir]) { fs.rmSync(d, { recursive: true, force: true }); tmpDirs.delete(d); }
  }
  results.finished = new Date().toISOString();
  const table = summarize(results);
  console.log(table);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
}

main().then(() => process.exit(0), (err) => {
  log(`FAILED: ${err.stack || err}`);
  killAllSync();
  process.exit(1);
});
