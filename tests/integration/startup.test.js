'use strict';
// What a new user meets first, on the real binary: the command line (`--version`), the config
// check (a misspelled key is an error), the start banner (true for local and S3 buckets), one
// server per data directory (a second one refuses, a killed one's lock is taken over), JSON
// logs (every stderr line is JSON, libav's too), and the paths the server answers itself
// (/version, /docs/errors that every error's Recommend links to).
// Contract: docs/operations.md, docs/configuration.md.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

// Runs the binary to its exit (bounded); resolves {code, signal, stdout, stderr}.
function run(args, { timeoutMs = 15000, env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(h.LIVEREC_BIN, args, { env: h.cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

function tempDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-startup-'));
}

// Every line of `text` parsed as JSON with the documented fields; fails naming the first line
// that is not.
function jsonLines(text) {
  const lines = text.split('\n').filter((l) => l !== '');
  return lines.map((line) => {
    let record;
    try {
      record = JSON.parse(line);
    } catch (e) {
      assert.fail(`a stderr line is not JSON: ${line}`);
    }
    for (const field of ['time', 'level', 'logger', 'message']) {
      assert.equal(typeof record[field], 'string', `${field} in ${line}`);
    }
    return record;
  });
}

describe('liverec --version', () => {
  it('prints what `liverec version` prints, with -V too', async () => {
    const version = await run(['version']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^liverec \d+\.\d+\.\d+( \([0-9a-f]{12}\))?\n$/);
    for (const flag of ['--version', '-V']) {
      const r = await run([flag]);
      assert.equal(r.code, 0, `${flag}: ${r.stderr}`);
      assert.equal(r.stdout, version.stdout, flag);
    }
  });
});

describe('check-config', () => {
  let tmp;
  before(() => { tmp = tempDir(); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('refuses misspelled keys and sections, naming the closest known ones, all at once', async () => {
    const file = path.join(tmp, 'typos.toml');
    fs.writeFileSync(file, `[htpp]
listen = "127.0.0.1:9000"
[relay]
allow_privat_addresses = true
[rtmp]
idle_timeout_s = 0
[[buckets]]
name = "cloud"
backend = "s3"
url = "http://127.0.0.1:9000"
access_key_id = "key"
secret_access_key = "secret"
path-style = true
`);
    const r = await run(['check-config', '--config', file]);
    assert.equal(r.code, 2, `exit 2 expected; stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    assert.ok(!r.stdout.includes('config OK'), r.stdout);
    for (const problem of [
      '[htpp]: unknown section; did you mean `http`?',
      'relay.allow_privat_addresses: unknown key; did you mean `allow_private_addresses`?',
      'buckets[0].path-style: unknown key; did you mean `path_style`?',
      'rtmp.idle_timeout_s: must be 1-3600',
    ]) {
      assert.ok(r.stderr.includes(problem), `stderr should say ${problem}:\n${r.stderr}`);
    }
  });

  it('accepts the test section and the deployment example', async () => {
    const file = path.join(tmp, 'testing.toml');
    fs.writeFileSync(file, m.TESTING);
    const r = await run(['check-config', '--config', file, '--data-dir', path.join(tmp, 'data')]);
    assert.equal(r.code, 0, r.stderr);
    const example = path.join(h.REPO, 'docs', 'deploy', 'liverec.example.toml');
    const e = await run(['check-config', '--config', example], {
      env: { LIVEREC_ACCESS_KEY_ID: 'ExampleKeyId0001', LIVEREC_ACCESS_KEY_SECRET: 'ExampleSecret00000000000001' },
    });
    assert.equal(e.code, 0, e.stderr);
  });
});

describe('start banner', () => {
  let server;
  before(async () => {
    server = await h.startServer({ extraToml: `
[[buckets]]
endpoint = "s3.example.com"
name = "cloud"
backend = "s3"
url = "http://127.0.0.1:9"
access_key_id = "key"
secret_access_key = "secret"
remote_bucket = "acme-cloud"
` });
  });
  after(async () => { if (server) await server.stop(); });

  it('shows a local bucket with its directory, URL and access, an S3 bucket with its service and no local URL', async () => {
    const lines = server.stdout().split('\n');
    const local = lines.find((l) => l.includes('OssBucket=records '));
    const records = path.join(server.dataDir, 'buckets', 'records');
    assert.equal(local, `Bucket: OssEndpoint=local OssBucket=records -> ${records}, served at ` +
      `${server.endpoint}/records/<key>, private: signed URLs only`);
    const s3 = lines.find((l) => l.includes('OssBucket=cloud '));
    assert.equal(s3, 'Bucket: OssEndpoint=s3.example.com OssBucket=cloud -> S3 bucket acme-cloud at ' +
      'http://127.0.0.1:9 (path-style), private: RecordUrls presigned at the service (not served by liverec)');
    // What the banner says of the local bucket is true: its URL serves its files, to signed URLs
    // (`liverec url`) only.
    fs.mkdirSync(path.join(records, 'live'), { recursive: true });
    fs.writeFileSync(path.join(records, 'live', 'probe.txt'), 'probe');
    const signed = server.signedUrl('live/probe.txt');
    h.assertSignedUrl(signed, `${server.endpoint}/records/live/probe.txt`);
    const res = await fetch(signed, { signal: AbortSignal.timeout(10000) });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'probe');
    const unsigned = await fetch(`${server.endpoint}/records/live/probe.txt`, { signal: AbortSignal.timeout(10000) });
    assert.equal(unsigned.status, 403);
    assert.equal(await unsigned.text(), 'forbidden\n');
    // The banner says how to get such a URL; the command it gives works as given.
    const play = lines.find((l) => l.startsWith('Play a recording: '));
    const prefix = `Play a recording: the API's RecordUrl, or ${h.LIVEREC_BIN} url --config ${server.configPath} ` +
      `--data-dir ${server.dataDir} --public-url ${server.endpoint} `;
    assert.equal(play, `${prefix}--key <key> [--bucket <name>]`);
    const args = `${prefix.slice(prefix.indexOf(' url ') + 1)}--key live/probe.txt`.trim().split(' ');
    const minted = await run(args, { env: server.databaseUrl ? { LIVEREC_DATABASE_URL: server.databaseUrl } : {} });
    assert.equal(minted.code, 0, minted.stderr);
    h.assertSignedUrl(minted.stdout.trim(), `${server.endpoint}/records/live/probe.txt`);
    const viaBanner = await fetch(minted.stdout.trim(), { signal: AbortSignal.timeout(10000) });
    assert.equal(viaBanner.status, 200);
    assert.equal(await viaBanner.text(), 'probe');
  });
});

describe('one server per data directory', () => {
  let server;
  before(async () => { server = await h.startServer(); });
  after(async () => { if (server) await server.stop(); });

  it('a second server on the same data directory refuses to start, naming the first', async () => {
    const second = await run(['serve', '--data-dir', server.dataDir, '--http-listen', '127.0.0.1:0',
      '--rtmp-listen', '127.0.0.1:0', '--log-format', 'json']);
    assert.equal(second.code, 1, `exit 1 expected; stdout: ${second.stdout}\nstderr: ${second.stderr}`);
    assert.ok(!second.stdout.includes('HTTP API listening'), second.stdout);
    const refusal = jsonLines(second.stderr).find((l) => l.message.includes('DirectoryInUse'));
    assert.ok(refusal, `a DirectoryInUse line expected: ${second.stderr}`);
    assert.equal(refusal.level, 'critical');
    assert.ok(refusal.message.includes(`locked by PID ${server.pid}: ${h.LIVEREC_BIN} serve --data-dir ${server.dataDir}`),
      refusal.message);
    // The first one did not notice.
    const health = await fetch(`${server.endpoint}/healthz`, { signal: AbortSignal.timeout(10000) });
    assert.equal(health.status, 200);
  });

  it('after a crash (SIGKILL) the stale lock file is taken over by the next start', async () => {
    const killed = await server.kill('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    const lockFile = path.join(server.dataDir, 'liverec.lock');
    assert.ok(fs.existsSync(lockFile), 'the lock file stays behind');
    server = await h.startServer({ reuse: server.tmp });
    assert.match(fs.readFileSync(lockFile, 'utf8'), new RegExp(`^${server.pid}\n`));
    const health = await fetch(`${server.endpoint}/healthz`, { signal: AbortSignal.timeout(10000) });
    assert.equal(health.status, 200);
  });
});

describe('stopping', () => {
  // The banner says the server is up: from then on SIGTERM is a graceful stop (exit 0, "stopped"),
  // never the signal's default action. (The signals were once caught only after the banner, and
  // a stop asked for at once killed the server; the slower sanitizer build showed it.)
  it('a SIGTERM sent the moment the banner appears is a graceful stop', async () => {
    for (let i = 0; i < 5; i++) {
      const dir = tempDir();
      try {
        const child = spawn(h.LIVEREC_BIN, ['serve', '--data-dir', dir, '--http-listen', '127.0.0.1:0',
          '--rtmp-listen', '127.0.0.1:0'], { env: h.cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => { stderr += d; });
        child.stdout.on('data', (d) => { if (String(d).includes('HTTP API listening')) child.kill('SIGTERM'); });
        const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
        const [code, signal] = await new Promise((resolve) => child.on('close', (c, s) => resolve([c, s])));
        clearTimeout(timer);
        assert.deepEqual({ code, signal }, { code: 0, signal: null }, `round ${i}: ${stderr}`);
        assert.match(stderr, /stopped/, `round ${i}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

describe('paths the server answers itself', () => {
  let server;
  before(async () => { server = await h.startServer(); });
  after(async () => { if (server) await server.stop(); });

  it('/version says what `liverec version` says', async () => {
    const printed = (await run(['version'])).stdout.trim();
    const res = await fetch(`${server.endpoint}/version`, { signal: AbortSignal.timeout(10000) });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(printed, `liverec ${body.version}${body.commit ? ` (${body.commit})` : ''}`);
  });

  it("an error's Recommend opens the error catalogue at the code's row", async () => {
    const res = await h.send(server, h.buildV1({ action: 'DescribeLiveRecordConfig' }));
    h.assertHttpError(res, 400, 'MissingDomainName');
    const recommend = res.json.Recommend;
    assert.equal(recommend, `${server.endpoint}/docs/errors#MissingDomainName`);
    const page = await fetch(recommend, { signal: AbortSignal.timeout(10000) });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type'), /^text\/html/);
    const html = await page.text();
    assert.ok(html.includes('<tr data-prefix="Missing" data-suffix="">'), 'MissingDomainName has the row of Missing{}');
    const other = await h.send(server, h.buildV1({ action: 'NoSuchAction' }));
    h.assertHttpError(other, 404, 'InvalidAction.NotFound');
    assert.ok(html.includes('<tr id="InvalidAction.NotFound">'), html.slice(0, 2000));
  });

  it('[api] error_docs_url moves Recommend elsewhere', async () => {
    const other = await h.startServer({ extraToml: '[api]\nerror_docs_url = "https://docs.example.com/liverec/errors"\n' });
    try {
      const res = await h.send(other, h.buildV1({ action: 'DescribeLiveRecordConfig' }));
      assert.equal(res.json.Recommend, 'https://docs.example.com/liverec/errors#MissingDomainName');
    } finally {
      await other.stop();
    }
  });
});

describe('JSON logs', () => {
  let server;
  before(async () => {
    // libavformat's MP4 muxer (the fallback writer) logs a line at the end of every file.
    server = await h.startServer({
      extraToml: `${m.TESTING}\n[log]\nformat = "json"\nlevel = "debug"\n[recording]\nmp4_writer = "libavformat"\n`,
    });
  });
  after(async () => { if (server) await server.stop(); });

  it("every stderr line is JSON, libav's lines included, while an MP4 is recorded", async () => {
    const flv = m.makeTestFlv(6);
    const client = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await client.call('AddLiveAppRecordConfig', {
      DomainName: 'logs.example.com', AppName: 'live', StreamName: '*', OssEndpoint: 'local',
      OssBucket: 'records', DelayTime: 1, 'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.SliceDuration': 2,
    });
    const pushed = await m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=logs.example.com`).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    await m.waitFor('an MP4 file', () => m.listFiles(path.join(server.dataDir, 'buckets', 'records'), '.mp4').length > 0);
    // The MP4 muxer's "moving the moov atom" line comes through the logger, as logger libav.
    const moov = await m.waitFor('the MP4 muxer\'s log line', () =>
      jsonLines(server.stderr()).find((l) => l.logger === 'libav' && l.message.includes('moov')), 10000);
    assert.equal(moov.level, 'debug');
    assert.match(moov.message, /^\[mp4 @ 0x[0-9a-f]+\] /);
    assert.ok(!moov.message.endsWith('\n'), 'no newline inside the message');
    const stopped = await server.stop({ keep: true });
    assert.equal(stopped.code, 0);
    const records = jsonLines(server.stderr());
    assert.ok(records.some((l) => l.logger === 'liverec' && l.message === 'stopped'), 'the last line is there too');
    fs.rmSync(server.tmp, { recursive: true, force: true });
    server = null;
  });
});
