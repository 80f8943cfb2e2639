'use strict';
// Shared test harness for the liverec SDK conformance suite.
//
// - startServer(): runs `liverec serve` on 127.0.0.1 with a fresh data dir and a config that
//   declares a second tenant ("tenant-b"), waits for the "HTTP API listening" line and returns
//   the port. stop() kills it and removes the temp dir.
// - The metadata backend (database.js): SQLite, or with LIVEREC_TEST_BACKEND=postgres a fresh
//   PostgreSQL database per server (kept across opts.reuse restarts, dropped with the temp dir).
//   server.backend says which; server.dbRows(sql) / server.dbExec(sql) read and write it directly
//   on either (also once stopped with keep).
// - In the sanitizer build (tests/README.md), a sanitizer report in a server's stderr fails:
//   stop() and kill() throw it, and the test file's process exits 1 even when no test failed.
// - SDK adapters (pop-core GET/POST, openapi-client V3 / V1) with one calling convention.
// - An independent V1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256) signer for raw requests.
// - Assertions shared by the test files (error bodies, RequestId format, ...).
//
// Contract: docs/api/README.md, docs/api/record-configs.md.

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const database = require('./database.js');

const REPO = path.resolve(__dirname, '..', '..');
const LIVEREC_BIN = process.env.LIVEREC_BIN || path.join(REPO, 'build', 'apps', 'liverec', 'liverec');
const VERSION = '2016-11-01';

// Keys. The default account's key comes from the environment of `liverec serve`.
const DEFAULT_KEY = { id: 'LiveRecConfDefaultKey0001', secret: 'LiveRecConfDefaultSecret000000000001' };
const TENANT_B_KEY = { id: 'TenantBKeyId000000000001', secret: 'TenantBSecret0000000000000000001' };
const TENANT_B_DISABLED_KEY = { id: 'TenantBDisabledKey000001', secret: 'TenantBSecret0000000000000000002' };

const CONFIG_TOML = `[[accounts]]
name = "tenant-b"
[[accounts.access_keys]]
id = "${TENANT_B_KEY.id}"
secret = "${TENANT_B_KEY.secret}"

[[accounts.access_keys]]
id = "${TENANT_B_DISABLED_KEY.id}"
secret = "${TENANT_B_DISABLED_KEY.secret}"
enabled = false

[[buckets]]
account = "tenant-b"
endpoint = "local"
name = "records-b"

[[buckets]]
account = "tenant-b"
endpoint = "local"
name = "records-b2"

[[domains]]
account = "tenant-b"
name = "b.example.com"
`;

// The first line of an AddressSanitizer/LeakSanitizer report, and the summary line that ends
// every report (UndefinedBehaviorSanitizer's "runtime error" included).
const SANITIZER_REPORT_RE = /==\d+==ERROR: \w+Sanitizer|SUMMARY: \w+Sanitizer/;

// Throws when `stderr` holds a sanitizer report, with its tail.
function assertNoSanitizerReport(stderr, what) {
  if (SANITIZER_REPORT_RE.test(stderr)) {
    throw new Error(`${what} wrote a sanitizer report; stderr (tail):\n${stderr.slice(-20000)}`);
  }
}

const READY_RE = /HTTP API listening on http:\/\/127\.0\.0\.1:(\d+)\//;
const RTMP_RE = /RTMP ingest listening on rtmp:\/\/127\.\d+\.\d+\.\d+:(\d+)\//;
const START_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 5000;
const REQUEST_TIMEOUT_MS = 10000;

// Environment for child processes: the caller's, minus any LIVEREC_* variables (so nothing
// from the outside changes what the server or the CLI does), plus `extra`.
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('LIVEREC_')) env[k] = v;
  }
  return Object.assign(env, extra);
}

// opts.reuse: the `tmp` of a stopped server (stop({keep: true})) to start again on the same
// data dir. opts.rtmpHost: the loopback address the RTMP ingest listens on (127.0.0.1).
// opts.shareDatabaseOf: (PostgreSQL) a server whose database this one uses too, as the nodes of
// a cluster do; it stays that server's, dropped with it, never by this one.
async function startServer(opts = {}) {
  if (!fs.existsSync(LIVEREC_BIN)) {
    throw new Error(`liverec binary not found at ${LIVEREC_BIN} (set LIVEREC_BIN)`);
  }
  const tmp = opts.reuse || fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-conf-'));
  const dataDir = path.join(tmp, 'data');
  const configPath = path.join(tmp, 'liverec.toml');
  if (!opts.reuse) {
    fs.mkdirSync(dataDir);
    // topToml: top-level keys (before the first table); extraToml: tables appended.
    fs.writeFileSync(configPath, (opts.topToml || '') + CONFIG_TOML + (opts.extraToml || ''));
  }
  let db;
  try {
    db = serverDatabase(tmp, dataDir, opts.shareDatabaseOf);
  } catch (err) {
    if (!opts.reuse) fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }

  // --rtmp-listen on port 0 too, so that test files running in parallel never collide.
  const args = ['serve', '--data-dir', dataDir, '--http-listen', '127.0.0.1:0',
    '--rtmp-listen', `${opts.rtmpHost || '127.0.0.1'}:0`,
    '--config', configPath];
  // opts.wrap: a command prefix the server runs under, e.g. ['prlimit', '--nofile=256:256', '--']
  // (it must exec the server, so that pid stays the server's).
  const wrap = opts.wrap || [];
  const child = spawn(wrap.length ? wrap[0] : LIVEREC_BIN, [...wrap.slice(1), ...(wrap.length ? [LIVEREC_BIN] : []), ...args], {
    cwd: tmp,
    env: cleanEnv({
      LIVEREC_ACCESS_KEY_ID: DEFAULT_KEY.id,
      LIVEREC_ACCESS_KEY_SECRET: DEFAULT_KEY.secret,
      ...(db.url ? { LIVEREC_DATABASE_URL: db.url } : {}),
      // Working on the console: its files read from that folder (docs/console.md).
      ...(process.env.LIVEREC_CONSOLE_DIR ? { LIVEREC_CONSOLE_DIR: process.env.LIVEREC_CONSOLE_DIR } : {}),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stdoutText = '';
  let stderrText = '';
  let exited = null;
  let registered = false;  // counted in liveServers
  const exitPromise = new Promise((resolve) => {
    // 'close', not 'exit': by then all of the server's stderr has been read.
    child.on('close', (code, signal) => {
      exited = { code, signal };
      if (registered) release(tmp);
      if (SANITIZER_REPORT_RE.test(stderrText)) {
        // Fails the file even if no test looks at this server again.
        process.exitCode = 1;
        process.stderr.write(`liverec (pid ${child.pid}) wrote a sanitizer report:\n${stderrText.slice(-20000)}\n`);
      }
      resolve(exited);
    });
  });

  let rtmpPort = null;
  const port = await new Promise((resolve, reject) => {
    let stdoutBuf = '';
    let done = false;
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(value);
    };
    const timer = setTimeout(() => {
      finish(new Error(`liverec did not report its HTTP port within ${START_TIMEOUT_MS} ms; output:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdoutText += chunk;
      output += chunk;
      if (output.length > 200000) output = output.slice(-100000);
      stdoutBuf += chunk;
      let idx;
      while ((idx = stdoutBuf.indexOf('\n')) >= 0) {
        const line = stdoutBuf.slice(0, idx);
        stdoutBuf = stdoutBuf.slice(idx + 1);
        const r = RTMP_RE.exec(line);
        if (r) rtmpPort = Number(r[1]);
        const m = READY_RE.exec(line);
        if (m) finish(null, Number(m[1]));
      }
    });
    child.stderr.on('data', (chunk) => {
      stderrText += chunk;
      output += chunk;
      if (output.length > 200000) output = output.slice(-100000);
    });
    child.on('error', (err) => finish(new Error(`cannot start ${LIVEREC_BIN}: ${err.message}`)));
    exitPromise.then((e) => finish(new Error(`liverec exited early (${JSON.stringify(e)}); output:\n${output}`)));
  }).catch((err) => {
    if (!exited) child.kill('SIGKILL');
    if (!opts.reuse) removeTmp(tmp, db);
    throw err;
  });

  if (!exited) {
    liveServers.set(tmp, (liveServers.get(tmp) || 0) + 1);
    registered = true;
  }
  // The RTMP line is printed after the HTTP line: wait for it briefly.
  for (let i = 0; i < 50 && rtmpPort === null && !exited; i++) await sleep(20);
  const server = {
    port,
    rtmpPort,
    host: `127.0.0.1:${port}`,
    endpoint: `http://127.0.0.1:${port}`,
    dataDir,
    tmp,
    configPath,
    backend: db.backend,
    // PostgreSQL: this server's database URL (LIVEREC_DATABASE_URL); SQLite: undefined.
    databaseUrl: db.url,
    // Rows of a read query on the server's database, as objects; dbExec runs one writing
    // statement and returns the number of rows it changed. Portable SQL only (database.js).
    dbRows: (sql) => database.rows(db, sql),
    dbExec: (sql) => database.exec(db, sql),
    pid: child.pid,
    // A URL that reads `key` of a bucket (or, with prefix, every key starting with it), minted
    // by `liverec url` as users do (docs/configuration.md "Bucket access"): signed for a private
    // bucket (all of them by default), plain for a public-read one. opts: bucket ('records'),
    // endpoint ('local'), expires (seconds), prefix (bool), publicUrl (this server's endpoint).
    signedUrl(key, { bucket = 'records', endpoint = 'local', expires, prefix = false, publicUrl } = {}) {
      return mintUrl({ configPath, dataDir, databaseUrl: db.url, publicUrl: publicUrl || `http://127.0.0.1:${port}` },
        key, { bucket, endpoint, expires, prefix });
    },
    output: () => output,
    // Everything the server wrote to each stream so far (unlike output, never trimmed).
    stdout: () => stdoutText,
    stderr: () => stderrText,
    exited: () => exited,
    // Sends a signal (e.g. SIGKILL for crash tests) and waits for the exit; keeps the temp dir.
    async kill(signal) {
      if (!exited) child.kill(signal);
      await exitPromise;
      assertNoSanitizerReport(stderrText, `liverec (pid ${child.pid})`);
      return exited;
    },
    // Stops the server (SIGTERM, then SIGKILL after 5 s) and returns how it exited
    // ({code, signal}); removes the temp dir (and drops its database) unless keep or another
    // server started with opts.reuse still runs on it.
    async stop({ keep = false } = {}) {
      // Waits for the exit, at most ms; the timer is cleared so it keeps nothing alive.
      const waitExit = async (ms) => {
        let timer;
        const t = new Promise((r) => { timer = setTimeout(r, ms, 'timeout'); });
        const r = await Promise.race([exitPromise, t]);
        clearTimeout(timer);
        return r;
      };
      if (!exited) {
        child.kill('SIGTERM');
        if ((await waitExit(STOP_TIMEOUT_MS)) === 'timeout') {
          child.kill('SIGKILL');
          await waitExit(STOP_TIMEOUT_MS);
        }
      }
      if (!keep) removeTmp(tmp, db);
      assertNoSanitizerReport(stderrText, `liverec (pid ${child.pid})`);
      return exited;
    },
  };
  return server;
}

// Runs `liverec url` for a server's config, data dir and database (see server.signedUrl).
function mintUrl({ configPath, dataDir, databaseUrl, publicUrl }, key,
  { bucket = 'records', endpoint = 'local', expires, prefix = false } = {}) {
  const args = ['url', '--data-dir', dataDir, '--public-url', publicUrl, '--oss-endpoint', endpoint,
    '--bucket', bucket, prefix ? '--prefix' : '--key', key];
  if (configPath) args.push('--config', configPath);
  if (expires !== undefined) args.push('--expires', String(expires));
  const r = spawnSync(LIVEREC_BIN, args, {
    encoding: 'utf8', timeout: REQUEST_TIMEOUT_MS,
    env: cleanEnv(databaseUrl ? { LIVEREC_DATABASE_URL: databaseUrl } : {}),
  });
  if (r.status !== 0) throw new Error(`liverec ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

// The database of the server in `tmp`: {backend, dataDir, url, name}. PostgreSQL: made at the
// first start and named in <tmp>/test-database.json, so that a restart with opts.reuse finds it.
function serverDatabase(tmp, dataDir, shareOf) {
  if (shareOf && shareOf.backend !== 'postgres') {
    throw new Error('shareDatabaseOf: only servers on PostgreSQL share a database');
  }
  if (database.BACKEND === 'sqlite') return { backend: 'sqlite', dataDir };
  const file = path.join(tmp, 'test-database.json');
  if (fs.existsSync(file)) return Object.assign(JSON.parse(fs.readFileSync(file, 'utf8')), { dataDir });
  if (shareOf) {
    // No name: removeTmp drops only databases it names.
    fs.writeFileSync(file, JSON.stringify({ backend: 'postgres', url: shareOf.databaseUrl }));
    return { backend: 'postgres', dataDir, url: shareOf.databaseUrl };
  }
  const { name, url } = database.createDatabase();
  fs.writeFileSync(file, JSON.stringify({ backend: 'postgres', name, url }));
  return { backend: 'postgres', dataDir, name, url };
}

// Servers running per temp dir: a server restarted with opts.reuse runs on the temp dir (and the
// database) of one that has exited, whose stop() must then leave both to the running one.
const liveServers = new Map();

function release(tmp) {
  const n = liveServers.get(tmp) - 1;
  if (n > 0) liveServers.set(tmp, n);
  else liveServers.delete(tmp);
}

// Removes a server's temp dir and drops its PostgreSQL database, unless a server still runs on
// them (the last one's stop() removes them; a database left over goes when the process exits).
function removeTmp(tmp, db) {
  if (liveServers.has(tmp)) return;
  fs.rmSync(tmp, { recursive: true, force: true });
  if (db && db.name) database.dropDatabase(db.name);
}

// ---------------------------------------------------------------------------------------
// Percent-encoding and signers (independent of the SDKs).

// RFC 3986 ("POP") encoding: encodeURIComponent plus ! ' ( ) * escaped; ~ literal.
function pe(s) {
  return encodeURIComponent(String(s)).replace(/[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function byteCompare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function v1CanonicalQuery(params) {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .map((k) => [pe(k), pe(params[k])])
    .sort((x, y) => byteCompare(x[0], y[0]))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function v1StringToSign(method, params) {
  return `${method}&${pe('/')}&${pe(v1CanonicalQuery(params))}`;
}

function v1Signature(method, params, secret) {
  return crypto.createHmac('sha1', secret + '&').update(v1StringToSign(method, params), 'utf8').digest('base64');
}

function isoSeconds(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function nonce() {
  return crypto.randomBytes(16).toString('hex');
}

// Encodes a parameter map for the wire (query string or form body) with the POP rule.
function encodeParams(params) {
  return Object.keys(params).map((k) => `${pe(k)}=${pe(params[k])}`).join('&');
}

// Builds a V1-signed request.
//   action: Action parameter (omit with action: null)
//   params: business parameters (strings)
//   key: {id, secret}
//   method: 'GET' | 'POST' | ...
//   placement: 'query' (everything in the query), 'body' (everything in a form body),
//              'split' (common parameters in the query, business parameters in the body)
//   timestamp, nonce: override; pass null to leave them out
//   common: extra/overriding common parameters (e.g. {SignatureMethod: 'HMAC-SHA256'})
//   signedParams: sign this map instead of the one sent (to build mismatches)
//   signature: use this Signature value instead of computing one (null: send none)
//   headers: extra HTTP headers
//   bodyEncoder: function(params) -> string for the body (default encodeParams)
function buildV1(opts) {
  const {
    action = 'DescribeLiveRecordConfig', params = {}, key = DEFAULT_KEY, method = 'GET',
    placement = method === 'GET' ? 'query' : 'body', headers = {}, bodyEncoder = encodeParams,
  } = opts;
  const common = {};
  if (action !== null) common.Action = action;
  Object.assign(common, {
    Format: 'JSON',
    Version: VERSION,
    AccessKeyId: key.id,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
  });
  const ts = opts.timestamp === undefined ? isoSeconds(Date.now()) : opts.timestamp;
  if (ts !== null) common.Timestamp = ts;
  const n = opts.nonce === undefined ? nonce() : opts.nonce;
  if (n !== null) common.SignatureNonce = n;
  for (const [k, v] of Object.entries(opts.common || {})) {
    if (v === null) delete common[k];
    else common[k] = v;
  }
  const all = Object.assign({}, common, params);
  const stringToSign = v1StringToSign(method, opts.signedParams || all);
  let signature;
  if (opts.signature === undefined) {
    signature = crypto.createHmac('sha1', key.secret + '&').update(stringToSign, 'utf8').digest('base64');
  } else {
    signature = opts.signature;
  }
  let queryParams;
  let bodyParams;
  if (placement === 'query') {
    queryParams = Object.assign({}, all);
  } else if (placement === 'body') {
    bodyParams = Object.assign({}, all);
  } else if (placement === 'split') {
    queryParams = Object.assign({}, common);
    bodyParams = Object.assign({}, params);
  } else {
    throw new Error(`bad placement ${placement}`);
  }
  const target = bodyParams && placement === 'body' ? bodyParams : queryParams;
  if (signature !== null) target.Signature = signature;
  const req = {
    method,
    path: '/' + (queryParams ? '?' + encodeParams(queryParams) : ''),
    headers: Object.assign({}, headers),
    body: undefined,
    stringToSign,
    params: all,
  };
  if (bodyParams) {
    req.body = bodyEncoder(bodyParams);
    req.headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  return req;
}

// V3 (ACS3-HMAC-SHA256) request builder.
//   query: parameters for the query string; body: form body parameters (or a raw string)
//   date, nonce: override x-acs-date / x-acs-signature-nonce (null: leave out)
//   contentSha256: override the x-acs-content-sha256 header value
//   signedHeaderFilter: function(name) -> bool to drop names from SignedHeaders
//   hostForSigning: use this host value in the canonical request
function buildV3(opts) {
  const {
    action = 'DescribeLiveRecordConfig', query = {}, key = DEFAULT_KEY, method = 'POST', host,
  } = opts;
  let body = '';
  const headers = {
    host,
    'x-acs-action': action,
    'x-acs-version': VERSION,
  };
  if (action === null) delete headers['x-acs-action'];
  const date = opts.date === undefined ? isoSeconds(Date.now()) : opts.date;
  if (date !== null) headers['x-acs-date'] = date;
  const n = opts.nonce === undefined ? nonce() : opts.nonce;
  if (n !== null) headers['x-acs-signature-nonce'] = n;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : encodeParams(opts.body);
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const bodyHash = crypto.createHash('sha256').update(body, 'utf8').digest('hex');
  headers['x-acs-content-sha256'] = opts.contentSha256 === undefined ? bodyHash : opts.contentSha256;
  Object.assign(headers, opts.headers || {});

  const canonicalQuery = Object.keys(query).sort(byteCompare)
    .map((k) => `${k}=${pe(query[k])}`).join('&');
  const signHeaders = Object.assign({}, headers);
  if (opts.hostForSigning) signHeaders.host = opts.hostForSigning;
  let names = Object.keys(signHeaders).map((h) => h.toLowerCase())
    .filter((h) => h === 'host' || h === 'content-type' || h.startsWith('x-acs-'))
    .sort(byteCompare);
  if (opts.signedHeaderFilter) names = names.filter(opts.signedHeaderFilter);
  const canonicalHeaders = names.map((h) => `${h}:${String(signHeaders[h]).trim()}\n`).join('');
  const canonicalRequest = [method, '/', canonicalQuery, canonicalHeaders, names.join(';'),
    headers['x-acs-content-sha256']].join('\n');
  const stringToSign = 'ACS3-HMAC-SHA256\n' +
    crypto.createHash('sha256').update(canonicalRequest, 'utf8').digest('hex');
  const signature = crypto.createHmac('sha256', key.secret).update(stringToSign, 'utf8').digest('hex');
  headers.Authorization = opts.authorization !== undefined ? opts.authorization
    : `ACS3-HMAC-SHA256 Credential=${key.id},SignedHeaders=${names.join(';')},Signature=${signature}`;
  const qs = Object.keys(query).map((k) => `${pe(k)}=${pe(query[k])}`).join('&');
  return {
    method,
    path: '/' + (qs ? '?' + qs : ''),
    headers,
    body: opts.body === undefined ? undefined : body,
    canonicalRequest,
    stringToSign,
    signature,
  };
}

// Wraps a transport error with the server's state (crashed?) and the tail of its output.
function serverFailure(server, err) {
  const cause = err && err.cause ? ` (${err.cause.code || err.cause.message})` : '';
  const state = server.exited && server.exited()
    ? `the server has exited: ${JSON.stringify(server.exited())}` : 'the server is still running';
  const e = new Error(`${err.message}${cause}; ${state}; server output (tail):\n${server.output().slice(-2000)}`);
  e.cause = err;
  return e;
}

// Sends a request built by buildV1/buildV3 (or by hand) to the server. Returns
// {status, headers, text, json}.
async function send(server, req) {
  const headers = Object.assign({}, req.headers);
  delete headers.host; // fetch sets Host itself (127.0.0.1:PORT)
  let res;
  try {
    res = await fetch(server.endpoint + req.path, {
      method: req.method,
      headers,
      body: req.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw serverFailure(server, err);
  }
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

// V1-signed request, sent. Returns {status, headers, text, json, req}.
async function v1Call(server, opts) {
  const req = buildV1(opts);
  const res = await send(server, req);
  res.req = req;
  return res;
}

async function v3Call(server, opts) {
  const req = buildV3(Object.assign({ host: server.host }, opts));
  const res = await send(server, req);
  res.req = req;
  return res;
}

// ---------------------------------------------------------------------------------------
// SDK adapters: call(action, params) -> {status, body}; errors are thrown as SdkError
// {code, status, data}.

const PopCore = require('@alicloud/pop-core');
const OpenApi = require('@alicloud/openapi-client');
const Util = require('@alicloud/tea-util');

class SdkError extends Error {
  constructor(code, status, data, cause) {
    super(`${code} (HTTP ${status}): ${data && data.Message}`);
    this.code = code;
    this.status = status;
    this.data = data;
    this.cause = cause;
  }
}

function popClient(server, key, method) {
  const client = new PopCore({
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    endpoint: server.endpoint,
    apiVersion: VERSION,
  }, true /* verbose: returns [json, entry] so the HTTP status can be checked */);
  return {
    name: method ? `pop-core ${method}` : 'pop-core GET (default)',
    async call(action, params) {
      const opts = { timeout: REQUEST_TIMEOUT_MS };
      if (method) opts.method = method;
      try {
        const [json, entry] = await client.request(action, params, opts);
        // json-bigint builds null-prototype objects; normalise to plain JSON values.
        return { status: entry.response.statusCode, body: JSON.parse(JSON.stringify(json)) };
      } catch (err) {
        if (err.code && err.data) {
          throw new SdkError(err.code, err.entry && err.entry.response && err.entry.response.statusCode,
            JSON.parse(JSON.stringify(err.data)), err);
        }
        throw serverFailure(server, err);
      }
    },
  };
}

function openApiClient(server, key, signatureAlgorithm) {
  const cfg = {
    accessKeyId: key.id,
    accessKeySecret: key.secret,
    endpoint: server.host,
    protocol: 'HTTP',
    readTimeout: REQUEST_TIMEOUT_MS,
    connectTimeout: REQUEST_TIMEOUT_MS,
  };
  if (signatureAlgorithm) cfg.signatureAlgorithm = signatureAlgorithm;
  const client = new OpenApi.default(new OpenApi.Config(cfg));
  return {
    name: signatureAlgorithm ? `openapi-client ${signatureAlgorithm} (V1)` : 'openapi-client default (V3)',
    async call(action, params) {
      const p = new OpenApi.Params({
        action, version: VERSION, protocol: 'HTTP', pathname: '/', method: 'POST',
        authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
      });
      const query = {};
      for (const [k, v] of Object.entries(params)) query[k] = String(v);
      try {
        const res = await client.callApi(p, new OpenApi.OpenApiRequest({ query }), new Util.RuntimeOptions({}));
        return { status: res.statusCode, body: res.body };
      } catch (err) {
        if (err.code && err.data) {
          throw new SdkError(err.code, err.statusCode, err.data, err);
        }
        throw serverFailure(server, err);
      }
    },
  };
}

function allClients(server, key = DEFAULT_KEY) {
  return [
    popClient(server, key, undefined),
    popClient(server, key, 'POST'),
    openApiClient(server, key, undefined),
    openApiClient(server, key, 'v2'),
  ];
}

// The four SDK clients as [name, make(server, key = DEFAULT_KEY), slug] (the slug names each
// client's resources apart), for one test per client.
function clientVariants() {
  return [
    ['pop-core GET (default)', (s, k = DEFAULT_KEY) => popClient(s, k, undefined), 'popget'],
    ['pop-core POST', (s, k = DEFAULT_KEY) => popClient(s, k, 'POST'), 'poppost'],
    ['openapi-client default (V3)', (s, k = DEFAULT_KEY) => openApiClient(s, k, undefined), 'oav3'],
    ["openapi-client 'v2' (V1)", (s, k = DEFAULT_KEY) => openApiClient(s, k, 'v2'), 'oav1'],
  ];
}

// Calls and expects an SdkError; returns it.
async function expectSdkError(promise) {
  let res;
  try {
    res = await promise;
  } catch (err) {
    if (err instanceof SdkError) return err;
    throw err;
  }
  assert.fail(`expected an API error, got success: ${JSON.stringify(res && res.body)}`);
}

// ---------------------------------------------------------------------------------------
// Assertions.

const REQUEST_ID_RE = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function assertRequestId(id) {
  assert.equal(typeof id, 'string', `RequestId must be a string, got ${JSON.stringify(id)}`);
  assert.match(id, REQUEST_ID_RE, 'RequestId must be an upper-case UUID');
}

// Checks a JSON error body: all five fields, the code, and (when given) HostId.
function assertErrorBody(body, code, { host, messageIncludes, messageStartsWith } = {}) {
  assert.ok(body && typeof body === 'object', `error body must be a JSON object, got ${JSON.stringify(body)}`);
  assert.equal(body.Code, code, `Code (body: ${JSON.stringify(body)})`);
  assertRequestId(body.RequestId);
  assert.equal(typeof body.HostId, 'string', 'HostId');
  if (host !== undefined) assert.equal(body.HostId, host, 'HostId is the request Host header');
  assert.equal(typeof body.Message, 'string', 'Message');
  assert.ok(body.Message.length > 0, 'Message not empty');
  assert.equal(typeof body.Recommend, 'string', 'Recommend');
  assert.match(body.Recommend, /^https?:\/\/[^/]+\/docs\/errors#/,
    `Recommend points at the error catalogue liverec serves: ${body.Recommend}`);
  assert.ok(body.Recommend.endsWith(`#${code}`), `Recommend names the code: ${body.Recommend}`);
  if (messageStartsWith !== undefined) {
    assert.ok(body.Message.startsWith(messageStartsWith),
      `Message ${JSON.stringify(body.Message)} should start with ${JSON.stringify(messageStartsWith)}`);
  }
  if (messageIncludes) {
    for (const s of [].concat(messageIncludes)) {
      assert.ok(body.Message.includes(s), `Message ${JSON.stringify(body.Message)} should include ${JSON.stringify(s)}`);
    }
  }
}

// For raw responses.
function assertHttpError(res, status, code, opts = {}) {
  assert.equal(res.status, status, `HTTP status for ${code}; body: ${res.text}`);
  assert.ok(res.json, `error body must be JSON: ${res.text}`);
  assertErrorBody(res.json, code, opts);
}

// A success whose body is only {RequestId}.
function assertOnlyRequestId(res) {
  assert.equal(res.status, 200, 'HTTP 200');
  assertRequestId(res.body.RequestId);
  assert.deepEqual(Object.keys(res.body), ['RequestId'], `success body is just {RequestId}: ${JSON.stringify(res.body)}`);
}

// Calls `action` and expects the API error `code` with HTTP `status`; returns the error.
async function expectActionError(client, action, params, status, code, opts) {
  const err = await expectSdkError(client.call(action, params));
  assertSdkError(err, status, code, opts);
  return err;
}

// For SdkError.
function assertSdkError(err, status, code, opts = {}) {
  assert.ok(err instanceof SdkError, `expected SdkError, got ${err}`);
  assert.equal(err.code, code, `code; body: ${JSON.stringify(err.data)}`);
  assert.equal(err.status, status, `HTTP status for ${code}`);
  assertErrorBody(err.data, code, opts);
}

function assertTime(s, { aroundMs, toleranceMs = 5 * 60 * 1000 } = {}) {
  assert.equal(typeof s, 'string');
  assert.match(s, TIME_RE, `time ${JSON.stringify(s)} must be yyyy-MM-ddTHH:mm:ssZ`);
  if (aroundMs !== undefined) {
    const t = Date.parse(s);
    assert.ok(Math.abs(t - aroundMs) <= toleranceMs, `time ${s} should be near ${isoSeconds(aroundMs)}`);
  }
}

const DEFAULT_OBJECT_PREFIX = 'record/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}';
const DEFAULT_SLICE_PREFIX = 'record/{AppName}/{StreamName}/{UnixTimestamp}_{Sequence}';

// Expected effective RecordFormat entry with documented defaults filled in.
function effectiveFormat(f) {
  const format = f.Format.toLowerCase();
  return {
    Format: format,
    OssObjectPrefix: f.OssObjectPrefix !== undefined ? f.OssObjectPrefix : DEFAULT_OBJECT_PREFIX,
    SliceOssObjectPrefix: format === 'm3u8'
      ? (f.SliceOssObjectPrefix !== undefined ? f.SliceOssObjectPrefix : DEFAULT_SLICE_PREFIX) : '',
    CycleDuration: f.CycleDuration !== undefined ? Number(f.CycleDuration) : (format === 'm3u8' ? 21600 : 3600),
    SliceDuration: f.SliceDuration !== undefined ? Number(f.SliceDuration) : 30,
  };
}

// Flattens [{Format, ...}] into RecordFormat.N.* parameters.
function flattenFormats(list, prefix = 'RecordFormat') {
  const out = {};
  list.forEach((f, i) => {
    for (const [k, v] of Object.entries(f)) out[`${prefix}.${i + 1}.${k}`] = String(v);
  });
  return out;
}

function flattenList(list, prefix) {
  const out = {};
  list.forEach((v, i) => { out[`${prefix}.${i + 1}`] = String(v); });
  return out;
}

// Field-by-field check of one LiveAppRecord against an expectation.
//   exp: {DomainName, AppName, StreamName, OssEndpoint, OssBucket, OnDemond, DelayTime,
//         StartTime, EndTime, formats: [...], transcodeFormats: [...], templates: [...],
//         createdAround: ms, CreateTime: exact string}
function assertRecord(rec, exp) {
  const keys = ['DomainName', 'AppName', 'StreamName', 'OssEndpoint', 'OssBucket', 'CreateTime',
    'StartTime', 'EndTime', 'OnDemond', 'DelayTime', 'RecordFormatList', 'TranscodeRecordFormatList',
    'TranscodeTemplates'];
  for (const k of keys) assert.ok(Object.prototype.hasOwnProperty.call(rec, k), `LiveAppRecord has ${k}: ${JSON.stringify(rec)}`);
  assert.ok(!Object.prototype.hasOwnProperty.call(rec, 'OnDemand'), 'the wire name is OnDemond, not OnDemand');
  assert.equal(rec.DomainName, exp.DomainName, 'DomainName');
  assert.equal(rec.AppName, exp.AppName, 'AppName');
  assert.equal(rec.StreamName, exp.StreamName === undefined ? '' : exp.StreamName, 'StreamName');
  assert.equal(rec.OssEndpoint, exp.OssEndpoint === undefined ? 'local' : exp.OssEndpoint, 'OssEndpoint');
  assert.equal(rec.OssBucket, exp.OssBucket === undefined ? 'records' : exp.OssBucket, 'OssBucket');
  assertTime(rec.CreateTime, { aroundMs: exp.createdAround });
  if (exp.CreateTime !== undefined) assert.equal(rec.CreateTime, exp.CreateTime, 'CreateTime unchanged');
  assert.equal(rec.StartTime, exp.StartTime === undefined ? '' : exp.StartTime, 'StartTime');
  assert.equal(rec.EndTime, exp.EndTime === undefined ? '' : exp.EndTime, 'EndTime');
  assert.strictEqual(rec.OnDemond, exp.OnDemond === undefined ? 0 : exp.OnDemond, 'OnDemond');
  assert.strictEqual(rec.DelayTime, exp.DelayTime === undefined ? 180 : exp.DelayTime, 'DelayTime');
  assert.deepStrictEqual(rec.RecordFormatList, { RecordFormat: (exp.formats || []).map(effectiveFormat) },
    'RecordFormatList');
  assert.deepStrictEqual(rec.TranscodeRecordFormatList,
    { RecordFormat: (exp.transcodeFormats || []).map(effectiveFormat) }, 'TranscodeRecordFormatList');
  assert.deepStrictEqual(rec.TranscodeTemplates, { Templates: exp.templates || [] }, 'TranscodeTemplates');
}

// Checks the DescribeLiveRecordConfig envelope and returns the record list.
function assertDescribe(body, { PageNum = 1, PageSize = 10, Order = 'asc', TotalNum, count } = {}) {
  assertRequestId(body.RequestId);
  assert.strictEqual(body.PageNum, PageNum, 'PageNum');
  assert.strictEqual(body.PageSize, PageSize, 'PageSize');
  assert.strictEqual(body.Order, Order, 'Order');
  if (TotalNum !== undefined) {
    assert.strictEqual(body.TotalNum, TotalNum, 'TotalNum');
    assert.strictEqual(body.TotalPage, Math.ceil(TotalNum / PageSize), 'TotalPage');
  }
  assert.ok(body.LiveAppRecordList && typeof body.LiveAppRecordList === 'object', 'LiveAppRecordList object');
  const list = body.LiveAppRecordList.LiveAppRecord;
  assert.ok(Array.isArray(list), `LiveAppRecordList.LiveAppRecord must be an array: ${JSON.stringify(body.LiveAppRecordList)}`);
  if (count !== undefined) assert.equal(list.length, count, 'number of records on this page');
  return list;
}

// Signed bucket URLs (docs/object-keys.md "Private buckets and signed URLs"): a private local
// bucket's URL ends with ?auth_key=<expiry>-<rand>-0-<md5> (type-A token, expiry in Unix s).
const AUTH_KEY_RE = /^auth_key=(\d+)-([0-9a-f]+)-0-([0-9a-f]{32})$/;

// Asserts that `url` is exactly `base` plus one token (its only query) that expires within
// [now, now + lifetimeS + 60 s]; returns the expiry (Unix s).
function assertSignedUrl(url, base, { lifetimeS = 3600, what = 'URL' } = {}) {
  assert.equal(typeof url, 'string', `${what} is a string: ${JSON.stringify(url)}`);
  const q = url.indexOf('?');
  assert.ok(q > 0, `${what} ${url} carries a token`);
  assert.equal(url.slice(0, q), base, `${what} without its token`);
  const token = AUTH_KEY_RE.exec(url.slice(q + 1));
  assert.ok(token, `${what} ${url}: the query is auth_key=<expiry>-<rand>-0-<md5>`);
  const expiry = Number(token[1]);
  const now = Date.now() / 1000;
  assert.ok(expiry >= Math.floor(now) && expiry <= now + lifetimeS + 60,
    `${what} ${url}: expiry ${expiry} within [now, now + ${lifetimeS} s] (now ${Math.floor(now)})`);
  return expiry;
}

// `url` without its query (a token): URLs of one object handed out by different calls differ
// only there (each token has its own rand and expiry).
function unsignedUrl(url) {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

// A copy of a RecordInfo / RecordIndexInfo with RecordUrl unsigned, to compare two answers.
function unsignedInfo(info) {
  return Object.assign({}, info, { RecordUrl: unsignedUrl(info.RecordUrl) });
}

// A playlist served through a token is the stored one with a token on each segment URI
// (`uri?auth_key=...`, or `&auth_key=` after a query): asserts exactly that, line by line, and
// returns the served segment URIs in order.
function assertSignedPlaylist(served, stored, what = 'served playlist') {
  const got = served.split('\n');
  const want = stored.split('\n');
  assert.equal(got.length, want.length, `${what}: as many lines as stored:\n${served}\n--- stored:\n${stored}`);
  const uris = [];
  for (const [i, line] of want.entries()) {
    if (line === '' || line.startsWith('#')) {
      assert.equal(got[i], line, `${what}, line ${i + 1}`);
      continue;
    }
    const sep = line.includes('?') ? '&' : '?';
    assert.ok(got[i].startsWith(line + sep), `${what}, line ${i + 1}: ${got[i]} is ${line}${sep}<token>`);
    assert.match(got[i].slice(line.length + 1), AUTH_KEY_RE, `${what}, line ${i + 1}: the token`);
    uris.push(got[i]);
  }
  return uris;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

module.exports = {
  assertOnlyRequestId, expectActionError,
  REPO, LIVEREC_BIN, VERSION, DEFAULT_KEY, TENANT_B_KEY, TENANT_B_DISABLED_KEY, CONFIG_TOML,
  DEFAULT_OBJECT_PREFIX, DEFAULT_SLICE_PREFIX, REQUEST_ID_RE, TIME_RE,
  cleanEnv, startServer, mintUrl, assertNoSanitizerReport, BACKEND: database.BACKEND,
  pe, v1CanonicalQuery, v1StringToSign, v1Signature, isoSeconds, nonce, encodeParams,
  buildV1, buildV3, send, v1Call, v3Call,
  SdkError, popClient, openApiClient, allClients, clientVariants, expectSdkError,
  assertRequestId, assertErrorBody, assertHttpError, assertSdkError, assertTime,
  effectiveFormat, flattenFormats, flattenList, assertRecord, assertDescribe, sleep,
  AUTH_KEY_RE, assertSignedUrl, unsignedUrl, unsignedInfo, assertSignedPlaylist,
};
