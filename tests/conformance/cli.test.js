'use strict';
// `liverec call`: the bundled CLI signs a request, prints the JSON response and reports API
// errors with a non-zero exit status. Contract: docs/api/README.md ("Pointing SDKs at
// liverec") and the examples in docs/api/record-configs.md.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const h = require('./harness');

let server;
before(async () => { server = await h.startServer(); });
after(async () => { if (server) await server.stop(); });

function run(args) {
  return new Promise((resolve) => {
    execFile(h.LIVEREC_BIN, args, { env: h.cleanEnv(), timeout: 15000, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, signal: err && err.signal, stdout, stderr });
    });
  });
}

function withKey(action, ...params) {
  return ['call', '--endpoint', server.endpoint, '--access-key-id', h.DEFAULT_KEY.id,
    '--access-key-secret', h.DEFAULT_KEY.secret, action, ...params];
}

function withDataDir(action, ...params) {
  return ['call', '--endpoint', server.endpoint, '--data-dir', server.dataDir, action, ...params];
}

function okJson(r) {
  assert.equal(r.code, 0, `exit status 0 expected; stdout: ${r.stdout}\nstderr: ${r.stderr}`);
  let body;
  try {
    body = JSON.parse(r.stdout);
  } catch (e) {
    assert.fail(`stdout is not JSON: ${r.stdout}`);
  }
  h.assertRequestId(body.RequestId);
  return body;
}

function failsWith(r, code) {
  assert.notEqual(r.code, 0, `non-zero exit expected; stdout: ${r.stdout}`);
  assert.ok((r.stdout + r.stderr).includes(code), `output should name ${code}; stdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

async function sdkDescribe(params) {
  const c = h.popClient(server, h.DEFAULT_KEY, undefined);
  const res = await c.call('DescribeLiveRecordConfig', params);
  return res.body;
}

describe('liverec call', () => {
  it('DescribeLiveRecordConfig with explicit endpoint and key prints the JSON response', async () => {
    const body = okJson(await run(withKey('DescribeLiveRecordConfig', 'DomainName=example.com')));
    h.assertDescribe(body, { PageNum: 1, PageSize: 10, Order: 'asc', TotalNum: 0, count: 0 });
    assert.strictEqual(body.TotalPage, 0);
  });

  it('Add / Update / Describe / Delete as in the documentation examples', async () => {
    const t0 = Date.now();
    let body = okJson(await run(withKey('AddLiveAppRecordConfig', 'DomainName=cli.example.com', 'AppName=live',
      'StreamName=*', 'OssEndpoint=local', 'OssBucket=records', 'RecordFormat.1.Format=m3u8', 'RecordFormat.2.Format=mp4')));
    assert.deepEqual(Object.keys(body), ['RequestId']);
    okJson(await run(withKey('UpdateLiveAppRecordConfig', 'DomainName=cli.example.com', 'AppName=live', 'StreamName=*',
      'OssEndpoint=local', 'DelayTime=300')));

    body = okJson(await run(withKey('DescribeLiveRecordConfig', 'DomainName=cli.example.com', 'PageSize=5')));
    const list = h.assertDescribe(body, { PageSize: 5, TotalNum: 1, count: 1 });
    h.assertRecord(list[0], {
      DomainName: 'cli.example.com', AppName: 'live', StreamName: '*', DelayTime: 300, createdAround: t0,
      formats: [{ Format: 'm3u8' }, { Format: 'mp4' }],
    });
    // The SDK sees the same thing.
    const viaSdk = h.assertDescribe(await sdkDescribe({ DomainName: 'cli.example.com' }), { TotalNum: 1, count: 1 });
    assert.deepEqual(viaSdk[0], list[0]);

    okJson(await run(withKey('DeleteLiveAppRecordConfig', 'DomainName=cli.example.com', 'AppName=live', 'StreamName=*')));
    h.assertDescribe(await sdkDescribe({ DomainName: 'cli.example.com' }), { TotalNum: 0, count: 0 });
    failsWith(await run(withKey('DeleteLiveAppRecordConfig', 'DomainName=cli.example.com', 'AppName=live', 'StreamName=*')),
      'InvalidConfig.NotFound');
  });

  it('values with spaces, *, ~, non-ASCII, + and = are passed unchanged', async () => {
    const prefix = 'record/{AppName}/a b*~直播+x=y/{EscapedStartTime}_{EscapedEndTime}';
    okJson(await run(withKey('AddLiveAppRecordConfig', 'DomainName=cli2.example.com', 'AppName=live',
      'OssEndpoint=local', 'OssBucket=records', 'RecordFormat.1.Format=flv', `RecordFormat.1.OssObjectPrefix=${prefix}`)));
    const list = h.assertDescribe(await sdkDescribe({ DomainName: 'cli2.example.com' }), { TotalNum: 1, count: 1 });
    assert.equal(list[0].RecordFormatList.RecordFormat[0].OssObjectPrefix, prefix);
  });

  it('an unknown action exits non-zero and prints InvalidAction.NotFound', async () => {
    failsWith(await run(withKey('DescribeLiveNoSuchThing', 'DomainName=example.com')), 'InvalidAction.NotFound');
  });

  it('a missing DomainName exits non-zero and prints MissingDomainName', async () => {
    failsWith(await run(withKey('DescribeLiveRecordConfig')), 'MissingDomainName');
  });

  it('a wrong secret exits non-zero and prints SignatureDoesNotMatch', async () => {
    const args = ['call', '--endpoint', server.endpoint, '--access-key-id', h.DEFAULT_KEY.id,
      '--access-key-secret', 'not-the-secret', 'DescribeLiveRecordConfig', 'DomainName=example.com'];
    failsWith(await run(args), 'SignatureDoesNotMatch');
  });

  it("--data-dir without key flags signs with the data directory's key", async () => {
    const body = okJson(await run(withDataDir('DescribeLiveRecordConfig', 'DomainName=example.com')));
    h.assertDescribe(body, { TotalNum: 0, count: 0 });
    // And writes as the default account (visible through the SDK with LIVEREC_ACCESS_KEY_ID).
    okJson(await run(withDataDir('AddLiveAppRecordConfig', 'DomainName=cli3.example.com', 'AppName=live',
      'OssEndpoint=local', 'OssBucket=records', 'RecordFormat.1.Format=mp4')));
    const list = h.assertDescribe(await sdkDescribe({ DomainName: 'cli3.example.com' }), { TotalNum: 1, count: 1 });
    assert.equal(list[0].AppName, 'live');
    failsWith(await run(withDataDir('DescribeLiveRecordConfig')), 'MissingDomainName');
  });
});
