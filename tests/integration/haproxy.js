'use strict';
// HAProxy (Debian's haproxy 2.6) in front of the test's cluster nodes, from the committed example
// docs/deploy/haproxy.cfg, so that the example is what the test runs: renderExampleConfig drops
// the lines marked "production-only" (root, syslog), puts the test nodes' real 127.0.0.1 ports in
// place of the example addresses 10.0.0.11-13, and free 127.0.0.1 ports in place of the three
// `bind` addresses; nothing else changes. startHaproxy runs it in the foreground (-db), waits
// until it listens and stops it at the end. 127.0.0.1 only; every wait is bounded.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('./nginx_rtmp.js');

const EXAMPLE = path.join(__dirname, '..', '..', 'docs', 'deploy', 'haproxy.cfg');
const EXAMPLE_NODES = ['10.0.0.11', '10.0.0.12', '10.0.0.13'];
const EXAMPLE_BINDS = { rtmp: 'bind :1935', http: 'bind :8080', stats: 'bind 127.0.0.1:8404' };
const START_TIMEOUT_MS = 10000;

// Replaces `from` by `to` in `text`, where `from` must occur exactly `count` times: the example
// and the test must not drift apart silently.
function replaceExactly(text, from, to, count) {
  const found = text.split(from).length - 1;
  if (found !== count) {
    throw new Error(`${EXAMPLE}: "${from}" occurs ${found} times, the test expects ${count}`);
  }
  return text.split(from).join(to);
}

// The example with `nodes` ([{httpPort, rtmpPort}] x 3, in the order of rec-1..rec-3) and the
// frontends on `ports` ({rtmp, http, stats}), all on 127.0.0.1.
function renderExampleConfig(nodes, ports) {
  if (nodes.length !== EXAMPLE_NODES.length) throw new Error('the example has three nodes');
  let text = fs.readFileSync(EXAMPLE, 'utf8').split('\n')
    .filter((line) => !/#\s*production-only\s*$/.test(line)).join('\n');
  EXAMPLE_NODES.forEach((address, i) => {
    text = replaceExactly(text, `${address}:1935`, `127.0.0.1:${nodes[i].rtmpPort}`, 1);
    text = replaceExactly(text, `${address}:8080`, `127.0.0.1:${nodes[i].httpPort}`, 1);
  });
  for (const [name, bind] of Object.entries(EXAMPLE_BINDS)) {
    text = replaceExactly(text, bind, `bind 127.0.0.1:${ports[name]}`, 1);
  }
  const settings = text.split('\n').filter((line) => !/^\s*#/.test(line)).join('\n');
  if (/10\.0\.0\.|bind :/.test(settings)) throw new Error('an address of the example was left in');
  return text;
}

// HAProxy's view of each server of `backend` from its stats CSV: {name: 'UP' | 'DOWN' | ...}.
async function serverStates(statsPort, backend) {
  const res = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`, { signal: AbortSignal.timeout(5000) });
  const lines = (await res.text()).split('\n');
  const header = lines[0].replace(/^# /, '').split(',');
  const [px, sv, status] = ['pxname', 'svname', 'status'].map((k) => header.indexOf(k));
  const states = {};
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (f[px] === backend && f[sv] !== 'FRONTEND' && f[sv] !== 'BACKEND') states[f[sv]] = f[status];
  }
  return states;
}

// Starts HAProxy on the rendered example; resolves {rtmpPort, httpPort, statsPort, endpoint,
// config, output(), serverStates(backend), stop()}.
async function startHaproxy(nodes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-haproxy-'));
  const ports = { rtmp: await freePort(), http: await freePort(), stats: await freePort() };
  const config = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(config, renderExampleConfig(nodes, ports));
  const check = spawnSync('haproxy', ['-c', '-q', '-f', config], { encoding: 'utf8', timeout: 10000 });
  if (check.status !== 0) throw new Error(`haproxy -c refuses the rendered example: ${check.stderr}`);
  const child = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  let exited = false;
  const exit = new Promise((resolve) => child.on('exit', () => { exited = true; resolve(); }));
  const until = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      await serverStates(ports.stats, 'liverec_http');
      break;
    } catch (err) {
      if (exited || Date.now() > until) {
        child.kill('SIGKILL');
        throw new Error(`haproxy did not start: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    rtmpPort: ports.rtmp,
    httpPort: ports.http,
    statsPort: ports.stats,
    endpoint: `http://127.0.0.1:${ports.http}`,
    config,
    output: () => output,
    serverStates: (backend) => serverStates(ports.stats, backend),
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');  // hard stop: closes every connection at once
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { renderExampleConfig, startHaproxy, EXAMPLE };
