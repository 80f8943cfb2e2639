'use strict';
// `liverec db copy` end to end (docs/operations.md "Moving to PostgreSQL"): a server on SQLite
// records two streams (slices, m3u8 cycles), makes an index file, sends callbacks (one domain's
// delivered, the other's still pending because its receiver answers 503), and holds relay tasks;
// it is stopped, its database copied into a new database of the throwaway PostgreSQL cluster, and
// a server started on the copy (same data dir for the buckets, [database] url) answers the same
// API calls with the same bodies, serves the index file, and delivers the pending callbacks once
// their receiver accepts. The cluster is the CTest fixture `postgres` (LIVEREC_TEST_POSTGRES_DIR,
// or LIVEREC_TEST_POSTGRES_URL by hand); without one the test fails.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');
const { startReceiver } = require('./receiver.js');

const DOMAIN_A = 'copy-a.example.com'; // callbacks delivered
const DOMAIN_B = 'copy-b.example.com'; // callbacks pending (receiver answers 503)
const REGION = 'cn-shanghai';
const HOUR_MS = 3600 * 1000;

// The PostgreSQL server of the tests: its URL, from the fixture's directory or the environment.
function postgresUrl() {
  if (process.env.LIVEREC_TEST_POSTGRES_URL) return process.env.LIVEREC_TEST_POSTGRES_URL;
  const dir = process.env.LIVEREC_TEST_POSTGRES_DIR;
  assert.ok(dir, 'no PostgreSQL for this test: run it through ctest (fixture `postgres`) or set ' +
    'LIVEREC_TEST_POSTGRES_URL (scripts/test-postgres.sh start /tmp/liverec-pg prints one)');
  const file = path.join(dir, 'url');
  assert.ok(fs.existsSync(file), `no PostgreSQL for this test: ${file} is missing (cluster not started)`);
  return fs.readFileSync(file, 'utf8').trim();
}

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql],
    { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 0, `psql ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function dbCopy(args) {
  return spawnSync(process.env.LIVEREC_BIN || path.join(__dirname, '..', '..', 'build', 'apps', 'liverec', 'liverec'),
    ['db', 'copy', ...args], { encoding: 'utf8', timeout: 120000 });
}

// A callback receiver that answers 503 until `accept` is set, counting the requests.
function startFlakyReceiver() {
  const state = { accept: false, attempts: 0, accepted: [] };
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      state.attempts++;
      if (state.accept) state.accepted.push(req.headers['x-liverec-event-kind']);
      res.writeHead(state.accept ? 200 : 503);
      res.end(state.accept ? 'ok' : 'busy');
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(Object.assign(state, {
    srv, url: `http://127.0.0.1:${srv.address().port}/hooks`,
  }))));
}

const withoutRequestId = (body) => {
  const copy = Object.assign({}, body);
  delete copy.RequestId;
  return copy;
};

describe('db copy: a SQLite installation moved to PostgreSQL answers as before', () => {
  let server;
  let adminUrl;
  let dbName;
  let copyUrl;
  let receiver;
  let flaky;
  let calls; // [action, params]
  const before_ = {}; // action#i -> body without RequestId
  const beforeRaw = {}; // action#i -> the same, as answered (host and tokens as they were)
  let copyRun;
  let secondRun;

  // The bodies of every call, with the server's address (in RecordUrl: its port changes at the
  // restart) written as HOST, and the token of each signed RecordUrl (new at every call: its own
  // rand and expiry) as TOKEN. `raw` gets the bodies as answered.
  const answers = async (client, raw = {}) => {
    const out = {};
    for (const [i, [action, params]] of calls.entries()) {
      const body = withoutRequestId((await client.call(action, params)).body);
      raw[`${action}#${i}`] = body;
      out[`${action}#${i}`] = JSON.parse(JSON.stringify(body).replaceAll(server.host, 'HOST')
        .replace(/\?auth_key=\d+-[0-9a-f]+-0-[0-9a-f]{32}"/g, '?auth_key=TOKEN"'));
    }
    return out;
  };

  before(async () => {
    adminUrl = postgresUrl();
    dbName = `liverec_dbcopy_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
    psql(adminUrl, `CREATE DATABASE ${dbName}`);
    copyUrl = withDatabase(adminUrl, dbName);
    receiver = await startReceiver('/hooks-a');
    flaky = await startFlakyReceiver();
    const flv = m.makeTestFlv(6);
    server = await h.startServer({ extraToml: `${m.TESTING}

[relay]
allow_private_addresses = true

${m.FAST_CALLBACKS}` });
    const api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    for (const [domain, url] of [[DOMAIN_A, receiver.url], [DOMAIN_B, flaky.url]]) {
      await api.call('AddLiveRecordNotifyConfig', { DomainName: domain, NotifyUrl: url, NeedStatusNotify: 'true' });
      await api.call('AddLiveAppRecordConfig', { DomainName: domain, AppName: 'live', StreamName: '*',
        OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1, 'RecordFormat.1.Format': 'm3u8',
        'RecordFormat.1.SliceDuration': 2 });
    }
    const start = Date.now();
    for (const domain of [DOMAIN_A, DOMAIN_B]) {
      const pushed = await m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=${domain}`).done;
      assert.equal(pushed.code, 0, `push to ${domain}: ${pushed.stderr}`);
    }
    // Every cycle closed, the spool empty, A's callbacks delivered; B's wait for their receiver.
    await m.waitFor('both recordings finished and A\'s callbacks delivered', () => {
      const hand = m.inHand(server);
      const [{ a, b }] = m.dbRows(server, 'SELECT ' +
        `(SELECT COUNT(*) FROM callback_outbox WHERE domain_name = '${DOMAIN_A}' AND state = 'pending') AS a, ` +
        `(SELECT COUNT(*) FROM callback_outbox WHERE domain_name = '${DOMAIN_B}' AND state = 'pending') AS b`);
      return hand.cycles === 0 && hand.spooled.length === 0 && a === 0 && b >= 2 && flaky.attempts >= 2;
    }, 30000, 100);
    const window = { StartTime: h.isoSeconds(start - 60000), EndTime: h.isoSeconds(Date.now() + 60000) };
    const index = await api.call('CreateLiveStreamRecordIndexFiles', Object.assign({ DomainName: DOMAIN_A,
      AppName: 'live', StreamName: 's1', OssEndpoint: 'local', OssBucket: 'records',
      OssObject: 'index/{StreamName}.m3u8' }, window));
    const recordId = index.body.RecordInfo.RecordId;
    const tasks = [];
    for (const n of [1, 2]) {
      const res = await api.call('CreateLivePullToPush', { Region: REGION, TaskName: `copy-${n}`,
        StartTime: h.isoSeconds(Date.now() + HOUR_MS), EndTime: h.isoSeconds(Date.now() + 2 * HOUR_MS),
        SourceType: 'live', SourceProtocol: 'rtmp', SourceUrls: JSON.stringify([`rtmp://127.0.0.1:1/src/s${n}`]),
        DstUrl: `rtmp://127.0.0.1:2/dst/s${n}`, CallbackUrl: receiver.url, RetryCount: 2 });
      tasks.push(res.body.TaskId);
    }
    await api.call('StopLivePullToPush', { Region: REGION, TaskId: tasks[1] });

    calls = [];
    for (const domain of [DOMAIN_A, DOMAIN_B]) {
      const stream = Object.assign({ DomainName: domain, AppName: 'live', StreamName: 's1' }, window);
      calls.push(['DescribeLiveStreamRecordContent', stream]);
      calls.push(['DescribeLiveStreamRecordIndexFiles', Object.assign({ PageSize: 30 }, stream)]);
      calls.push(['DescribeLiveRecordConfig', { DomainName: domain }]);
      calls.push(['DescribeLiveRecordNotifyConfig', { DomainName: domain }]);
    }
    calls.push(['DescribeLiveStreamRecordIndexFile', { DomainName: DOMAIN_A, AppName: 'live', StreamName: 's1',
      RecordId: recordId }]);
    calls.push(['DescribeLiveRecordNotifyRecords', Object.assign({ DomainName: DOMAIN_A, PageSize: 100 }, window)]);
    calls.push(['DescribeLivePullToPushList', { Region: REGION, PageSize: 100 }]);
    for (const TaskId of tasks) calls.push(['DescribeLivePullToPush', { Region: REGION, TaskId }]);
    calls.push(['DescribeLiveStreamsOnlineList', { DomainName: DOMAIN_A }]);
    Object.assign(before_, await answers(api, beforeRaw));

    // While the server runs, the copy refuses: the source would change under it.
    const refused = dbCopy(['--from', server.dataDir, '--to', copyUrl]);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /a server is running on the source: .*liverec\.lock/);

    await server.stop({ keep: true });
    copyRun = dbCopy(['--from', server.dataDir, '--to', copyUrl, '--batch-rows', '2']);
    assert.equal(copyRun.status, 0, `db copy failed:\n${copyRun.stdout}\n${copyRun.stderr}`);
    secondRun = dbCopy(['--from', server.dataDir, '--to', copyUrl]);
    // The SQLite file goes away, so a server that ignored [database] url would start empty.
    fs.renameSync(path.join(server.dataDir, 'liverec.db'), path.join(server.dataDir, 'liverec.db.moved'));
    fs.appendFileSync(server.configPath, `\n[database]\nurl = "${copyUrl}"\n`);
    server = await h.startServer({ reuse: server.tmp });
  });

  after(async () => {
    if (server) await server.stop();
    if (receiver) receiver.srv.close();
    if (flaky) flaky.srv.close();
    if (adminUrl && dbName) psql(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });

  it('copies every table, prints the counts and progress, and a second run refuses', () => {
    const counts = Object.fromEntries(copyRun.stdout.trim().split('\n').slice(1)
      .map((line) => line.trim().split(/\s+/)).map(([t, s, d]) => [t, [Number(s), Number(d)]]));
    for (const table of ['accounts', 'streams', 'slices', 'record_cycles', 'index_files', 'callback_outbox',
      'notify_configs', 'record_configs', 'relay_tasks', 'bucket_url_keys']) {
      assert.ok(counts[table], `${table} in the counts:\n${copyRun.stdout}`);
      assert.ok(counts[table][0] > 0, `${table} has rows`);
      assert.equal(counts[table][0], counts[table][1], `${table} copied`);
    }
    assert.ok(counts.slices[0] >= 4, 'two streams of 6 s in 2 s slices');
    assert.doesNotMatch(copyRun.stdout, /MISMATCH/);
    assert.match(copyRun.stderr, /slices: \d+ rows copied, \d+ rows\/s/);
    assert.match(copyRun.stderr, /copy verified/);
    assert.equal(psql(copyUrl, 'SELECT COUNT(*) FROM slices'), String(counts.slices[0]));
    assert.equal(secondRun.status, 1, secondRun.stderr);
    assert.match(secondRun.stderr, /the target database is not empty/);
  });

  it('the server on the copy runs on PostgreSQL and answers every call as before', async () => {
    assert.match(server.output(), /PostgreSQL postgresql:\/\/[^:]+:\*\*\*@/);
    const api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const after_ = await answers(api);
    assert.deepEqual(after_, before_);
    // The RecordUrls compared were signed (each call signs anew), before and after.
    const signedUrls = JSON.stringify(before_).split('?auth_key=TOKEN"').length - 1;
    assert.ok(signedUrls >= 3, `signed RecordUrls compared: ${signedUrls}`);
    assert.equal(JSON.stringify(after_).split('?auth_key=TOKEN"').length - 1, signedUrls);
    // Nothing empty was compared: each stream has content, index files and configs.
    for (const [key, body] of Object.entries(before_)) {
      if (key.startsWith('DescribeLiveStreamRecordContent')) {
        assert.ok(body.RecordContentInfoList.RecordContentInfo.length >= 1, key);
      }
      if (key.startsWith('DescribeLiveStreamRecordIndexFiles')) assert.ok(body.TotalNum >= 1, key);
      if (key.startsWith('DescribeLivePullToPushList')) assert.equal(body.TaskList.length, 2, key);
      if (key.startsWith('DescribeLiveRecordNotifyRecords')) assert.ok(body.TotalNum >= 2, key);
    }
  });

  it('serves the index file made before the copy, to the URL handed out before it too', async () => {
    const key = Object.keys(before_).find((k) => k.startsWith('DescribeLiveStreamRecordIndexFile#'));
    // The URL handed out before the copy, at the server's new address: its token still holds (the
    // bucket's URL key was copied with the rest); and a URL handed out now.
    const old = new URL(beforeRaw[key].RecordIndexInfo.RecordUrl);
    old.host = server.host;
    const api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const [action, params] = calls[Number(key.split('#')[1])];
    const fresh = (await api.call(action, params)).body.RecordIndexInfo.RecordUrl;
    for (const url of [old.href, fresh]) {
      h.assertSignedUrl(url, `${server.endpoint}/records/index/s1.m3u8`, { what: 'RecordUrl' });
      const res = await fetch(url, { signal: AbortSignal.timeout(10000) });
      assert.equal(res.status, 200, url);
      assert.match(await res.text(), /^#EXTM3U\n[\s\S]*#EXT-X-ENDLIST/);
    }
  });

  it('delivers the callbacks that were pending at the copy once their receiver accepts', async () => {
    flaky.accept = true;
    // Delivered in no set order: wait for the file's callback itself, not for any two (a full
    // run once saw record_started and record_paused arrive first, before file_created).
    await m.waitFor('B\'s pending callbacks delivered from the copy',
      () => flaky.accepted.length >= 2 && flaky.accepted.includes('file_created'), 20000, 100);
    await m.waitFor('no pending callbacks left on PostgreSQL',
      () => psql(copyUrl, "SELECT COUNT(*) FROM callback_outbox WHERE state = 'pending'") === '0', 20000, 200);
  });
});
