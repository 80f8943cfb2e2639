#!/usr/bin/env node
'use strict';
// P8 benchmark: signed API request throughput (docs/benchmarks.md, P8):
// DescribeLiveRecordConfig, V1 signature (HMAC-SHA1), HTTP/1.1 keep-alive, on 127.0.0.1.
//
//   node bench/api_throughput/run.js --c 1,4,16 --rounds 3 --window 10 --json /tmp/p8.json
//
// Server: a fresh `liverec serve` (harness of tests/conformance: private temp dir, 127.0.0.1,
// ports 0) with one app record config on the default domain, so every answer lists one record.
// Client: --procs child processes (default 1), each with its share of the C connections. Every
// connection is a raw keep-alive socket with one request in flight (no pipelining); EVERY
// request is signed afresh (new SignatureNonce, current Timestamp: the server rejects a replayed
// nonce). Every answer is parsed and checked: HTTP 200, a `RequestId` that is an upper-case UUID
// and the one record in `LiveAppRecordList`; anything else counts as an error. The signer is
// checked once at start against the independent V1 signer of tests/conformance/harness.js.
// For each C: a warm-up, then a window in which requests/s, latency (send -> whole answer read)
// p50/p90/p99, errors, liverec's CPU (utime + stime of /proc/PID/stat, all threads) and the
// client processes' CPU are measured, plus the machine's busy cores. Rounds repeat the C list.
//
// Options: --c LIST (1,4,16) --rounds R (1) --window S (10) --warmup S (2) --procs P (1: client
//   processes) --threads T (liverec's `threads`, default its own) --bin PATH (liverec; LIVEREC_BIN;
//   default build/apps/liverec/liverec) --label TEXT --json FILE
const { fork } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');

const { round, sleep, log, median, pct, parseOptions, defaultBin, track, killAllSync } = require('../lib/common.js');

const DOMAIN = 'example.com';

// ----------------------------------------------------------------------------------------------
// The signer: the fixed parameters of DescribeLiveRecordConfig are encoded once; per request
// only SignatureNonce and Timestamp change. Canonical query = keys sorted byte-wise.

const pe = (s) => encodeURIComponent(String(s)).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function makeSigner(key, version) {
  const fixed = {
    Action: 'DescribeLiveRecordConfig', DomainName: DOMAIN, Format: 'JSON', Version: version,
    AccessKeyId: key.id, SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0',
  };
  const hmacKey = key.secret + '&';
  let tsSecond = -1;
  let tsText = '';
  return (nonce, nowMs) => {
    const sec = Math.floor(nowMs / 1000);
    if (sec !== tsSecond) { tsSecond = sec; tsText = new Date(sec * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'); }
    const all = Object.assign({ SignatureNonce: nonce, Timestamp: tsText }, fixed);
    const canon = Object.keys(all).sort().map((k) => `${pe(k)}=${pe(all[k])}`).join('&');
    const sig = crypto.createHmac('sha1', hmacKey).update(`GET&%2F&${pe(canon)}`).digest('base64');
    return { path: `/?${canon}&Signature=${pe(sig)}`, signature: sig, timestamp: tsText };
  };
}

// ----------------------------------------------------------------------------------------------
// Worker (a child process): `conns` keep-alive connections, one request in flight each.

const REQUEST_ID_RE = /"RequestId":"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}"/;

function worker() {
  const { port, conns, key, version } = JSON.parse(process.argv[3]);
  const sign = makeSigner(key, version);
  const host = `127.0.0.1:${port}`;
  const noncePrefix = crypto.randomBytes(8).toString('hex') + process.pid.toString(16);
  let counter = 0;
  let measuring = false;
  let stopping = false;
  let stats = null;
  const reset = () => { stats = { ok: 0, errors: 0, lat: [], firstErrors: [] }; };
  reset();

  function connection() {
    const sock = net.connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    let buf = Buffer.alloc(0);
    let sentAt = 0;
    let inWindow = false;
    const sendOne = () => {
      if (stopping) { sock.end(); return; }
      const r = sign(noncePrefix + (counter++).toString(36), Date.now());
      inWindow = measuring;
      sentAt = performance.now();
      sock.write(`GET ${r.path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    };
    sock.on('connect', sendOne);
    sock.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        if (!m) { fail(`no Content-Length: ${head}`); return; }
        const total = end + 4 + Number(m[1]);
        if (buf.length < total) return;
        const body = buf.toString('utf8', end + 4, total);
        buf = buf.subarray(total);
        const lat = performance.now() - sentAt;
        const good = head.startsWith('HTTP/1.1 200 ') && REQUEST_ID_RE.test(body) && body.includes('"LiveAppRecord":[{');
        if (inWindow && measuring) {
          if (good) { stats.ok++; stats.lat.push(lat); } else {
            stats.errors++;
            if (stats.firstErrors.length < 3) stats.firstErrors.push(`${head.split('\r\n')[0]} ${body.slice(0, 300)}`);
          }
        }
        sendOne();
      }
    });
    const fail = (why) => {
      if (stopping) return;
      stats.errors++;
      if (stats.firstErrors.length < 3) stats.firstErrors.push(why);
      sock.destroy();
      setTimeout(connection, 10); // a new connection replaces it
    };
    sock.on('error', (e) => fail(`socket: ${e.message}`));
    sock.on('close', () => fail('connection closed by the server'));
  }

  process.on('message', (msg) => {
    if (msg === 'measure') { reset(); measuring = true; }
    if (msg === 'report') {
      measuring = false;
      process.send({ ok: stats.ok, errors: stats.errors, lat: stats.lat, firstErrors: stats.firstErrors });
    }
    if (msg === 'stop') { stopping = true; setTimeout(() => process.exit(0), 200); }
  });
  for (let i = 0; i < conns; i++) connection();
  process.send('ready');
}

if (process.argv[2] === '--worker') {
  worker();
  return;
}

// ----------------------------------------------------------------------------------------------
// Driver.

const opts = parseOptions(process.argv, __filename, {
  c: [1, 4, 16], rounds: 1, window: 10, warmup: 2, procs: 1, threads: 0, label: '', json: null, bin: defaultBin(),
}, {
  '--c': ['c', 'list'], '--rounds': ['rounds', 'number'], '--window': ['window', 'number'], '--warmup': ['warmup', 'number'],
  '--procs': ['procs', 'number'], '--threads': ['threads', 'number'], '--bin': ['bin', 'path'], '--label': ['label', 'text'],
  '--json': ['json', 'path'],
});
process.env.LIVEREC_BIN = opts.bin;
const h = require('../../tests/conformance/harness.js');
const procfs = require('../lib/procfs.js');

async function runC(server, pid, c) {
  const procs = Math.max(1, Math.min(opts.procs, c));
  const list = [];
  for (let i = 0; i < procs; i++) {
    const conns = Math.floor(c / procs) + (i < c % procs ? 1 : 0);
    const w = fork(__filename, ['--worker', JSON.stringify({ port: server.port, conns, key: h.DEFAULT_KEY, version: h.VERSION })],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    list.push(track(w));
  }
  await Promise.all(list.map((w) => new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
  })));
  await sleep(opts.warmup * 1000);
  const cpu = (pids) => pids.reduce((t, p) => t + procfs.cpuTicks(p), 0);
  const clientPids = list.map((w) => w.pid);
  const mc0 = procfs.machineCpu();
  const load0 = procfs.loadavg();
  const s0 = procfs.cpuTicks(pid);
  const c0 = cpu(clientPids);
  const t0 = process.hrtime.bigint();
  for (const w of list) w.send('measure');
  await sleep(opts.window * 1000);
  const reports = list.map((w) => new Promise((resolve) => w.once('message', resolve)));
  for (const w of list) w.send('report');
  const t1 = process.hrtime.bigint();
  const s1 = procfs.cpuTicks(pid);
  const c1 = cpu(clientPids);
  const mc1 = procfs.machineCpu();
  const mem = procfs.memKb(pid);
  const rs = await Promise.all(reports);
  for (const w of list) w.send('stop');
  await sleep(300);
  const wall = Number(t1 - t0) / 1e9;
  const lat = rs.flatMap((r) => r.lat).sort((a, b) => a - b);
  const ok = rs.reduce((t, r) => t + r.ok, 0);
  const errors = rs.reduce((t, r) => t + r.errors, 0);
  const serverCores = (s1 - s0) / procfs.CLK_TCK / wall;
  return {
    c, procs, wall_s: round(wall, 3), ok, errors, first_errors: rs.flatMap((r) => r.firstErrors).slice(0, 3),
    req_s: round(ok / wall, 0),
    p50_ms: round(pct(lat, 50), 3), p90_ms: round(pct(lat, 90), 3), p99_ms: round(pct(lat, 99), 3), max_ms: round(lat[lat.length - 1], 3),
    server_cores: round(serverCores, 3),
    server_cpu_us_per_req: round(1e6 * serverCores * wall / ok, 1),
    client_cores: round((c1 - c0) / procfs.CLK_TCK / wall, 3),
    machine_busy_cores: round(os.cpus().length - (mc1.idle - mc0.idle) / procfs.CLK_TCK / wall, 2),
    loadavg_start: load0,
    liverec_rss_mb: round(mem.rssKb / 1024, 1),
  };
}

function checkSigner() {
  const sign = makeSigner(h.DEFAULT_KEY, h.VERSION);
  const now = Date.now();
  const mine = sign('abc123', now);
  const ref = h.buildV1({ params: { DomainName: DOMAIN }, nonce: 'abc123', timestamp: mine.timestamp });
  const refSig = new URLSearchParams(ref.path.slice(2)).get('Signature');
  if (refSig !== mine.signature) throw new Error(`signer mismatch: ${mine.signature} vs harness ${refSig}`);
}

async function main() {
  checkSigner();
  const server = await h.startServer({ topToml: opts.threads ? `threads = ${opts.threads}\n` : '' });
  const pid = procfs.findPidByArg(server.dataDir);
  const results = {
    label: opts.label, options: opts, started: new Date().toISOString(),
    machine: { nproc: os.cpus().length, cpu: os.cpus()[0].model, kernel: os.release(), node: process.version, load_at_start: procfs.loadavg() },
    liverec_version: require('node:child_process').spawnSync(opts.bin, ['version'], { encoding: 'utf8' }).stdout.trim(),
    rows: [],
  };
  try {
    const api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 30,
    });
    log(`liverec pid ${pid} on port ${server.port}; ${results.liverec_version}`);
    for (let r = 1; r <= opts.rounds; r++) {
      for (const c of opts.c) {
        const row = await runC(server, pid, c);
        row.round = r;
        results.rows.push(row);
        log(`round ${r} C=${c}: ${row.req_s} req/s, p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, errors ${row.errors}, ` +
          `liverec ${row.server_cores} cores (${row.server_cpu_us_per_req} us/req), client ${row.client_cores} cores, ` +
          `machine ${row.machine_busy_cores}, RSS ${row.liverec_rss_mb} MB, load ${row.loadavg_start[0]}` + (row.errors ? ` first errors: ${JSON.stringify(row.first_errors)}` : ''));
        if (server.exited()) throw new Error(`liverec exited: ${JSON.stringify(server.exited())}`);
      }
    }
  } finally {
    killAllSync();
    await server.stop();
  }
  results.summary = opts.c.map((c) => {
    const rows = results.rows.filter((x) => x.c === c);
    const med = (k) => median(rows.map((x) => x[k]));
    return {
      c, rounds: rows.length, req_s: med('req_s'), req_s_per_round: rows.map((x) => x.req_s), p50_ms: med('p50_ms'), p99_ms: med('p99_ms'),
      errors: rows.reduce((t, x) => t + x.errors, 0), server_cores: med('server_cores'), server_cpu_us_per_req: med('server_cpu_us_per_req'),
      client_cores: med('client_cores'), machine_busy_cores: med('machine_busy_cores'),
    };
  });
  results.finished = new Date().toISOString();
  const lines = ['| C | round | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | liverec cores | liverec CPU µs/req | client cores | machine busy cores | liverec RSS MB | load1 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const x of results.rows) {
    lines.push(`| ${x.c} | ${x.round} | ${x.req_s} | ${x.p50_ms} | ${x.p90_ms} | ${x.p99_ms} | ${x.max_ms} | ${x.errors} | ${x.server_cores} | ` +
      `${x.server_cpu_us_per_req} | ${x.client_cores} | ${x.machine_busy_cores} | ${x.liverec_rss_mb} | ${x.loadavg_start[0]} |`);
  }
  lines.push('', '| C | rounds | req/s (median) | per round | p50 ms | p99 ms | errors | liverec cores | liverec µs/req | client cores | P8 (≥ 5 000/s) |',
    '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of results.summary) {
    lines.push(`| ${s.c} | ${s.rounds} | **${s.req_s}** | ${s.req_s_per_round.join(', ')} | ${s.p50_ms} | ${s.p99_ms} | ${s.errors} | ` +
      `${s.server_cores} | ${s.server_cpu_us_per_req} | ${s.client_cores} | ${s.req_s >= 5000 && s.errors === 0 ? 'met' : 'missed'} |`);
  }
  console.log(lines.join('\n'));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
}

main().then(() => process.exit(0), (err) => {
  log(`FAILED: ${err.stack || err}`);
  killAllSync();
  process.exit(1);
});
