#!/usr/bin/env node
'use strict';
// P11 benchmark: restart after a crash with ~1000 unfinished slices in the spool
// (docs/benchmarks.md, P11: serving again in <= 5 s, backlog drained in the
// background).
//
//   node bench/restart/run.js --slices 1000 --streams 50 --rounds 3 --json /tmp/p11.json
//
// How the backlog is made (real slices, nothing forged): liverec (harness of tests/conformance,
// [testing] so SliceDuration 1 is allowed) records --streams streams from one liverec-loadpub
// (a 640x360 ~250 kbit/s H.264 + AAC FLV with a 1 s GOP, paced at real time) into an S3 bucket
// served by tests/integration/s3_peer.js (s3rver behind the SigV4-verifying proxy). The peer's
// endpoint is taken down first (connections refused), so every closed slice stays in the spool
// (docs/recording.md "Outages"). Once --slices closed slices wait there, liverec is SIGKILLed
// (the slices being written are left torn, `.ts.part`), the publisher is killed, the endpoint
// comes back, and liverec is started again on the same data dir and config, on a known HTTP port.
//
// Measured from the spawn of the restart: when `GET /healthz` first answers 200 (polled every
// 5 ms), when a V1-signed DescribeLiveRecordConfig first answers 200 with a RequestId, when the
// "HTTP API listening" line is printed; then, every 200 ms, the slices still in the spool (closed
// `.ts` and torn `.ts.part` outside held/) and the rows of the `slices` table, until the spool is
// empty and every slice is indexed: the drain time and rate. During the drain a signed API request
// every 100 ms shows whether serving stays responsive (p50/p99/max). liverec's CPU and the S3
// peer's (s3rver + proxy) during the drain are reported. Rounds repeat everything.
//
// Options: --slices N (1000) --streams S (50) --rounds R (1) --drain-timeout S (600)
//   --bin PATH (liverec; LIVEREC_BIN) --loadpub PATH --label TEXT --json FILE
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { sleep, log, round, median, pct, parseOptions, defaultBin, loadpubBeside, track, killAllSync, makeTestFlv } =
  require('../lib/common.js');

const DOMAIN = 'bench.example.com';
const BUCKET = 's3rec';
const ENDPOINT = 's3.bench';

const opts = parseOptions(process.argv, __filename, {
  slices: 1000, streams: 50, rounds: 1, drainTimeout: 600, label: '', json: null, bin: defaultBin(), loadpub: null,
}, {
  '--slices': ['slices', 'number'], '--streams': ['streams', 'number'], '--rounds': ['rounds', 'number'],
  '--drain-timeout': ['drainTimeout', 'number'], '--bin': ['bin', 'path'], '--loadpub': ['loadpub', 'path'],
  '--label': ['label', 'text'], '--json': ['json', 'path'],
});
opts.loadpub = opts.loadpub || loadpubBeside(opts.bin);
process.env.LIVEREC_BIN = opts.bin;
const h = require('../../tests/conformance/harness.js');
const m = require('../../tests/integration/media.js');
const { startS3Peer, bucketToml } = require('../../tests/integration/s3_peer.js');
const { freePort } = require('../../tests/integration/nginx_rtmp.js');
const procfs = require('../lib/procfs.js');

const cleanups = [];

// Slices waiting in the spool: closed (.ts) and torn (.ts.part), outside held/ cycles/ compose/.
function spoolSlices(spool) {
  const out = { closed: 0, torn: 0 };
  const walk = (d, top) => {
    let entries;
    try { entries = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (top && ['held', 'cycles', 'compose'].includes(e.name)) continue;
        walk(path.join(d, e.name), false);
      } else if (e.name.endsWith('.ts')) out.closed++;
      else if (e.name.endsWith('.ts.part')) out.torn++;
    }
  };
  walk(spool, true);
  return out;
}

// Files left in the spool's stream directories (not held/ cycles/ compose/): name and size.
function leftovers(spool) {
  const out = [];
  for (const d of fs.readdirSync(spool, { withFileTypes: true })) {
    if (!d.isDirectory() || ['held', 'cycles', 'compose'].includes(d.name)) continue;
    for (const f of fs.readdirSync(path.join(spool, d.name))) {
      out.push(`${d.name}/${f} (${fs.statSync(path.join(spool, d.name, f)).size} B)`);
    }
  }
  return out;
}

function sliceRows(server) {
  return m.dbRows(server, 'SELECT COUNT(*) AS n FROM slices')[0].n;
}

// A V1-signed DescribeLiveRecordConfig; resolves {ok, ms}.
async function signedCall(port) {
  const req = h.buildV1({ params: { DomainName: DOMAIN } });
  const t = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}${req.path}`, { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    return { ok: res.status === 200 && h.REQUEST_ID_RE.test((JSON.parse(text) || {}).RequestId || ''), ms: performance.now() - t, status: res.status };
  } catch (e) {
    return { ok: false, ms: performance.now() - t, error: e.message };
  }
}

async function round1(file, r) {
  const peer = await startS3Peer({ bucket: 'liverec-bench' });
  cleanups.push(() => peer.stop());
  const toml = `${m.TESTING}\n[recording]\nupload_retry_max_s = 5\n${bucketToml(peer, { endpoint: ENDPOINT, name: BUCKET })}`;
  const first = await h.startServer({ extraToml: toml });
  let tmp = first.tmp;
  const out = { round: r };
  try {
    const api = h.popClient(first, h.DEFAULT_KEY, 'POST');
    await api.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: ENDPOINT, OssBucket: BUCKET,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
    });
    await peer.down(); // every upload is refused from now on
    const spool = path.join(first.dataDir, 'spool');
    const load = track(spawn(opts.loadpub, [`rtmp://127.0.0.1:${first.rtmpPort}/live/s{i}?vhost=${DOMAIN}`, '--input', file,
      '--streams', String(opts.streams), '--stagger-ms', '20'], { stdio: ['ignore', 'ignore', 'pipe'] }));
    let loadErr = '';
    readline.createInterface({ input: load.stderr }).on('line', (l) => { if (loadErr.length < 20000) loadErr += `${l}\n`; });
    const t0 = Date.now();
    for (;;) {
      const s = spoolSlices(spool);
      if (s.closed >= opts.slices) break;
      if (load.exitCode !== null) throw new Error(`liverec-loadpub exited: ${loadErr}`);
      if (first.exited()) throw new Error(`liverec exited: ${first.output().slice(-2000)}`);
      if (Date.now() - t0 > 600000) throw new Error(`only ${s.closed} closed slices after 600 s`);
      await sleep(100);
    }
    await first.kill('SIGKILL');
    load.kill('SIGKILL');
    out.record_s = round((Date.now() - t0) / 1000, 1);
    out.at_kill = spoolSlices(spool);
    out.rows_at_kill = sliceRows(first);
    log(`  round ${r}: SIGKILL after ${out.record_s} s of recording: spool ${JSON.stringify(out.at_kill)}, ${out.rows_at_kill} slices indexed`);

    await peer.up();
    await sleep(500);
    // The restart: same data dir and config, a known HTTP port so /healthz can be polled from the spawn.
    const port = await freePort();
    const args = ['serve', '--data-dir', first.dataDir, '--http-listen', `127.0.0.1:${port}`, '--rtmp-listen', '127.0.0.1:0',
      '--config', first.configPath];
    const spawnAt = performance.now();
    const child = track(spawn(opts.bin, args, {
      cwd: tmp, env: h.cleanEnv({ LIVEREC_ACCESS_KEY_ID: h.DEFAULT_KEY.id, LIVEREC_ACCESS_KEY_SECRET: h.DEFAULT_KEY.secret }),
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let output = '';
    let listeningAt = null;
    child.stdout.on('data', (d) => { output += d; if (listeningAt === null && /HTTP API listening/.test(output)) listeningAt = performance.now(); });
    child.stderr.on('data', (d) => { if (output.length < 500000) output += d; });
    let healthAt = null;
    while (healthAt === null) {
      if (child.exitCode !== null) throw new Error(`liverec exited at restart: ${output}`);
      if (performance.now() - spawnAt > 60000) throw new Error(`no /healthz 200 within 60 s: ${output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
        await res.text();
        if (res.status === 200) healthAt = performance.now();
      } catch { /* not listening yet */ }
      if (healthAt === null) await sleep(5);
    }
    let apiAt = null;
    while (apiAt === null) {
      const c = await signedCall(port);
      if (c.ok) apiAt = performance.now();
      else if (performance.now() - spawnAt > 60000) throw new Error(`no API answer within 60 s: ${JSON.stringify(c)}`);
      else await sleep(5);
    }
    const pid = child.pid;
    out.listening_ms = listeningAt === null ? null : round(listeningAt - spawnAt, 1);
    out.healthz_ms = round(healthAt - spawnAt, 1);
    out.api_ms = round(apiAt - spawnAt, 1);
    const peerPids = [...procfs.childPids(process.pid)].filter((p) => {
      try { return /s3rver|s3_sigv4_proxy/.test(fs.readFileSync(`/proc/${p}/cmdline`, 'utf8')); } catch { return false; }
    });
    const cpu0 = procfs.cpuTicks(pid);
    const peer0 = peerPids.reduce((t, p) => t + (procfs.cpuTicks(p) || 0), 0);
    const expected = out.at_kill.closed + out.at_kill.torn + out.rows_at_kill;
    // API probe during the drain.
    const probe = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const c = await signedCall(port);
        probe.push(c);
        await sleep(100);
      }
    })();
    const timeline = [];
    let drainedAt = null;
    for (;;) {
      const s = spoolSlices(path.join(first.dataDir, 'spool'));
      let rows = null;
      try { rows = sliceRows(first); } catch { /* busy */ }
      const t = performance.now() - spawnAt;
      timeline.push({ t_ms: Math.round(t), closed: s.closed, torn: s.torn, rows });
      // Drained: no closed slice left and every one indexed. A torn slice with no whole media is
      // removed at recovery, so the torn ones need not all become rows; a torn file that stays
      // in the spool (seen: an empty .ts.part whose sidecar was still .json.tmp at the kill) is
      // reported as a leftover once nothing has changed for 5 s.
      if (s.closed === 0 && rows !== null && rows >= out.rows_at_kill + out.at_kill.closed) {
        if (drainedAt === null) drainedAt = t;
        if (s.torn === 0 || t - drainedAt > 5000) break;
      }
      if (t > opts.drainTimeout * 1000) break;
      if (child.exitCode !== null) throw new Error(`liverec exited during the drain: ${output.slice(-3000)}`);
      await sleep(200);
    }
    probing = false;
    await prober;
    const cpu1 = procfs.cpuTicks(pid);
    const peer1 = peerPids.reduce((t, p) => t + (procfs.cpuTicks(p) || 0), 0);
    const last = timeline[timeline.length - 1];
    out.drained = drainedAt !== null;
    out.drain_ms = round(drainedAt, 0);
    out.rows_after = last.rows;
    out.expected_rows = expected;
    out.spool_after = { closed: last.closed, torn: last.torn };
    const drainS = (drainedAt || last.t_ms) / 1000;
    out.drain_rate_slices_s = round((last.rows - out.rows_at_kill) / drainS, 1);
    out.liverec_cpu_s = round((cpu1 - cpu0) / procfs.CLK_TCK, 2);
    out.peer_cpu_s = round((peer1 - peer0) / procfs.CLK_TCK, 2);
    await sleep(3000);
    out.rows_3s_later = sliceRows(first);
    out.spool_3s_later = spoolSlices(path.join(first.dataDir, 'spool'));
    out.spool_leftovers = leftovers(path.join(first.dataDir, 'spool'));
    const lat = probe.filter((x) => x.ok).map((x) => x.ms).sort((a, b) => a - b);
    out.api_during_drain = { n: probe.length, failed: probe.filter((x) => !x.ok).length, p50_ms: round(pct(lat, 50), 2), p99_ms: round(pct(lat, 99), 2), max_ms: round(lat[lat.length - 1], 2) };
    out.timeline = timeline.filter((x, i) => i % 5 === 0 || i === timeline.length - 1);
    out.torn_recovered = (output.match(/cut to whole packets/g) || []).length;
    out.torn_removed = (output.match(/has no whole media; removed/g) || []).length;
    out.all_indexed = out.rows_3s_later === out.rows_at_kill + out.at_kill.closed + out.torn_recovered;
    out.warnings = output.split('\n').filter((l) => /\[(warning|error|critical)\]/.test(l)).slice(0, 40);
    if (process.env.BENCH_KEEP) {
      fs.writeFileSync(path.join(os.tmpdir(), `p11-round${r}-restart.log`), output);
      fs.cpSync(first.dataDir, path.join(os.tmpdir(), `p11-round${r}-data`), { recursive: true });
      log(`  kept the log and a copy of the data dir in ${os.tmpdir()}/p11-round${r}-*`);
    }
    out.recovery_log = output.split('\n').filter((l) => /recover|spool|replay/i.test(l)).slice(0, 12);
    log(`  round ${r}: listening ${out.listening_ms} ms, /healthz ${out.healthz_ms} ms, API ${out.api_ms} ms after the spawn; ` +
      `drained ${out.drained} in ${out.drain_ms} ms (${out.drain_rate_slices_s} slices/s), rows ${out.rows_after}/${expected} (3 s later ${out.rows_3s_later}; torn: ${out.torn_recovered} recovered, ${out.torn_removed} removed as empty; every slice indexed: ${out.all_indexed}; spool leftovers: ${JSON.stringify(out.spool_leftovers)}); ` +
      `liverec CPU ${out.liverec_cpu_s} s, S3 peer CPU ${out.peer_cpu_s} s; API during drain ${JSON.stringify(out.api_during_drain)}`);
    const exitP = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exitP, sleep(25000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return out;
  } finally {
    killAllSync();
    await first.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    await peer.stop();
    cleanups.pop();
  }
}

async function main() {
  for (const bin of [opts.bin, opts.loadpub]) if (!fs.existsSync(bin)) throw new Error(`not found: ${bin}`);
  const file = makeTestFlv({ kbps: 250, seconds: 30, gopFrames: 25 });
  const results = {
    label: opts.label, options: opts, started: new Date().toISOString(),
    machine: { nproc: os.cpus().length, cpu: os.cpus()[0].model, kernel: os.release(), node: process.version, load_at_start: procfs.loadavg() },
    liverec_version: spawnSync(opts.bin, ['version'], { encoding: 'utf8' }).stdout.trim(), rows: [],
  };
  for (let r = 1; r <= opts.rounds; r++) {
    results.rows.push(await round1(file, r));
    if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
  }
  const med = (k) => median(results.rows.map((x) => x[k]));
  results.summary = {
    healthz_ms: med('healthz_ms'), api_ms: med('api_ms'), drain_ms: med('drain_ms'), drain_rate_slices_s: med('drain_rate_slices_s'),
    all_drained: results.rows.every((x) => x.drained),
  };
  results.finished = new Date().toISOString();
  const lines = ['| round | closed + torn slices at the kill | recording s | listening ms | /healthz 200 ms | signed API 200 ms | drained ms | slices/s | rows at drain / 3 s later | torn recovered / removed (empty) | every slice indexed | files left in the spool | liverec CPU s | S3 peer CPU s | API during drain p50/p99/max ms (failed) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'];
  for (const x of results.rows) {
    lines.push(`| ${x.round} | ${x.at_kill.closed} + ${x.at_kill.torn} | ${x.record_s} | ${x.listening_ms} | ${x.healthz_ms} | ${x.api_ms} | ${x.drain_ms} | ` +
      `${x.drain_rate_slices_s} | ${x.rows_after} / ${x.rows_3s_later} | ${x.torn_recovered} / ${x.torn_removed} | ${x.all_indexed ? 'yes' : 'NO'} | ${x.spool_leftovers.length} | ${x.liverec_cpu_s} | ${x.peer_cpu_s} | ` +
      `${x.api_during_drain.p50_ms}/${x.api_during_drain.p99_ms}/${x.api_during_drain.max_ms} (${x.api_during_drain.failed}) |`);
  }
  console.log(lines.join('\n'));
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(results, null, 2));
}

main().then(() => process.exit(0), async (err) => {
  log(`FAILED: ${err.stack || err}`);
  killAllSync();
  for (const c of cleanups) { try { await c(); } catch { /* best effort */ } }
  process.exit(1);
});
