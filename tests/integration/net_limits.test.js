'use strict';
// The network limits of the real server (issue 17 items 2 and 3; docs/operations.md "Limits"):
// - under a low descriptor limit, more idle connections than it allows neither spin the accept
//   loops nor flood the log, /healthz keeps answering while they are open, and everything
//   answers again once they are gone;
// - a download slower than the idle timeout allows for the whole file arrives whole, plain and
//   with a Range header: the timeout is on no progress, not on the total time. (The bucket is
//   private: the downloads use signed URLs, server.signedUrl.)
// Contract: docs/operations.md, docs/configuration.md ([http] max_connections, [testing]).
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');

const NOFILE = 256;
const IDLE_HTTP = 400;  // more than the whole descriptor limit
const IDLE_RTMP = 150;

// CPU seconds (user + system) the process has used so far.
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in clock ticks
}

// GET url within timeoutMs; resolves {status, body} or {error}.
function get(url, { timeoutMs = 3000, headers = {} } = {}) {
  return new Promise((resolve) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
  });
}

// Opens n connections to port and keeps them idle; the ones the server closes are counted.
async function openIdle(port, n) {
  const sockets = [];
  const state = { closedByServer: 0 };
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('connect', resolve);
      s.on('error', () => resolve());
      s.on('close', () => { state.closedByServer += s.destroyedByTest ? 0 : 1; });
      // A connection left in the backlog never connects; do not wait for it for long.
      setTimeout(resolve, 200);
      sockets.push(s);
    });
  }
  return {
    state,
    close() {
      for (const s of sockets) {
        s.destroyedByTest = true;
        s.destroy();
      }
    },
  };
}

// The RTMP handshake's first step: C0 + C1 answered by S0 + S1 (+ S2), within timeoutMs.
function rtmpHandshakeAnswers(port, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = 0;
    const done = (ok) => { clearTimeout(timer); s.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.on('connect', () => s.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(1536)])));
    s.on('data', (d) => { got += d.length; if (got >= 1537) done(true); });
    s.on('error', () => done(false));
  });
}

function logLines(server) {
  return server.output().split('\n').filter((l) => l !== '').length;
}

describe('at the file-descriptor limit', () => {
  let server;
  before(async () => {
    server = await h.startServer({ wrap: ['prlimit', `--nofile=${NOFILE}:${NOFILE}`, '--'] });
  });
  after(async () => { if (server) await server.stop(); });

  it('logs the descriptor limit and the connection caps at start', () => {
    assert.match(server.output(), new RegExp(`descriptors: RLIMIT_NOFILE ${NOFILE}\\b.*at most 96 HTTP and 48 RTMP`));
  });

  it('idle connections beyond the limit neither spin nor flood the log, and /healthz answers', async () => {
    const linesBefore = logLines(server);
    const httpIdle = await openIdle(server.port, IDLE_HTTP);
    const rtmpIdle = await openIdle(server.rtmpPort, IDLE_RTMP);
    try {
      const cpu0 = cpuSeconds(server.pid);
      const t0 = Date.now();
      await h.sleep(3000);
      const cpu = cpuSeconds(server.pid) - cpu0;
      const wall = (Date.now() - t0) / 1000;
      // Idle connections cost nothing: far below the 1.2 cores of a spinning accept loop.
      assert.ok(cpu / wall < 0.2, `the server used ${cpu.toFixed(2)} s of CPU in ${wall.toFixed(1)} s`);
      for (let i = 0; i < 3; i++) {
        const health = await get(`${server.endpoint}/healthz`);
        assert.equal(health.status, 200, `/healthz while ${IDLE_HTTP} idle connections are open: ${JSON.stringify(health)}`);
      }
      const lines = logLines(server) - linesBefore;
      assert.ok(lines < 40, `${lines} log lines while the connections were open:\n${server.output().slice(-3000)}`);
      // The HTTP cap made room by closing idle connections; RTMP refused those above its cap.
      assert.ok(httpIdle.state.closedByServer >= IDLE_HTTP - 96,
        `${httpIdle.state.closedByServer} idle HTTP connections closed by the server`);
      assert.ok(rtmpIdle.state.closedByServer >= IDLE_RTMP - 48,
        `${rtmpIdle.state.closedByServer} RTMP connections beyond the cap closed by the server`);
      assert.match(server.output(), /http: 96 connections open \(the cap\)/);
      assert.match(server.output(), /rtmp: connection refused: the maximum of 48 connections is reached/);
    } finally {
      httpIdle.close();
      rtmpIdle.close();
    }
  });

  it('answers HTTP and RTMP again once the idle connections are gone', async () => {
    const deadline = Date.now() + 5000;
    let health;
    do {
      health = await get(`${server.endpoint}/healthz`);
    } while (health.status !== 200 && Date.now() < deadline && (await h.sleep(100), true));
    assert.equal(health.status, 200, JSON.stringify(health));
    assert.ok(await rtmpHandshakeAnswers(server.rtmpPort), 'the RTMP handshake is answered');
    const version = await get(`${server.endpoint}/version`);
    assert.equal(version.status, 200);
  });
});

// Reads url at about bytesPerSecond (pausing the response), resolves {status, hash, bytes, ms}.
function slowRead(url, bytesPerSecond, headers = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = http.get(url, { headers, agent: false }, (res) => {
      const hash = crypto.createHash('sha256');
      let bytes = 0;
      res.on('data', (chunk) => {
        hash.update(chunk);
        bytes += chunk.length;
        const ahead = bytes / bytesPerSecond * 1000 - (Date.now() - started);
        if (ahead > 0) {
          res.pause();
          setTimeout(() => res.resume(), ahead);
        }
      });
      res.on('end', () => resolve({
        status: res.statusCode, hash: hash.digest('hex'), bytes, ms: Date.now() - started,
        complete: res.complete,
      }));
      res.on('error', reject);
      res.on('aborted', () => resolve({ status: res.statusCode, bytes, ms: Date.now() - started, complete: false }));
    });
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

describe('slow bucket downloads', () => {
  const IDLE_TIMEOUT_S = 2;
  const SIZE = 24 * 1024 * 1024;  // more than loopback socket buffers take in at once
  const RATE = 4 * 1024 * 1024;   // so a download takes ~6 s, three idle timeouts
  let server;
  let content;
  let key;
  before(async () => {
    server = await h.startServer({
      extraToml: `\n[testing]\nenabled = true\nhttp_idle_timeout_s = ${IDLE_TIMEOUT_S}\n`,
    });
    content = crypto.randomBytes(SIZE);
    key = 'slow/big.bin';
    const file = path.join(server.dataDir, 'buckets', 'records', key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  });
  after(async () => { if (server) await server.stop(); });

  const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');

  it('a plain download slower than the idle timeout allows for the file arrives whole', async () => {
    const r = await slowRead(server.signedUrl(key), RATE);
    assert.equal(r.status, 200);
    assert.ok(r.ms > IDLE_TIMEOUT_S * 2000, `the download took ${r.ms} ms`);
    assert.equal(r.bytes, SIZE, `${r.bytes} of ${SIZE} bytes arrived in ${r.ms} ms`);
    assert.equal(r.hash, sha(content));
  });

  it('a Range download slower than the idle timeout allows for it arrives whole', async () => {
    const first = 1000;
    const last = 21 * 1024 * 1024 - 1;
    const r = await slowRead(server.signedUrl(key), RATE, { Range: `bytes=${first}-${last}` });
    assert.equal(r.status, 206);
    assert.ok(r.ms > IDLE_TIMEOUT_S * 2000, `the download took ${r.ms} ms`);
    assert.equal(r.bytes, last - first + 1, `${r.bytes} of ${last - first + 1} bytes arrived in ${r.ms} ms`);
    assert.equal(r.hash, sha(content.subarray(first, last + 1)));
  });

  it('a reader that stops taking bytes is still cut after the idle timeout', async () => {
    // Stop reading for more than the idle timeout, then read on: the server has closed the
    // connection, so the body stops short.
    const r = await new Promise((resolve) => {
      const req = http.get(server.signedUrl(key), { agent: false }, (res) => {
        let bytes = 0;
        let stalled = false;
        const finish = () => resolve({ status: res.statusCode, bytes, complete: res.complete });
        res.on('data', (chunk) => {
          bytes += chunk.length;
          if (!stalled) {
            stalled = true;
            res.pause();
            setTimeout(() => res.resume(), IDLE_TIMEOUT_S * 1000 + 3000);
          }
        });
        res.on('end', finish);
        res.on('aborted', finish);
        res.on('error', finish);
      });
      req.on('error', () => {});
      req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    });
    assert.equal(r.status, 200, 'the download started (signed URL)');
    assert.ok(r.bytes < SIZE, `${r.bytes} of ${SIZE} bytes arrived after a stall longer than the idle timeout`);
    assert.equal(r.complete, false);
  });
});
