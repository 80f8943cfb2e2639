'use strict';
// The S3 peer of the integration tests: s3rver (npm) on 127.0.0.1 with one bucket, behind the
// SigV4-verifying proxy (s3_sigv4_proxy.js), both as child processes; and Debian's aws CLI v2
// (/usr/bin/aws) pointed at the proxy. Every wait is bounded.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const CONFORMANCE = path.join(__dirname, '..', 'conformance');
const S3RVER_BIN = path.join(CONFORMANCE, 'node_modules', 's3rver', 'bin', 's3rver.js');
const AWS_BIN = '/usr/bin/aws';
const KEY_ID = 'S3RVER'; // s3rver's built-in account
const SECRET = 'S3RVER';
const REGION = 'us-east-1';
const START_TIMEOUT_MS = 20000;

// Spawns `args` and resolves with [child, match] once a stdout line matches `re`.
function spawnUntil(what, args, re) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    const onData = (d) => {
      output += d;
      const m = re.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve([child, m]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { output += d; });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${output}`));
    });
  });
}

async function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

// Starts s3rver with `bucket` and the proxy in front of it.
// Options for fetch() to the peer: a new connection each time. Between two requests a test may
// block the event loop (spawnSync of aws, ffmpeg, ffprobe) for longer than the servers keep an
// idle connection (5 s); fetch would then reuse a socket the server has just closed and fail with
// "other side closed".
const FRESH = { headers: { connection: 'close' } };

async function startS3Peer({ bucket }) {
  if (!fs.existsSync(S3RVER_BIN)) throw new Error(`s3rver not installed (${S3RVER_BIN}): run scripts/install-deps.sh`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-s3rver-'));
  const [s3rver, sm] = await spawnUntil('s3rver',
    [S3RVER_BIN, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--silent', '--configure-bucket', bucket],
    /S3rver listening on 127\.0\.0\.1:(\d+)/);
  const s3rverPort = Number(sm[1]);
  let proxy;
  let blackHole = null;
  const held = [];
  const startProxy = (port) => spawnUntil('the SigV4 proxy',
    [path.join(__dirname, 's3_sigv4_proxy.js'), String(s3rverPort), KEY_ID, SECRET, REGION, String(port)],
    /listening (\d+)/);
  try {
    const [child, pm] = await startProxy(0);
    proxy = child;
    const proxyPort = Number(pm[1]);
    const endpoint = `http://127.0.0.1:${proxyPort}`;
    return {
      bucket,
      endpoint, // through the proxy: every request's signature is checked
      publicUrl: `http://127.0.0.1:${s3rverPort}/${bucket}`, // anonymous reads, straight from s3rver
      keyId: KEY_ID,
      secret: SECRET,
      async stats() { return (await fetch(`${endpoint}/__proxy/stats`, FRESH)).json(); },
      // Runs the aws CLI against the proxy; returns {status, stdout, stderr}.
      aws(args) {
        return spawnSync(AWS_BIN, ['--endpoint-url', endpoint, '--region', REGION, ...args], {
          encoding: 'utf8', timeout: 60000,
          env: Object.assign({}, process.env, {
            AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET, AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '',
          }),
        });
      },
      // [{key, size}] of `aws s3 ls --recursive`.
      ls(prefix = '') {
        const r = this.aws(['s3', 'ls', '--recursive', `s3://${bucket}/${prefix}`]);
        // Exit status 1 with no output: nothing under the prefix. Anything else non-zero failed.
        if (r.status === 1 && r.stdout.trim() === '' && r.stderr.trim() === '') return [];
        if (r.status !== 0) throw new Error(`aws s3 ls ${prefix}: status ${r.status}: ${r.stderr}`);
        return r.stdout.split('\n').filter((l) => l.trim()).map((line) => {
          const m = /^\S+\s+\S+\s+(\d+)\s(.+)$/.exec(line);
          return { size: Number(m[1]), key: m[2] };
        });
      },
      // Downloads `key` with `aws s3 cp` into `file`.
      cp(key, file) {
        const r = this.aws(['s3', 'cp', `s3://${bucket}/${key}`, file, '--only-show-errors']);
        if (r.status !== 0) throw new Error(`aws s3 cp ${key}: ${r.stderr}`);
        return fs.readFileSync(file);
      },
      // The endpoint goes away (connections are refused) or hangs (connections are accepted and
      // never answered), and comes back on the same port; the proxy's counters start from zero.
      async down() { await stopChild(proxy); },
      async hang() {
        await stopChild(proxy);
        blackHole = net.createServer((socket) => { held.push(socket); socket.on('error', () => {}); });
        await new Promise((resolve, reject) => {
          blackHole.once('error', reject);
          blackHole.listen(proxyPort, '127.0.0.1', resolve);
        });
      },
      async up() {
        if (blackHole) {
          for (const socket of held.splice(0)) socket.destroy();
          await new Promise((resolve) => blackHole.close(resolve));
          blackHole = null;
        }
        [proxy] = await startProxy(proxyPort);
      },
      async stop() {
        for (const socket of held.splice(0)) socket.destroy();
        if (blackHole) blackHole.close();
        await stopChild(proxy);
        await stopChild(s3rver);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopChild(proxy);
    await stopChild(s3rver);
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

// The [[buckets]] table of liverec's config for the peer. `secret` overrides the right one.
function bucketToml(peer, { endpoint, name, secret, secretEnv, partSizeMb = 5 }) {
  return `
[[buckets]]
endpoint = "${endpoint}"
name = "${name}"
backend = "s3"
url = "${peer.endpoint}"
region = "${REGION}"
access_key_id = "${peer.keyId}"
${secretEnv ? `secret_access_key_env = "${secretEnv}"` : `secret_access_key = "${secret || peer.secret}"`}
remote_bucket = "${peer.bucket}"
public_url = "${peer.publicUrl}"
part_size_mb = ${partSizeMb}
timeout_ms = 10000
`;
}

module.exports = { startS3Peer, bucketToml, FRESH };
