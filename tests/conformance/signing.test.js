'use strict';
// Request signing (V1 HMAC-SHA1 and V3 ACS3-HMAC-SHA256), replay protection, parameter
// transport and encoding, common errors and response formats.
// Contract: docs/api/README.md (Requests, Signatures, Responses, Errors).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const querystring = require('node:querystring');
const h = require('./harness');

let server;
before(async () => { server = await h.startServer(); });
after(async () => { if (server) await server.stop(); });

const MIN = 60 * 1000;

function assertJsonSuccess(res) {
  assert.equal(res.status, 200, `HTTP 200 expected; body: ${res.text}`);
  const ct = (res.headers.get('content-type') || '').toLowerCase().replace(/\s+/g, '');
  assert.ok(ct.startsWith('application/json'), `content-type ${ct}`);
  assert.ok(ct.includes('charset=utf-8'), `content-type ${ct} declares utf-8`);
  assert.ok(res.json, 'JSON body');
  h.assertRequestId(res.json.RequestId);
  return res.json;
}

function describeOk(res, total) {
  const body = assertJsonSuccess(res);
  return h.assertDescribe(body, { TotalNum: total });
}

// ---------------------------------------------------------------------------------------
describe('the test signers reproduce the published vectors', () => {
  const v1 = {
    AccessKeyId: 'testAccessKeyId', Action: 'DescribeLiveRecordConfig', DomainName: 'live.example.com',
    AppName: 'live', Format: 'JSON', RegionId: 'cn-shanghai', SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', SignatureVersion: '1.0',
    Timestamp: '2026-01-01T00:00:00Z', Version: '2016-11-01',
  };
  it('V1 GET and POST', () => {
    assert.equal(h.v1Signature('GET', v1, 'testAccessKeySecret'), '13IKg1Klw3KkFWI548qCRBqoNyQ=');
    assert.equal(h.v1Signature('POST', v1, 'testAccessKeySecret'), '6KscibUvCysDeUES3WqtMjfg2Hc=');
  });
  it('V1 official ECS vector', () => {
    const p = {
      AccessKeyId: 'testid', Action: 'DescribeRegions', Format: 'XML', SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf', SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z', Version: '2014-05-26',
    };
    assert.equal(h.v1StringToSign('GET', p), 'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26');
    assert.equal(h.v1Signature('GET', p, 'testsecret'), 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
  it('V3 vector', () => {
    const r = h.buildV3({
      host: 'live.aliyuncs.com', query: { RegionId: 'cn-shanghai', DomainName: 'live.example.com', AppName: 'live' },
      key: { id: 'testAccessKeyId', secret: 'testAccessKeySecret' }, date: '2026-01-01T00:00:00Z',
      nonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    });
    assert.equal(r.headers.Authorization, 'ACS3-HMAC-SHA256 Credential=testAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=c06a77526332d01a1c7a2f7686b62afb96d4f549ba6b1d14333983774214b29f');
  });
  it('pe() is RFC 3986', () => {
    assert.equal(h.pe("a b*~直+!'()/:"), "a%20b%2A~%E7%9B%B4%2B%21%27%28%29%2F%3A");
  });
});

// ---------------------------------------------------------------------------------------
describe('V1 transport variants', () => {
  before(async () => {
    const res = await h.v1Call(server, {
      action: 'AddLiveAppRecordConfig', method: 'POST',
      params: { DomainName: 'transport.example.com', AppName: 'live', OssEndpoint: 'local', OssBucket: 'records', 'RecordFormat.1.Format': 'flv' },
    });
    assertJsonSuccess(res);
  });

  it('GET with everything in the query', async () => {
    const res = await h.v1Call(server, { method: 'GET', params: { DomainName: 'transport.example.com' } });
    describeOk(res, 1);
  });
  it('POST with everything in a form body', async () => {
    const res = await h.v1Call(server, { method: 'POST', placement: 'body', params: { DomainName: 'transport.example.com' } });
    describeOk(res, 1);
  });
  it('POST with everything in the query and an empty body (openapi-client v2 style)', async () => {
    const res = await h.v1Call(server, { method: 'POST', placement: 'query', params: { DomainName: 'transport.example.com' } });
    describeOk(res, 1);
  });
  it('POST with common parameters in the query and business parameters in the body', async () => {
    const res = await h.v1Call(server, { method: 'POST', placement: 'split', params: { DomainName: 'transport.example.com' } });
    describeOk(res, 1);
  });
  it('Action and Version from the x-acs-action / x-acs-version headers', async () => {
    const res = await h.v1Call(server, {
      action: null, common: { Version: null }, params: { DomainName: 'transport.example.com' },
      headers: { 'x-acs-action': 'DescribeLiveRecordConfig', 'x-acs-version': '2016-11-01' },
    });
    describeOk(res, 1);
  });
  it('Format=json in lower case and Format absent both answer JSON', async () => {
    for (const fmt of ['json', null]) {
      const res = await h.v1Call(server, { common: { Format: fmt }, params: { DomainName: 'transport.example.com' } });
      describeOk(res, 1);
    }
  });
  it('a name given in the query and in the body: the body wins', async () => {
    // Signed over the merged parameters (the body value wins); the query copy is extra.
    let req = h.buildV1({ method: 'POST', placement: 'split', params: { DomainName: 'transport.example.com', AppName: 'live' } });
    req.path += '&AppName=nothing';
    h.assertDescribe(assertJsonSuccess(await h.send(server, req)), { TotalNum: 1, count: 1 });
    req = h.buildV1({ method: 'POST', placement: 'split', params: { DomainName: 'transport.example.com', AppName: 'nothing' } });
    req.path += '&AppName=live';
    h.assertDescribe(assertJsonSuccess(await h.send(server, req)), { TotalNum: 0, count: 0 });
  });
  it('every response has a fresh RequestId', async () => {
    const ids = new Set();
    for (let i = 0; i < 5; i++) {
      const res = await h.v1Call(server, { params: { DomainName: 'transport.example.com' } });
      ids.add(assertJsonSuccess(res).RequestId);
    }
    assert.equal(ids.size, 5);
  });
});

// ---------------------------------------------------------------------------------------
describe('percent-encoding round trips', () => {
  const ODD = 'record/{AppName}/a b*~直播+x/{EscapedStartTime}_{EscapedEndTime}';
  const ODD2 = "record/{AppName}/q!'()*~ %2B+é/{StartTime}_{EndTime}";

  async function addAndCheck(domain, app, sendFn, prefix) {
    const res = await sendFn({
      DomainName: domain, AppName: app, OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.OssObjectPrefix': prefix,
    });
    assertJsonSuccess(res);
    const d = await h.v1Call(server, { params: { DomainName: domain, AppName: app } });
    const list = describeOk(d, 1);
    assert.equal(list[0].RecordFormatList.RecordFormat[0].OssObjectPrefix, prefix, 'prefix unchanged');
  }

  it('V1 POST form body, RFC 3986 encoded (space %20, + %2B, * %2A, ~ literal, UTF-8)', async () => {
    await addAndCheck('enc.example.com', 'a1',
      (params) => h.v1Call(server, { action: 'AddLiveAppRecordConfig', method: 'POST', placement: 'body', params }), ODD);
  });
  it('V1 POST form body, WHATWG form encoded (space +, * literal, ~ %7E)', async () => {
    const enc = (p) => new URLSearchParams(p).toString();
    const probe = enc({ x: 'a b*~' });
    assert.equal(probe, 'x=a+b*%7E'); // what this encoder does
    await addAndCheck('enc.example.com', 'a2',
      (params) => h.v1Call(server, { action: 'AddLiveAppRecordConfig', method: 'POST', placement: 'body', params, bodyEncoder: enc }), ODD);
  });
  it('V1 GET query with the same characters', async () => {
    await addAndCheck('enc.example.com', 'a3',
      (params) => h.v1Call(server, { action: 'AddLiveAppRecordConfig', method: 'GET', params }), ODD);
  });
  it("V1 POST body with ! ' ( ) * left unescaped on the wire and a literal %2B", async () => {
    const enc = (p) => querystring.stringify(p); // leaves !'()* as they are
    await addAndCheck('enc.example.com', 'a4',
      (params) => h.v1Call(server, { action: 'AddLiveAppRecordConfig', method: 'POST', placement: 'body', params, bodyEncoder: enc }), ODD2);
  });
  it("V3 query with ! ' ( ) * left unescaped on the wire (as the tea HTTP layer sends it)", async () => {
    await addAndCheck('enc.example.com', 'a5', async (params) => {
      const req = h.buildV3({ host: server.host, action: 'AddLiveAppRecordConfig', query: params });
      req.path = '/?' + querystring.stringify(params);
      return h.send(server, req);
    }, ODD2);
  });
  it('V3 parameters in a form body', async () => {
    await addAndCheck('enc.example.com', 'a6', (params) => h.v3Call(server, { action: 'AddLiveAppRecordConfig', body: params }), ODD);
  });
  it('the SDKs round-trip the same characters', async () => {
    let i = 0;
    for (const c of h.allClients(server)) {
      const app = `sdk${i++}`;
      for (const prefix of [ODD, ODD2]) {
        const stream = prefix === ODD ? 's1' : 's2';
        const res = await c.call('AddLiveAppRecordConfig', {
          DomainName: 'enc.example.com', AppName: app, StreamName: stream, OssEndpoint: 'local', OssBucket: 'records',
          'RecordFormat.1.Format': 'flv', 'RecordFormat.1.OssObjectPrefix': prefix,
        });
        assert.equal(res.status, 200, c.name);
        const d = await c.call('DescribeLiveRecordConfig', { DomainName: 'enc.example.com', AppName: app, StreamName: stream });
        const list = h.assertDescribe(d.body, { TotalNum: 1, count: 1 });
        assert.equal(list[0].RecordFormatList.RecordFormat[0].OssObjectPrefix, prefix, `${c.name}: prefix unchanged`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('signature errors', () => {
  const WRONG = (key) => ({ id: key.id, secret: key.secret + 'x' });

  it('wrong secret through every SDK client: SignatureDoesNotMatch (400)', async () => {
    for (const c of h.allClients(server, WRONG(h.DEFAULT_KEY))) {
      const err = await h.expectSdkError(c.call('DescribeLiveRecordConfig', { DomainName: 'example.com' }));
      h.assertSdkError(err, 400, 'SignatureDoesNotMatch', {
        host: server.host, messageStartsWith: 'Specified signature is not matched with our calculation.',
      });
    }
  });
  it('unknown AccessKeyId through every SDK client: InvalidAccessKeyId.NotFound (404)', async () => {
    for (const c of h.allClients(server, { id: 'NoSuchKeyId0000000000001', secret: 'whatever' })) {
      const err = await h.expectSdkError(c.call('DescribeLiveRecordConfig', { DomainName: 'example.com' }));
      h.assertSdkError(err, 404, 'InvalidAccessKeyId.NotFound', { host: server.host });
    }
  });
  it('disabled key, raw V1 and V3: InvalidAccessKeyId.Inactive (400)', async () => {
    let res = await h.v1Call(server, { key: h.TENANT_B_DISABLED_KEY, params: { DomainName: 'b.example.com' } });
    h.assertHttpError(res, 400, 'InvalidAccessKeyId.Inactive');
    res = await h.v3Call(server, { key: h.TENANT_B_DISABLED_KEY, query: { DomainName: 'b.example.com' } });
    h.assertHttpError(res, 400, 'InvalidAccessKeyId.Inactive');
  });
  it('V1 mismatch: the message ends with the server StringToSign (GET and POST)', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await h.v1Call(server, { method, key: WRONG(h.DEFAULT_KEY), params: { DomainName: 'example.com', AppName: 'a b*~直' } });
      h.assertHttpError(res, 400, 'SignatureDoesNotMatch', { host: server.host });
      assert.ok(res.json.Message.endsWith(res.req.stringToSign),
        `message ${JSON.stringify(res.json.Message)} should end with ${JSON.stringify(res.req.stringToSign)}`);
    }
  });
  it('V1 signed for GET but sent as POST: SignatureDoesNotMatch', async () => {
    const req = h.buildV1({ method: 'GET', params: { DomainName: 'example.com' } });
    req.method = 'POST'; // the same query, sent with POST
    const res = await h.send(server, req);
    h.assertHttpError(res, 400, 'SignatureDoesNotMatch');
  });
  it('V1 parameter changed after signing: SignatureDoesNotMatch', async () => {
    const req = h.buildV1({ params: { DomainName: 'example.com' } });
    req.path = req.path.replace('DomainName=example.com', 'DomainName=example.org');
    h.assertHttpError(await h.send(server, req), 400, 'SignatureDoesNotMatch');
  });
  it('V3 wrong secret (raw): SignatureDoesNotMatch', async () => {
    const res = await h.v3Call(server, { key: WRONG(h.DEFAULT_KEY), query: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'SignatureDoesNotMatch', { host: server.host });
  });
  it('V3 body not matching x-acs-content-sha256: SignatureDoesNotMatch', async () => {
    const req = h.buildV3({ host: server.host, body: { DomainName: 'example.com' } });
    req.body = 'DomainName=example.org';
    h.assertHttpError(await h.send(server, req), 400, 'SignatureDoesNotMatch');
  });
  it('V3 signed for another Host: SignatureDoesNotMatch', async () => {
    const res = await h.v3Call(server, { hostForSigning: 'live.aliyuncs.com', query: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'SignatureDoesNotMatch');
  });
  it('no AccessKeyId and no Authorization: MissingParameter', async () => {
    const res = await h.v1Call(server, { common: { AccessKeyId: null }, signature: null, params: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'MissingParameter');
  });
  it('AccessKeyId without Signature: IncompleteSignature', async () => {
    const res = await h.v1Call(server, { signature: null, params: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'IncompleteSignature');
  });
  it('SignatureMethod other than HMAC-SHA1 or SignatureVersion other than 1.0: IncompleteSignature', async () => {
    for (const common of [{ SignatureMethod: 'HMAC-SHA256' }, { SignatureVersion: '2.0' }]) {
      const res = await h.v1Call(server, { common, params: { DomainName: 'example.com' } });
      h.assertHttpError(res, 400, 'IncompleteSignature');
    }
  });
  it('malformed ACS3 Authorization header: IncompleteSignature', async () => {
    for (const auth of ['ACS3-HMAC-SHA256 garbage', `ACS3-HMAC-SHA256 Credential=${h.DEFAULT_KEY.id}`]) {
      const res = await h.v3Call(server, { authorization: auth, query: { DomainName: 'example.com' } });
      h.assertHttpError(res, 400, 'IncompleteSignature');
    }
  });
  it('x-acs-* or host header left out of SignedHeaders: IncompleteSignature', async () => {
    for (const drop of ['x-acs-action', 'x-acs-signature-nonce', 'host']) {
      const res = await h.v3Call(server, { signedHeaderFilter: (n) => n !== drop, query: { DomainName: 'example.com' } });
      h.assertHttpError(res, 400, 'IncompleteSignature');
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('timestamps and nonces', () => {
  it('V1 Timestamp 20 minutes old or ahead: IllegalTimestamp (400)', async () => {
    for (const delta of [-20 * MIN, 20 * MIN]) {
      const res = await h.v1Call(server, { timestamp: h.isoSeconds(Date.now() + delta), params: { DomainName: 'example.com' } });
      h.assertHttpError(res, 400, 'IllegalTimestamp', { host: server.host });
    }
  });
  it('V1 Timestamp 14 minutes old is accepted', async () => {
    const res = await h.v1Call(server, { timestamp: h.isoSeconds(Date.now() - 14 * MIN), params: { DomainName: 'example.com' } });
    assertJsonSuccess(res);
  });
  it('V1 Timestamp missing or malformed: IllegalTimestamp', async () => {
    for (const ts of [null, '2026-01-01 00:00:00', 'now', String(Math.floor(Date.now() / 1000))]) {
      const res = await h.v1Call(server, { timestamp: ts, params: { DomainName: 'example.com' } });
      h.assertHttpError(res, 400, 'IllegalTimestamp');
    }
  });
  it('V3 x-acs-date 20 minutes old, missing or malformed: IllegalTimestamp', async () => {
    for (const date of [h.isoSeconds(Date.now() - 20 * MIN), null, 'yesterday']) {
      const res = await h.v3Call(server, { date, query: { DomainName: 'example.com' } });
      h.assertHttpError(res, 400, 'IllegalTimestamp');
    }
  });
  it('V1 exact same request sent twice: SignatureNonceUsed (400), GET and POST', async () => {
    for (const method of ['GET', 'POST']) {
      const req = h.buildV1({ method, params: { DomainName: 'example.com' } });
      assertJsonSuccess(await h.send(server, req));
      h.assertHttpError(await h.send(server, req), 400, 'SignatureNonceUsed', { host: server.host });
      h.assertHttpError(await h.send(server, req), 400, 'SignatureNonceUsed');
    }
  });
  it('V1 nonce reused in a different, correctly signed request: SignatureNonceUsed', async () => {
    const n = h.nonce();
    assertJsonSuccess(await h.v1Call(server, { nonce: n, params: { DomainName: 'example.com' } }));
    const res = await h.v1Call(server, { nonce: n, method: 'POST', params: { DomainName: 'example.org' } });
    h.assertHttpError(res, 400, 'SignatureNonceUsed');
  });
  it('nonces are per AccessKeyId: another key may use the same nonce', async () => {
    const n = h.nonce();
    assertJsonSuccess(await h.v1Call(server, { nonce: n, params: { DomainName: 'example.com' } }));
    assertJsonSuccess(await h.v1Call(server, { nonce: n, key: h.TENANT_B_KEY, params: { DomainName: 'b.example.com' } }));
  });
  it('a request with a bad signature does not use up the nonce', async () => {
    const n = h.nonce();
    const bad = await h.v1Call(server, { nonce: n, key: { id: h.DEFAULT_KEY.id, secret: 'wrong' }, params: { DomainName: 'example.com' } });
    h.assertHttpError(bad, 400, 'SignatureDoesNotMatch');
    assertJsonSuccess(await h.v1Call(server, { nonce: n, params: { DomainName: 'example.com' } }));
  });
  it('a request refused for its timestamp does not use up the nonce', async () => {
    const n = h.nonce();
    const stale = await h.v1Call(server, { nonce: n, timestamp: h.isoSeconds(Date.now() - 30 * MIN), params: { DomainName: 'example.com' } });
    h.assertHttpError(stale, 400, 'IllegalTimestamp');
    assertJsonSuccess(await h.v1Call(server, { nonce: n, params: { DomainName: 'example.com' } }));
  });
  it('V1 SignatureNonce missing: MissingParameter', async () => {
    const res = await h.v1Call(server, { nonce: null, params: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'MissingParameter');
  });
  it('V3 exact same request sent twice: SignatureNonceUsed', async () => {
    const req = h.buildV3({ host: server.host, query: { DomainName: 'example.com' } });
    assertJsonSuccess(await h.send(server, req));
    h.assertHttpError(await h.send(server, req), 400, 'SignatureNonceUsed');
  });
  it('V3 x-acs-signature-nonce missing: MissingParameter', async () => {
    const res = await h.v3Call(server, { nonce: null, query: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'MissingParameter');
  });
  it('V1 and V3 share the nonce store of a key', async () => {
    const n = h.nonce();
    assertJsonSuccess(await h.v1Call(server, { nonce: n, params: { DomainName: 'example.com' } }));
    const res = await h.v3Call(server, { nonce: n, query: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'SignatureNonceUsed');
  });
});

// ---------------------------------------------------------------------------------------
describe('common request errors', () => {
  it('unknown action: InvalidAction.NotFound (404), raw and through the SDKs', async () => {
    const res = await h.v1Call(server, { action: 'DescribeLiveNoSuchThing', params: { DomainName: 'example.com' } });
    h.assertHttpError(res, 404, 'InvalidAction.NotFound', { host: server.host });
    for (const c of h.allClients(server)) {
      const err = await h.expectSdkError(c.call('DescribeLiveNoSuchThing', { DomainName: 'example.com' }));
      h.assertSdkError(err, 404, 'InvalidAction.NotFound');
    }
  });
  it('no Action parameter nor header: MissingParameter', async () => {
    const res = await h.v1Call(server, { action: null, params: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'MissingParameter');
  });
  it('no Version: MissingParameter; Version other than 2016-11-01: InvalidParameter', async () => {
    let res = await h.v1Call(server, { common: { Version: null }, params: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'MissingParameter');
    res = await h.v1Call(server, { common: { Version: '2014-05-26' }, params: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'InvalidParameter');
  });
  it('V3: x-acs-version other than 2016-11-01: InvalidParameter; no x-acs-action: MissingParameter', async () => {
    let res = await h.v3Call(server, { headers: { 'x-acs-version': '2014-05-26' }, query: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'InvalidParameter');
    res = await h.v3Call(server, { action: null, query: { DomainName: 'example.com' } });
    h.assertHttpError(res, 400, 'MissingParameter');
    res = await h.v3Call(server, { action: 'NoSuchAction', query: { DomainName: 'example.com' } });
    h.assertHttpError(res, 404, 'InvalidAction.NotFound');
  });
  it('HTTP method other than GET/POST: UnsupportedHTTPMethod (403)', async () => {
    for (const method of ['PUT', 'DELETE']) {
      const res = await h.v1Call(server, { method, placement: 'query', params: { DomainName: 'example.com' } });
      h.assertHttpError(res, 403, 'UnsupportedHTTPMethod');
    }
  });
  it('missing business parameter through every client: MissingDomainName (400)', async () => {
    for (const c of h.allClients(server)) {
      const err = await h.expectSdkError(c.call('DescribeLiveRecordConfig', { AppName: 'live' }));
      h.assertSdkError(err, 400, 'MissingDomainName', { host: server.host });
      assert.ok(err.data.Message.startsWith('DomainName is mandatory for this action.'), err.data.Message);
    }
  });
  it('HostId is the request Host header', async () => {
    const req = h.buildV1({ params: {} }); // no DomainName -> MissingDomainName
    const res = await new Promise((resolve, reject) => {
      const r = http.request({
        host: '127.0.0.1', port: server.port, method: 'GET', path: req.path,
        headers: { Host: 'api.example.test:8443' }, timeout: 10000,
      }, (resp) => {
        let text = '';
        resp.setEncoding('utf8');
        resp.on('data', (c) => { text += c; });
        resp.on('end', () => resolve({ status: resp.statusCode, text, json: JSON.parse(text) }));
      });
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', reject);
      r.end();
    });
    h.assertHttpError(res, 400, 'MissingDomainName', { host: 'api.example.test:8443' });
  });
});

// ---------------------------------------------------------------------------------------
describe('HostId without a Host header', () => {
  it('an HTTP/1.0 request without Host gets HostId "liverec"', async () => {
    const net = require('node:net');
    const req = h.buildV1({ params: {} }); // no DomainName -> MissingDomainName
    const text = await new Promise((resolve, reject) => {
      const sock = net.connect(server.port, '127.0.0.1');
      let buf = '';
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`timeout; got ${buf}`)); }, 10000);
      sock.setEncoding('utf8');
      sock.on('connect', () => sock.write(`GET ${req.path} HTTP/1.0\r\n\r\n`));
      sock.on('data', (d) => { buf += d; });
      sock.on('end', () => { clearTimeout(timer); resolve(buf); });
      sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    });
    const [head, body] = text.split('\r\n\r\n');
    assert.match(head, /^HTTP\/1\.[01] 400 /, head);
    h.assertErrorBody(JSON.parse(body), 'MissingDomainName', { host: 'liverec' });
  });
});

// ---------------------------------------------------------------------------------------
describe('Format=XML', () => {
  before(async () => {
    const res = await h.v1Call(server, {
      action: 'AddLiveAppRecordConfig', method: 'POST',
      params: {
        DomainName: 'xml.example.com', AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
        'RecordFormat.1.Format': 'm3u8', 'RecordFormat.2.Format': 'mp4',
      },
    });
    assertJsonSuccess(res);
  });

  function xmlBody(res) {
    assert.equal(res.status >= 200, true);
    const ct = (res.headers.get('content-type') || '').toLowerCase();
    assert.ok(/xml/.test(ct), `content-type ${ct} is XML`);
    return res.text.replace(/^<\?xml[^>]*\?>\s*/, '').trim();
  }

  it('DescribeLiveRecordConfig answers <DescribeLiveRecordConfigResponse>', async () => {
    for (const fmt of ['XML', 'xml']) {
      const res = await h.v1Call(server, { common: { Format: fmt }, params: { DomainName: 'xml.example.com' } });
      assert.equal(res.status, 200);
      const x = xmlBody(res);
      assert.ok(x.startsWith('<DescribeLiveRecordConfigResponse>'), x.slice(0, 80));
      assert.ok(x.endsWith('</DescribeLiveRecordConfigResponse>'), x.slice(-80));
      assert.match(x, /<RequestId>[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}<\/RequestId>/);
      assert.match(x, /<TotalNum>1<\/TotalNum>/);
      assert.match(x, /<PageSize>10<\/PageSize>/);
      assert.match(x, /<LiveAppRecordList><LiveAppRecord>.*<\/LiveAppRecord><\/LiveAppRecordList>/s);
      assert.match(x, /<OnDemond>0<\/OnDemond>/);
      assert.match(x, /<RecordFormatList><RecordFormat>.*<Format>m3u8<\/Format>.*<\/RecordFormat><RecordFormat>.*<Format>mp4<\/Format>.*<\/RecordFormat><\/RecordFormatList>/s);
      assert.match(x, /<StreamName>\*<\/StreamName>/);
    }
  });

  it('errors in XML: <Error> with the five fields', async () => {
    const res = await h.v1Call(server, { common: { Format: 'XML' }, params: {} });
    assert.equal(res.status, 400);
    const x = xmlBody(res);
    assert.ok(x.startsWith('<Error>') && x.endsWith('</Error>'), x);
    assert.match(x, /<Code>MissingDomainName<\/Code>/);
    for (const f of ['RequestId', 'HostId', 'Message', 'Recommend']) assert.match(x, new RegExp(`<${f}>[^<]+</${f}>`), f);
    assert.match(x, new RegExp(`<HostId>${server.host.replace(/\./g, '\\.')}</HostId>`));
  });
});
