'use strict';
// Record-config actions (AddLiveAppRecordConfig, UpdateLiveAppRecordConfig,
// DeleteLiveAppRecordConfig, DescribeLiveRecordConfig) driven through the official SDK clients.
// Contract: docs/api/record-configs.md and docs/api/README.md.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

let server;
before(async () => { server = await h.startServer(); });
after(async () => { if (server) await server.stop(); });

const ADD = 'AddLiveAppRecordConfig';
const UPDATE = 'UpdateLiveAppRecordConfig';
const DELETE = 'DeleteLiveAppRecordConfig';
const DESCRIBE = 'DescribeLiveRecordConfig';

// Values with characters that need percent-encoding: space, *, ~, non-ASCII, +, and the
// ! ' ( ) that the tea HTTP layer leaves unescaped on the wire while signing them escaped.
const ODD_PREFIX = "record/{AppName}/a b*~直播+x!'()/{EscapedStartTime}_{EscapedEndTime}";

function inSeconds(ms) {
  return h.isoSeconds(Math.floor(ms / 1000) * 1000);
}

const { assertOnlyRequestId } = h;

async function describeAll(client, params) {
  const res = await client.call(DESCRIBE, Object.assign({ PageSize: '30' }, params));
  assert.equal(res.status, 200);
  return res.body;
}

// ---------------------------------------------------------------------------------------
describe('four actions through each SDK client', () => {
  const variants = [
    ['pop-core GET (default)', (s) => h.popClient(s, h.DEFAULT_KEY, undefined), 'popget'],
    ['pop-core POST', (s) => h.popClient(s, h.DEFAULT_KEY, 'POST'), 'poppost'],
    ['openapi-client default (V3 ACS3-HMAC-SHA256)', (s) => h.openApiClient(s, h.DEFAULT_KEY, undefined), 'oav3'],
    ["openapi-client signatureAlgorithm 'v2' (V1)", (s) => h.openApiClient(s, h.DEFAULT_KEY, 'v2'), 'oav1'],
  ];

  for (const [name, make, slug] of variants) {
    it(`${name}: add, describe, update, delete`, async () => {
      const client = make(server);
      const domain = `${slug}.crud.example.com`;
      const start = inSeconds(Date.now() + 3600 * 1000);
      const end = inSeconds(Date.now() + 2 * 3600 * 1000);

      // 1. app-level config (StreamName omitted): defaults for m3u8, odd characters for mp4.
      const appFormats = [
        { Format: 'm3u8' },
        { Format: 'mp4', OssObjectPrefix: ODD_PREFIX, CycleDuration: 7200 },
      ];
      let t0 = Date.now();
      assertOnlyRequestId(await client.call(ADD, Object.assign({
        DomainName: domain, AppName: 'live', OssEndpoint: 'local', OssBucket: 'records',
      }, h.flattenFormats(appFormats))));
      const appExp = { DomainName: domain, AppName: 'live', StreamName: '', formats: appFormats, createdAround: t0 };

      // 2. StreamName "*": transcode formats and templates, OnDemand 7, DelayTime 600.
      t0 = Date.now();
      assertOnlyRequestId(await client.call(ADD, Object.assign({
        DomainName: domain, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
        OnDemand: '7', DelayTime: '600',
      }, h.flattenFormats([{ Format: 'mp4' }]),
      h.flattenFormats([{ Format: 'flv', CycleDuration: 900 }], 'TranscodeRecordFormat'),
      h.flattenList(['sd', 'hd'], 'TranscodeTemplates'))));
      const starExp = {
        DomainName: domain, AppName: 'live', StreamName: '*', OnDemond: 7, DelayTime: 600,
        formats: [{ Format: 'mp4' }], transcodeFormats: [{ Format: 'flv', CycleDuration: 900 }],
        templates: ['sd', 'hd'], createdAround: t0,
      };

      // 3. stream-level config with a recording window and custom m3u8 templates.
      const s1Formats = [
        {
          Format: 'm3u8', OssObjectPrefix: 'rec/{AppName}/{StreamName}/{Sequence}_{StartTime}_{EndTime}',
          SliceOssObjectPrefix: 'rec/{AppName}/{StreamName}/ts/{UnixTimestamp}-{Sequence}',
          CycleDuration: 900, SliceDuration: 5,
        },
        { Format: 'flv' },
      ];
      t0 = Date.now();
      assertOnlyRequestId(await client.call(ADD, Object.assign({
        DomainName: domain, AppName: 'live', StreamName: 's1', OssEndpoint: 'local', OssBucket: 'records',
        OnDemand: '1', DelayTime: '15', StartTime: start, EndTime: end,
      }, h.flattenFormats(s1Formats))));
      const s1Exp = {
        DomainName: domain, AppName: 'live', StreamName: 's1', OnDemond: 1, DelayTime: 15,
        StartTime: start, EndTime: end, formats: s1Formats, createdAround: t0,
      };

      // 4. Describe: all three, in creation order, field by field.
      let body = await describeAll(client, { DomainName: domain });
      let list = h.assertDescribe(body, { PageSize: 30, TotalNum: 3, count: 3 });
      h.assertRecord(list[0], appExp);
      h.assertRecord(list[1], starExp);
      h.assertRecord(list[2], s1Exp);
      const created = list.map((r) => r.CreateTime);

      // 5. Update "*": DelayTime/OnDemand replaced; the RecordFormat list replaced (mp4 -> m3u8
      //    with CycleDuration 1800); transcode formats and templates untouched.
      assertOnlyRequestId(await client.call(UPDATE, Object.assign({
        DomainName: domain, AppName: 'live', StreamName: '*', OssEndpoint: 'local',
        DelayTime: '300', OnDemand: '1',
      }, h.flattenFormats([{ Format: 'm3u8', CycleDuration: 1800 }]))));
      starExp.DelayTime = 300;
      starExp.OnDemond = 1;
      starExp.formats = [{ Format: 'm3u8', CycleDuration: 1800 }];
      starExp.CreateTime = created[1];
      body = await describeAll(client, { DomainName: domain, AppName: 'live', StreamName: '*' });
      list = h.assertDescribe(body, { PageSize: 30, TotalNum: 1, count: 1 });
      h.assertRecord(list[0], starExp);

      // 6. Delete the stream-level config; the other two remain.
      assertOnlyRequestId(await client.call(DELETE, { DomainName: domain, AppName: 'live', StreamName: 's1' }));
      body = await describeAll(client, { DomainName: domain });
      list = h.assertDescribe(body, { PageSize: 30, TotalNum: 2, count: 2 });
      assert.deepEqual(list.map((r) => r.StreamName), ['', '*']);
      h.assertRecord(list[0], Object.assign({ CreateTime: created[0] }, appExp));

      // 7. Deleting it again: InvalidConfig.NotFound (404); updating it too.
      let err = await h.expectSdkError(client.call(DELETE, { DomainName: domain, AppName: 'live', StreamName: 's1' }));
      h.assertSdkError(err, 404, 'InvalidConfig.NotFound', { host: server.host, messageStartsWith: 'Config does not exist.' });
      err = await h.expectSdkError(client.call(UPDATE, {
        DomainName: domain, AppName: 'live', StreamName: 's1', OssEndpoint: 'local', DelayTime: '60',
      }));
      h.assertSdkError(err, 404, 'InvalidConfig.NotFound', { host: server.host });

      // 8. Delete the app-level config (StreamName omitted) then "*"; the domain is empty.
      assertOnlyRequestId(await client.call(DELETE, { DomainName: domain, AppName: 'live' }));
      body = await describeAll(client, { DomainName: domain });
      list = h.assertDescribe(body, { PageSize: 30, TotalNum: 1, count: 1 });
      assert.equal(list[0].StreamName, '*');
      assertOnlyRequestId(await client.call(DELETE, { DomainName: domain, AppName: 'live', StreamName: '*' }));
      body = await describeAll(client, { DomainName: domain });
      h.assertDescribe(body, { PageSize: 30, TotalNum: 0, count: 0 });
      assert.strictEqual(body.TotalPage, 0);
    });
  }

  it('every client sees the configs written by the others (same wire format)', async () => {
    const clients = h.allClients(server);
    const domain = 'mixed.crud.example.com';
    for (let i = 0; i < clients.length; i++) {
      await clients[i].call(ADD, Object.assign({
        DomainName: domain, AppName: `app${i}`, OssEndpoint: 'local', OssBucket: 'records',
      }, h.flattenFormats([{ Format: 'flv', OssObjectPrefix: ODD_PREFIX }])));
    }
    for (const c of clients) {
      const body = await describeAll(c, { DomainName: domain });
      const list = h.assertDescribe(body, { PageSize: 30, TotalNum: 4, count: 4 });
      assert.deepEqual(list.map((r) => r.AppName), ['app0', 'app1', 'app2', 'app3'], c.name);
      for (const r of list) {
        assert.equal(r.RecordFormatList.RecordFormat[0].OssObjectPrefix, ODD_PREFIX, `${c.name}: prefix round-trips`);
      }
    }
  });

  it('OnDemand=2 (the ingest URL decides) is stored and described, by every client', async () => {
    const domain = 'ingest-decides.crud.example.com';
    const clients = h.allClients(server);
    for (let i = 0; i < clients.length; i++) {
      await clients[i].call(ADD, Object.assign({ DomainName: domain, AppName: `app${i}`, OssEndpoint: 'local',
        OssBucket: 'records', OnDemand: '2' }, h.flattenFormats([{ Format: 'm3u8' }])));
    }
    for (const c of clients) {
      const list = h.assertDescribe(await describeAll(c, { DomainName: domain }), { PageSize: 30, TotalNum: 4, count: 4 });
      assert.deepEqual(list.map((r) => r.OnDemond), [2, 2, 2, 2], c.name);
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('DescribeLiveRecordConfig', () => {
  const domain = 'paging.example.com';
  // Insertion order deliberately differs from name order.
  const insertion = ['app07', 'app03', 'app12', 'app01', 'app10', 'app05', 'app11', 'app02', 'app09', 'app04', 'app08', 'app06'];
  let client;

  before(async () => {
    client = h.popClient(server, h.DEFAULT_KEY, 'POST');
    for (const app of insertion) {
      await client.call(ADD, Object.assign({
        DomainName: domain, AppName: app, OssEndpoint: 'local', OssBucket: 'records',
      }, h.flattenFormats([{ Format: 'mp4' }])));
    }
  });

  it('paging: PageSize 5 gives 3 pages (5, 5, 2) and an empty page 4; asc = insertion order', async () => {
    const seen = [];
    for (const [pageNum, count] of [[1, 5], [2, 5], [3, 2], [4, 0]]) {
      const res = await client.call(DESCRIBE, { DomainName: domain, PageSize: '5', PageNum: String(pageNum) });
      assert.equal(res.status, 200);
      const list = h.assertDescribe(res.body, { PageNum: pageNum, PageSize: 5, TotalNum: 12, count });
      assert.strictEqual(res.body.TotalPage, 3, 'TotalPage');
      seen.push(...list.map((r) => r.AppName));
      for (const r of list) h.assertRecord(r, { DomainName: domain, AppName: r.AppName, formats: [{ Format: 'mp4' }] });
    }
    assert.deepEqual(seen, insertion, 'asc order is creation order');
  });

  it('Order=desc reverses creation order, across pages', async () => {
    const seen = [];
    for (const [pageNum, count] of [[1, 5], [2, 5], [3, 2]]) {
      const res = await client.call(DESCRIBE, { DomainName: domain, PageSize: '5', PageNum: String(pageNum), Order: 'desc' });
      const list = h.assertDescribe(res.body, { PageNum: pageNum, PageSize: 5, Order: 'desc', TotalNum: 12, count });
      seen.push(...list.map((r) => r.AppName));
    }
    assert.deepEqual(seen, [...insertion].reverse());
    const asc = await client.call(DESCRIBE, { DomainName: domain, PageSize: '5', Order: 'asc' });
    h.assertDescribe(asc.body, { PageSize: 5, Order: 'asc', TotalNum: 12, count: 5 });
  });

  it('defaults: PageNum 1, PageSize 10, Order asc', async () => {
    const res = await client.call(DESCRIBE, { DomainName: domain });
    const list = h.assertDescribe(res.body, { PageNum: 1, PageSize: 10, Order: 'asc', TotalNum: 12, count: 10 });
    assert.strictEqual(res.body.TotalPage, 2);
    assert.deepEqual(list.map((r) => r.AppName), insertion.slice(0, 10));
  });

  it('PageSize bounds: 5 and 30 accepted, 4 and 31 are InvalidPageSize.Malformed', async () => {
    for (const ps of [5, 30]) {
      const res = await client.call(DESCRIBE, { DomainName: domain, PageSize: String(ps) });
      h.assertDescribe(res.body, { PageSize: ps, TotalNum: 12, count: Math.min(ps, 12) });
    }
    for (const ps of ['4', '31', 'abc']) {
      const err = await h.expectSdkError(client.call(DESCRIBE, { DomainName: domain, PageSize: ps }));
      h.assertSdkError(err, 400, 'InvalidPageSize.Malformed', { host: server.host });
    }
  });

  it('PageNum 0 is InvalidPageNum.Malformed; Order other than asc/desc is InvalidOrder.Malformed', async () => {
    let err;
    for (const pn of ['0', '-1', 'abc']) {
      err = await h.expectSdkError(client.call(DESCRIBE, { DomainName: domain, PageNum: pn }));
      h.assertSdkError(err, 400, 'InvalidPageNum.Malformed');
    }
    for (const order of ['up', 'ascending']) {
      err = await h.expectSdkError(client.call(DESCRIBE, { DomainName: domain, Order: order }));
      h.assertSdkError(err, 400, 'InvalidOrder.Malformed');
    }
  });

  it('MissingDomainName', async () => {
    const err = await h.expectSdkError(client.call(DESCRIBE, { AppName: 'app01' }));
    h.assertSdkError(err, 400, 'MissingDomainName', { host: server.host });
  });

  it('a domain without configs lists nothing', async () => {
    const res = await client.call(DESCRIBE, { DomainName: 'empty.example.com' });
    const list = h.assertDescribe(res.body, { TotalNum: 0, count: 0 });
    assert.deepEqual(list, []);
    assert.strictEqual(res.body.TotalPage, 0);
  });

  it('AppName filter is an exact match', async () => {
    let res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'app07' });
    let list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    assert.equal(list[0].AppName, 'app07');
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'app0' });
    h.assertDescribe(res.body, { TotalNum: 0, count: 0 });
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: '*' });
    h.assertDescribe(res.body, { TotalNum: 0, count: 0 });
  });
});

// ---------------------------------------------------------------------------------------
describe('the triplet (DomainName, AppName, StreamName) is the key', () => {
  const domain = 'triplet.example.com';
  let client;
  before(() => { client = h.openApiClient(server, h.DEFAULT_KEY, undefined); });

  const add = (app, stream, extra = {}) => client.call(ADD, Object.assign({
    DomainName: domain, AppName: app, OssEndpoint: 'local', OssBucket: 'records',
  }, stream === undefined ? {} : { StreamName: stream }, h.flattenFormats([{ Format: 'm3u8' }]), extra));

  it('app-level, "*" and "s1" of one app are three configs; "*" app is a fourth', async () => {
    assertOnlyRequestId(await add('live', undefined));
    assertOnlyRequestId(await add('live', '*'));
    assertOnlyRequestId(await add('live', 's1'));
    assertOnlyRequestId(await add('*', undefined));
    assertOnlyRequestId(await add('*', '*'));

    let res = await client.call(DESCRIBE, { DomainName: domain });
    let list = h.assertDescribe(res.body, { TotalNum: 5, count: 5 });
    assert.deepEqual(list.map((r) => [r.AppName, r.StreamName]),
      [['live', ''], ['live', '*'], ['live', 's1'], ['*', ''], ['*', '*']]);

    // Each triplet exists exactly once; an empty StreamName is the same as none.
    for (const [app, stream] of [['live', undefined], ['live', ''], ['live', '*'], ['live', 's1'], ['*', undefined], ['*', '*']]) {
      const err = await h.expectSdkError(add(app, stream));
      h.assertSdkError(err, 400, 'ConfigAlreadyExists', { host: server.host });
    }

    // Filters: AppName, StreamName, and "*" matching configs stored with "*".
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'live' });
    list = h.assertDescribe(res.body, { TotalNum: 3, count: 3 });
    assert.deepEqual(list.map((r) => r.StreamName), ['', '*', 's1']);
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: '*' });
    list = h.assertDescribe(res.body, { TotalNum: 2, count: 2 });
    assert.deepEqual(list.map((r) => [r.AppName, r.StreamName]), [['*', ''], ['*', '*']]);
    res = await client.call(DESCRIBE, { DomainName: domain, StreamName: '*' });
    list = h.assertDescribe(res.body, { TotalNum: 2, count: 2 });
    assert.deepEqual(list.map((r) => [r.AppName, r.StreamName]), [['live', '*'], ['*', '*']]);
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'live', StreamName: 's1' });
    list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    assert.deepEqual([list[0].AppName, list[0].StreamName], ['live', 's1']);
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'live', StreamName: 's2' });
    h.assertDescribe(res.body, { TotalNum: 0, count: 0 });

    // Update targets exactly one triplet.
    assertOnlyRequestId(await client.call(UPDATE, { DomainName: domain, AppName: 'live', StreamName: '*', OssEndpoint: 'local', DelayTime: '999' }));
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'live' });
    list = h.assertDescribe(res.body, { TotalNum: 3, count: 3 });
    assert.deepEqual(list.map((r) => r.DelayTime), [180, 999, 180]);
    // Update without StreamName targets the app-level config.
    assertOnlyRequestId(await client.call(UPDATE, { DomainName: domain, AppName: 'live', OssEndpoint: 'local', DelayTime: '777' }));
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'live' });
    list = h.assertDescribe(res.body, { TotalNum: 3, count: 3 });
    assert.deepEqual(list.map((r) => r.DelayTime), [777, 999, 180]);

    // Deleting with StreamName omitted removes only the app-level config.
    assertOnlyRequestId(await client.call(DELETE, { DomainName: domain, AppName: 'live' }));
    res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'live' });
    list = h.assertDescribe(res.body, { TotalNum: 2, count: 2 });
    assert.deepEqual(list.map((r) => r.StreamName), ['*', 's1']);
    let err = await h.expectSdkError(client.call(DELETE, { DomainName: domain, AppName: 'live' }));
    h.assertSdkError(err, 404, 'InvalidConfig.NotFound');
    // Deleting "s2" (never created) and app "other" fails; "*" of app "*" is deleted exactly.
    err = await h.expectSdkError(client.call(DELETE, { DomainName: domain, AppName: 'live', StreamName: 's2' }));
    h.assertSdkError(err, 404, 'InvalidConfig.NotFound');
    assertOnlyRequestId(await client.call(DELETE, { DomainName: domain, AppName: '*', StreamName: '*' }));
    res = await client.call(DESCRIBE, { DomainName: domain });
    list = h.assertDescribe(res.body, { TotalNum: 3, count: 3 });
    assert.deepEqual(list.map((r) => [r.AppName, r.StreamName]), [['live', '*'], ['live', 's1'], ['*', '']]);
  });

  it('Delete needs DomainName and AppName; Describe needs DomainName', async () => {
    let err = await h.expectSdkError(client.call(DELETE, { AppName: 'live', StreamName: '*' }));
    h.assertSdkError(err, 400, 'MissingDomainName', { messageStartsWith: 'DomainName is mandatory for this action.' });
    err = await h.expectSdkError(client.call(DELETE, { DomainName: domain, StreamName: '*' }));
    h.assertSdkError(err, 400, 'MissingAppName', { messageStartsWith: 'AppName is mandatory for this action.' });
    err = await h.expectSdkError(client.call(UPDATE, { DomainName: domain, StreamName: '*', OssEndpoint: 'local' }));
    h.assertSdkError(err, 400, 'MissingAppName');
    // Nothing was deleted.
    const res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'live', StreamName: '*' });
    h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
  });

  it('a deleted triplet can be added again', async () => {
    const d = 'readd.example.com';
    const p = Object.assign({ DomainName: d, AppName: 'live', StreamName: 'x', OssEndpoint: 'local', OssBucket: 'records' },
      h.flattenFormats([{ Format: 'flv' }]));
    assertOnlyRequestId(await client.call(ADD, p));
    assertOnlyRequestId(await client.call(DELETE, { DomainName: d, AppName: 'live', StreamName: 'x' }));
    assertOnlyRequestId(await client.call(ADD, Object.assign({}, p, { DelayTime: '20' })));
    const res = await client.call(DESCRIBE, { DomainName: d });
    const list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    h.assertRecord(list[0], { DomainName: d, AppName: 'live', StreamName: 'x', DelayTime: 20, formats: [{ Format: 'flv' }] });
  });
});

// ---------------------------------------------------------------------------------------
describe('UpdateLiveAppRecordConfig semantics', () => {
  const domain = 'update.example.com';
  let client;
  let created;
  const P1 = 'u/{AppName}/{StreamName}/{EscapedStartTime}-{EscapedEndTime}';
  const S1 = 'u/{AppName}/{StreamName}/seg/{Sequence}-{UnixTimestamp}';
  const P2 = 'u/mp4/{StartTime}/{EndTime}';
  const TP = 'u/t/{EscapedStartTime}_{EscapedEndTime}';
  let exp;

  async function current() {
    const res = await client.call(DESCRIBE, { DomainName: domain, AppName: 'live', StreamName: 'cam' });
    const list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    return list[0];
  }

  before(async () => {
    client = h.popClient(server, h.DEFAULT_KEY, undefined);
    await client.call(ADD, Object.assign({
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local', OssBucket: 'records',
      OnDemand: '1', DelayTime: '60',
    }, h.flattenFormats([
      { Format: 'm3u8', OssObjectPrefix: P1, SliceOssObjectPrefix: S1, CycleDuration: 1800, SliceDuration: 10 },
      { Format: 'mp4', OssObjectPrefix: P2, CycleDuration: 1200 },
    ]), h.flattenFormats([{ Format: 'mp4', OssObjectPrefix: TP, CycleDuration: 4000 }], 'TranscodeRecordFormat'),
    h.flattenList(['sd'], 'TranscodeTemplates')));
    const rec = await current();
    created = rec.CreateTime;
    exp = {
      DomainName: domain, AppName: 'live', StreamName: 'cam', OnDemond: 1, DelayTime: 60, CreateTime: created,
      formats: [
        { Format: 'm3u8', OssObjectPrefix: P1, SliceOssObjectPrefix: S1, CycleDuration: 1800, SliceDuration: 10 },
        { Format: 'mp4', OssObjectPrefix: P2, CycleDuration: 1200 },
      ],
      transcodeFormats: [{ Format: 'mp4', OssObjectPrefix: TP, CycleDuration: 4000 }],
      templates: ['sd'],
    };
    h.assertRecord(rec, exp);
  });

  it('only OssEndpoint given: nothing changes', async () => {
    assertOnlyRequestId(await client.call(UPDATE, { DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local' }));
    h.assertRecord(await current(), exp);
  });

  it('scalar fields are replaced when given, others kept', async () => {
    assertOnlyRequestId(await client.call(UPDATE, {
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local', DelayTime: '300',
    }));
    exp.DelayTime = 300;
    h.assertRecord(await current(), exp);
    assertOnlyRequestId(await client.call(UPDATE, {
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local', OnDemand: '7',
    }));
    exp.OnDemond = 7;
    h.assertRecord(await current(), exp);
  });

  it('a RecordFormat list replaces the list: kept formats keep templates, durations reset, new formats take defaults', async () => {
    assertOnlyRequestId(await client.call(UPDATE, Object.assign({
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local',
    }, h.flattenFormats([{ Format: 'flv' }, { Format: 'M3U8' }]))));
    exp.formats = [
      { Format: 'flv' },
      { Format: 'm3u8', OssObjectPrefix: P1, SliceOssObjectPrefix: S1 },
    ];
    h.assertRecord(await current(), exp);
  });

  it('given templates replace the kept ones; given durations are stored', async () => {
    const P3 = 'u3/{AppName}/{StartTime}_{EndTime}';
    assertOnlyRequestId(await client.call(UPDATE, Object.assign({
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local',
    }, h.flattenFormats([{ Format: 'm3u8', OssObjectPrefix: P3, CycleDuration: 900, SliceDuration: 6 }]))));
    exp.formats = [{ Format: 'm3u8', OssObjectPrefix: P3, SliceOssObjectPrefix: S1, CycleDuration: 900, SliceDuration: 6 }];
    h.assertRecord(await current(), exp);
  });

  it('TranscodeRecordFormat and TranscodeTemplates lists are replaced the same way', async () => {
    assertOnlyRequestId(await client.call(UPDATE, Object.assign({
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local',
    }, h.flattenFormats([{ Format: 'mp4' }, { Format: 'm3u8' }], 'TranscodeRecordFormat'),
    h.flattenList(['hd', 'ld'], 'TranscodeTemplates'))));
    exp.transcodeFormats = [{ Format: 'mp4', OssObjectPrefix: TP }, { Format: 'm3u8' }];
    exp.templates = ['hd', 'ld'];
    h.assertRecord(await current(), exp);
  });

  it('StartTime/EndTime are set by Update on a stream-level config', async () => {
    const start = inSeconds(Date.now() + 600 * 1000);
    const end = inSeconds(Date.now() + 1200 * 1000);
    assertOnlyRequestId(await client.call(UPDATE, {
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local', StartTime: start, EndTime: end,
    }));
    exp.StartTime = start;
    exp.EndTime = end;
    h.assertRecord(await current(), exp);
  });

  it('an invalid Update changes nothing', async () => {
    const bad = [
      [{ DelayTime: '14' }, 'InvalidDelayTime.Malformed'],
      [{ OnDemand: '3' }, 'InvalidOnDemand.Malformed'],
      [h.flattenFormats([{ Format: 'avi' }]), 'InvalidFormat.Malformed'],
      [h.flattenFormats([{ Format: 'mp4', CycleDuration: 899 }]), 'InvalidCycleDuration.Malformed'],
      [h.flattenFormats([{ Format: 'mp4', SliceOssObjectPrefix: S1 }]), 'InvalidSliceOssObjectPrefix.Malformed'],
      [Object.assign({ DelayTime: '20' }, h.flattenFormats([{ Format: 'mp4', OssObjectPrefix: 'x/{StartTime}' }])),
        'InvalidOssObjectPrefix.Malformed'],
    ];
    for (const [extra, code] of bad) {
      const err = await h.expectSdkError(client.call(UPDATE, Object.assign({
        DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local',
      }, extra)));
      h.assertSdkError(err, 400, code);
    }
    h.assertRecord(await current(), exp);
  });

  it('OssEndpoint is required', async () => {
    const err = await h.expectSdkError(client.call(UPDATE, { DomainName: domain, AppName: 'live', StreamName: 'cam', DelayTime: '30' }));
    h.assertSdkError(err, 400, 'MissingOssEndpoint');
    h.assertRecord(await current(), exp);
  });

  it('bucket checks: other endpoint without OssBucket, undeclared and foreign buckets', async () => {
    let err = await h.expectSdkError(client.call(UPDATE, {
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'oss-cn-shanghai.aliyuncs.com',
    }));
    h.assertSdkError(err, 400, 'InvalidOssBucket.NotFound');
    err = await h.expectSdkError(client.call(UPDATE, {
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local', OssBucket: 'nosuchbucket',
    }));
    h.assertSdkError(err, 400, 'InvalidOssBucket.NotFound');
    err = await h.expectSdkError(client.call(UPDATE, {
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local', OssBucket: 'records-b',
    }));
    h.assertSdkError(err, 404, 'InvalidBucket.NotFound');
    // OssBucket naming its current bucket is fine.
    assertOnlyRequestId(await client.call(UPDATE, {
      DomainName: domain, AppName: 'live', StreamName: 'cam', OssEndpoint: 'local', OssBucket: 'records',
    }));
    h.assertRecord(await current(), exp);
  });

  it('unknown triplet: InvalidConfig.NotFound (404)', async () => {
    for (const p of [
      { DomainName: domain, AppName: 'live', StreamName: 'other' },
      { DomainName: domain, AppName: 'live' },
      { DomainName: domain, AppName: 'nolive', StreamName: 'cam' },
      { DomainName: 'update2.example.com', AppName: 'live', StreamName: 'cam' },
    ]) {
      const err = await h.expectSdkError(client.call(UPDATE, Object.assign({ OssEndpoint: 'local', DelayTime: '30' }, p)));
      h.assertSdkError(err, 404, 'InvalidConfig.NotFound', { host: server.host });
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('AddLiveAppRecordConfig validation', () => {
  const domain = 'validation.example.com';
  let client;
  let seq = 0;
  const accepted = [];
  before(() => { client = h.openApiClient(server, h.DEFAULT_KEY, undefined); });

  function params(over = {}) {
    const p = {
      DomainName: domain, AppName: `v${++seq}`, OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8',
    };
    for (const [k, v] of Object.entries(over)) {
      if (v === null) delete p[k];
      else p[k] = String(v);
    }
    return p;
  }

  async function rejects(over, status, code, messageIncludes) {
    const p = params(over);
    const err = await h.expectSdkError(client.call(ADD, p));
    h.assertSdkError(err, status, code, { host: server.host, messageIncludes });
  }

  async function accepts(over) {
    const p = params(over);
    const res = await client.call(ADD, p);
    assertOnlyRequestId(res);
    if (p.DomainName === domain) accepted.push(p.AppName);
    return p;
  }

  const cases = [
    // Missing parameters.
    ['no DomainName', { DomainName: null }, 400, 'MissingDomainName'],
    ['no AppName', { AppName: null }, 400, 'MissingAppName'],
    ['no OssEndpoint', { OssEndpoint: null }, 400, 'MissingOssEndpoint'],
    ['no OssBucket', { OssBucket: null }, 400, 'MissingOssBucket'],
    ['no RecordFormat nor TranscodeRecordFormat', { 'RecordFormat.1.Format': null }, 400, 'MissingRecordFormat'],
    // Names.
    ['DomainName with "_" and "!"', { DomainName: 'bad_domain!.com' }, 400, 'InvalidDomainName.Malformed'],
    ['DomainName of 254 bytes', { DomainName: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}` }, 400,
      'InvalidDomainName.Malformed'],
    ['AppName starting with "."', { AppName: '.live' }, 400, 'InvalidAppName.Malformed'],
    ['AppName with "/"', { AppName: 'a/b' }, 400, 'InvalidAppName.Malformed'],
    ['AppName of 256 bytes', { AppName: 'a'.repeat(256) }, 400, 'InvalidAppName.Malformed'],
    ['StreamName with a space', { StreamName: 'a b' }, 400, 'InvalidStreamName.Malformed'],
    ['StreamName starting with "."', { StreamName: '.s' }, 400, 'InvalidStreamName.Malformed'],
    // Domains and buckets.
    ['domain of another account', { DomainName: 'b.example.com' }, 404, 'InvalidDomain.NotFound'],
    ['undeclared bucket', { OssBucket: 'otherbucket' }, 400, 'InvalidOssBucket.NotFound'],
    ['bucket at an undeclared endpoint', { OssEndpoint: 'oss-cn-shanghai.aliyuncs.com' }, 400, 'InvalidOssBucket.NotFound'],
    ['bucket name Bad_Bucket', { OssBucket: 'Bad_Bucket' }, 400, 'InvalidOssBucket.Malformed'],
    ['bucket name of 2 bytes', { OssBucket: 'ab' }, 400, 'InvalidOssBucket.Malformed'],
    ['bucket name starting with "-"', { OssBucket: '-records' }, 400, 'InvalidOssBucket.Malformed'],
    ['bucket name of 64 bytes', { OssBucket: 'a'.repeat(64) }, 400, 'InvalidOssBucket.Malformed'],
    ['bucket of another account', { OssBucket: 'records-b' }, 404, 'InvalidBucket.NotFound'],
    ['OssEndpoint with a scheme', { OssEndpoint: 'http://local' }, 400, 'InvalidOssEndpoint.Malformed'],
    ['OssEndpoint with a space', { OssEndpoint: 'bad endpoint' }, 400, 'InvalidOssEndpoint.Malformed'],
    // Formats.
    ['Format avi', { 'RecordFormat.1.Format': 'avi' }, 400, 'InvalidFormat.Malformed', 'RecordFormat.1.Format'],
    ['Format cmaf', { 'RecordFormat.1.Format': 'cmaf' }, 400, 'InvalidFormat.Malformed', 'RecordFormat.1.Format'],
    ['duplicated format', { 'RecordFormat.2.Format': 'M3U8' }, 400, 'InvalidFormat.Malformed', 'RecordFormat.'],
    ['TranscodeRecordFormat avi', { 'TranscodeRecordFormat.1.Format': 'avi' }, 400, 'InvalidFormat.Malformed',
      'TranscodeRecordFormat.1.Format'],
    ['duplicated transcode format', { 'TranscodeRecordFormat.1.Format': 'flv', 'TranscodeRecordFormat.2.Format': 'flv' },
      400, 'InvalidFormat.Malformed'],
    // CycleDuration / SliceDuration.
    ['CycleDuration 899', { 'RecordFormat.1.CycleDuration': 899 }, 400, 'InvalidCycleDuration.Malformed',
      ['Specified CycleDuration is invalid.', 'RecordFormat.1.CycleDuration']],
    ['CycleDuration 21601', { 'RecordFormat.1.CycleDuration': 21601 }, 400, 'InvalidCycleDuration.Malformed', 'RecordFormat.1.CycleDuration'],
    ['CycleDuration abc', { 'RecordFormat.1.CycleDuration': 'abc' }, 400, 'InvalidCycleDuration.Malformed', 'RecordFormat.1.CycleDuration'],
    ['CycleDuration 1800.5', { 'RecordFormat.1.CycleDuration': '1800.5' }, 400, 'InvalidCycleDuration.Malformed'],
    ['CycleDuration of the 2nd format', { 'RecordFormat.2.Format': 'mp4', 'RecordFormat.2.CycleDuration': 899 }, 400,
      'InvalidCycleDuration.Malformed', 'RecordFormat.2.CycleDuration'],
    ['SliceDuration 4', { 'RecordFormat.1.SliceDuration': 4 }, 400, 'InvalidSliceDuration.Malformed', 'RecordFormat.1.SliceDuration'],
    ['SliceDuration 31', { 'RecordFormat.1.SliceDuration': 31 }, 400, 'InvalidSliceDuration.Malformed', 'RecordFormat.1.SliceDuration'],
    // OssObjectPrefix.
    ['prefix without a start variable', { 'RecordFormat.1.OssObjectPrefix': 'r/{AppName}/{EscapedEndTime}' }, 400,
      'InvalidOssObjectPrefix.Malformed', 'RecordFormat.1.OssObjectPrefix'],
    ['prefix without an end variable', { 'RecordFormat.1.OssObjectPrefix': 'r/{AppName}/{StartTime}' }, 400,
      'InvalidOssObjectPrefix.Malformed', 'RecordFormat.1.OssObjectPrefix'],
    ['prefix with a ".." segment', { 'RecordFormat.1.OssObjectPrefix': 'r/../{StartTime}_{EndTime}' }, 400,
      'InvalidOssObjectPrefix.Malformed'],
    ['prefix with a leading "/"', { 'RecordFormat.1.OssObjectPrefix': '/r/{StartTime}_{EndTime}' }, 400,
      'InvalidOssObjectPrefix.Malformed'],
    ['prefix with "//"', { 'RecordFormat.1.OssObjectPrefix': 'r//{StartTime}_{EndTime}' }, 400,
      'InvalidOssObjectPrefix.Malformed'],
    ['prefix with an unknown variable', { 'RecordFormat.1.OssObjectPrefix': 'r/{Foo}/{StartTime}_{EndTime}' }, 400,
      'InvalidOssObjectPrefix.Malformed'],
    ['prefix with {UnixTimestamp} (a slice-only variable)', { 'RecordFormat.1.OssObjectPrefix': 'r/{UnixTimestamp}/{StartTime}_{EndTime}' },
      400, 'InvalidOssObjectPrefix.Malformed'],
    ['prefix with a control character', { 'RecordFormat.1.OssObjectPrefix': 'r/\u0001/{StartTime}_{EndTime}' }, 400,
      'InvalidOssObjectPrefix.Malformed'],
    // mp4: N + 19 + 1 + 19 + ".mp4" = N + 43 must be < 256, so N = 213 is too long.
    ['prefix rendering to 256 bytes', {
      'RecordFormat.1.Format': 'mp4',
      'RecordFormat.1.OssObjectPrefix': 'x'.repeat(213) + '{EscapedStartTime}_{EscapedEndTime}',
    }, 400, 'InvalidOssObjectPrefix.Malformed'],
    // "*" renders as a 32-byte stand-in: N + 32 + 1 + 39 + 4 = N + 76 < 256, N = 180 is too long.
    ['prefix with {StreamName} of a "*" config rendering to 256 bytes', {
      StreamName: '*', 'RecordFormat.1.Format': 'mp4',
      'RecordFormat.1.OssObjectPrefix': 'x'.repeat(180) + '{StreamName}/{EscapedStartTime}_{EscapedEndTime}',
    }, 400, 'InvalidOssObjectPrefix.Malformed'],
    // A 255-byte AppName is a valid name, but the default templates render it into a name
    // of 256+ bytes.
    ['255-byte AppName with the default m3u8 templates', { AppName: 'B'.repeat(255) }, 400, 'InvalidOssObjectPrefix.Malformed'],
    ['transcode prefix without an end variable', {
      'TranscodeRecordFormat.1.Format': 'mp4', 'TranscodeRecordFormat.1.OssObjectPrefix': 'r/{StartTime}',
    }, 400, 'InvalidOssObjectPrefix.Malformed', 'TranscodeRecordFormat.1.OssObjectPrefix'],
    // SliceOssObjectPrefix.
    ['slice prefix without {Sequence}', { 'RecordFormat.1.SliceOssObjectPrefix': 'r/{AppName}/{UnixTimestamp}' }, 400,
      'InvalidSliceOssObjectPrefix.Malformed', 'RecordFormat.1.SliceOssObjectPrefix'],
    ['slice prefix without {UnixTimestamp}', { 'RecordFormat.1.SliceOssObjectPrefix': 'r/{AppName}/{Sequence}' }, 400,
      'InvalidSliceOssObjectPrefix.Malformed', 'RecordFormat.1.SliceOssObjectPrefix'],
    ['slice prefix with {StartTime}', { 'RecordFormat.1.SliceOssObjectPrefix': 'r/{StartTime}/{UnixTimestamp}_{Sequence}' }, 400,
      'InvalidSliceOssObjectPrefix.Malformed'],
    ['slice prefix with a ".." segment', { 'RecordFormat.1.SliceOssObjectPrefix': 'r/../{UnixTimestamp}_{Sequence}' }, 400,
      'InvalidSliceOssObjectPrefix.Malformed'],
    ['slice prefix given for mp4', {
      'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.SliceOssObjectPrefix': 'r/{UnixTimestamp}_{Sequence}',
    }, 400, 'InvalidSliceOssObjectPrefix.Malformed', 'RecordFormat.1.SliceOssObjectPrefix'],
    ['slice prefix given for flv', {
      'RecordFormat.1.Format': 'flv', 'RecordFormat.1.SliceOssObjectPrefix': 'r/{UnixTimestamp}_{Sequence}',
    }, 400, 'InvalidSliceOssObjectPrefix.Malformed'],
    // OnDemand / DelayTime.
    ['OnDemand 3', { OnDemand: 3 }, 400, 'InvalidOnDemand.Malformed'],
    ['OnDemand 5', { OnDemand: 5 }, 400, 'InvalidOnDemand.Malformed'],
    ['OnDemand x', { OnDemand: 'x' }, 400, 'InvalidOnDemand.Malformed'],
    ['DelayTime 14', { DelayTime: 14 }, 400, 'InvalidDelayTime.Malformed'],
    ['DelayTime 21601', { DelayTime: 21601 }, 400, 'InvalidDelayTime.Malformed'],
    ['DelayTime abc', { DelayTime: 'abc' }, 400, 'InvalidDelayTime.Malformed'],
    // Transcode templates.
    ['TranscodeTemplates with a space', { 'TranscodeTemplates.1': 'bad template' }, 400, 'InvalidTranscodeTemplates.Malformed'],
    ['TranscodeTemplates of 65 bytes', { 'TranscodeTemplates.1': 't'.repeat(65) }, 400, 'InvalidTranscodeTemplates.Malformed'],
  ];

  for (const [name, over, status, code, messageIncludes] of cases) {
    it(`${name} -> ${code} (${status})`, async () => {
      await rejects(over, status, code, messageIncludes);
    });
  }

  describe('StartTime / EndTime', () => {
    const hour = 3600 * 1000;
    const day = 24 * hour;
    it('malformed StartTime -> InvalidStartTime.Malformed', async () => {
      const end = inSeconds(Date.now() + 2 * hour);
      for (const bad of ['2030-01-01 00:00:00', 'tomorrow', '2030-13-01T00:00:00Z', '2030-01-01T00:00:00']) {
        await rejects({ StreamName: 's', StartTime: bad, EndTime: end }, 400, 'InvalidStartTime.Malformed');
      }
    });
    it('malformed EndTime -> InvalidEndTime.Malformed', async () => {
      const start = inSeconds(Date.now() + hour);
      for (const bad of ['2030-01-01', 'never', '2030-01-01T25:00:00Z']) {
        await rejects({ StreamName: 's', StartTime: start, EndTime: bad }, 400, 'InvalidEndTime.Malformed');
      }
    });
    it('EndTime not after StartTime -> InvalidEndTime.Mismatch', async () => {
      const start = inSeconds(Date.now() + 2 * hour);
      await rejects({ StreamName: 's', StartTime: start, EndTime: inSeconds(Date.now() + hour) }, 400, 'InvalidEndTime.Mismatch');
      await rejects({ StreamName: 's', StartTime: start, EndTime: start }, 400, 'InvalidEndTime.Mismatch');
    });
    it('only one of StartTime/EndTime -> MissingEndTime / MissingStartTime', async () => {
      await rejects({ StreamName: 's', StartTime: inSeconds(Date.now() + hour) }, 400, 'MissingEndTime');
      await rejects({ StreamName: 's', EndTime: inSeconds(Date.now() + hour) }, 400, 'MissingStartTime');
    });
    it('StartTime more than 7 days ahead is refused (InvalidStartTime.*)', async () => {
      const p = params({ StreamName: 's', StartTime: inSeconds(Date.now() + 8 * day), EndTime: inSeconds(Date.now() + 9 * day) });
      const err = await h.expectSdkError(client.call(ADD, p));
      assert.equal(err.status, 400);
      assert.match(err.code, /^InvalidStartTime\./);
      h.assertErrorBody(err.data, err.code);
    });
    it('EndTime in the past is refused (InvalidEndTime.*)', async () => {
      const p = params({ StreamName: 's', StartTime: inSeconds(Date.now() - 2 * hour), EndTime: inSeconds(Date.now() - hour) });
      const err = await h.expectSdkError(client.call(ADD, p));
      assert.equal(err.status, 400);
      assert.match(err.code, /^InvalidEndTime\./);
      h.assertErrorBody(err.data, err.code);
    });
    it('StartTime/EndTime on an app-level or "*" config is refused (400)', async () => {
      for (const stream of [null, '*']) {
        const p = params({ StreamName: stream, StartTime: inSeconds(Date.now() + hour), EndTime: inSeconds(Date.now() + 2 * hour) });
        const err = await h.expectSdkError(client.call(ADD, p));
        assert.equal(err.status, 400, `StreamName ${stream}: ${JSON.stringify(err.data)}`);
        h.assertErrorBody(err.data, err.code);
      }
    });
    it('a window longer than 7 days is cut to 7 days', async () => {
      const startMs = Math.floor((Date.now() + hour) / 1000) * 1000;
      const p = await accepts({ StreamName: 'week', StartTime: h.isoSeconds(startMs), EndTime: h.isoSeconds(startMs + 10 * day) });
      const res = await client.call(DESCRIBE, { DomainName: domain, AppName: p.AppName });
      const list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
      assert.equal(list[0].StartTime, h.isoSeconds(startMs));
      assert.equal(list[0].EndTime, h.isoSeconds(startMs + 7 * day));
    });
  });

  it('ConfigAlreadyExists for the same triplet (400)', async () => {
    const p = await accepts({ StreamName: 'dup' });
    const err = await h.expectSdkError(client.call(ADD, Object.assign({}, p, { 'RecordFormat.1.Format': 'flv' })));
    h.assertSdkError(err, 400, 'ConfigAlreadyExists', { host: server.host });
  });

  it('boundary values are accepted and stored', async () => {
    const rows = [
      [{ 'RecordFormat.1.CycleDuration': 900, 'RecordFormat.1.SliceDuration': 5 },
        { formats: [{ Format: 'm3u8', CycleDuration: 900, SliceDuration: 5 }] }],
      [{ 'RecordFormat.1.CycleDuration': 21600, 'RecordFormat.1.SliceDuration': 30 },
        { formats: [{ Format: 'm3u8', CycleDuration: 21600, SliceDuration: 30 }] }],
      [{ DelayTime: 15, OnDemand: 0 }, { DelayTime: 15, OnDemond: 0, formats: [{ Format: 'm3u8' }] }],
      [{ DelayTime: 21600, OnDemand: 1 }, { DelayTime: 21600, OnDemond: 1, formats: [{ Format: 'm3u8' }] }],
      [{ OnDemand: 7 }, { OnDemond: 7, formats: [{ Format: 'm3u8' }] }],
      [{ 'RecordFormat.1.Format': 'MP4', 'RecordFormat.2.Format': 'Flv' }, { formats: [{ Format: 'mp4' }, { Format: 'flv' }] }],
      // Only a transcode format (no RecordFormat) is enough.
      [{ 'RecordFormat.1.Format': null, 'TranscodeRecordFormat.1.Format': 'flv', 'TranscodeTemplates.1': 'sd-1_X' },
        { formats: [], transcodeFormats: [{ Format: 'flv' }], templates: ['sd-1_X'] }],
      // 212 + 43 = 255 bytes rendered: just short enough.
      [{ 'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.OssObjectPrefix': 'x'.repeat(212) + '{EscapedStartTime}_{EscapedEndTime}' },
        { formats: [{ Format: 'mp4', OssObjectPrefix: 'x'.repeat(212) + '{EscapedStartTime}_{EscapedEndTime}' }] }],
      [{ StreamName: '*', 'RecordFormat.1.Format': 'mp4',
        'RecordFormat.1.OssObjectPrefix': 'x'.repeat(179) + '{StreamName}/{EscapedStartTime}_{EscapedEndTime}' },
      { StreamName: '*', formats: [{ Format: 'mp4', OssObjectPrefix: 'x'.repeat(179) + '{StreamName}/{EscapedStartTime}_{EscapedEndTime}' }] }],
      // Non-contiguous indexes are taken in numeric order (2 before 10).
      [{ 'RecordFormat.1.Format': null, 'RecordFormat.10.Format': 'flv', 'RecordFormat.2.Format': 'mp4', 'RecordFormat.10.CycleDuration': 1000 },
        { formats: [{ Format: 'mp4' }, { Format: 'flv', CycleDuration: 1000 }] }],
      // Names: 255-byte AppName (with a template that does not render it), "_", "-", "." inside.
      [{ AppName: 'A'.repeat(255), 'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.OssObjectPrefix': 'r/{EscapedStartTime}_{EscapedEndTime}' },
        { AppName: 'A'.repeat(255), formats: [{ Format: 'mp4', OssObjectPrefix: 'r/{EscapedStartTime}_{EscapedEndTime}' }] }],
      [{ StreamName: 'Cam_1-a.b' }, { StreamName: 'Cam_1-a.b', formats: [{ Format: 'm3u8' }] }],
      // Unknown parameters (as the SDKs send) are ignored.
      [{ RegionId: 'cn-shanghai', OwnerId: '123', SecurityToken: '' }, { formats: [{ Format: 'm3u8' }] }],
    ];
    for (const [over, expOver] of rows) {
      const t0 = Date.now();
      const p = await accepts(over);
      const filter = { DomainName: domain, AppName: p.AppName };
      if (p.StreamName !== undefined) filter.StreamName = p.StreamName;
      const res = await client.call(DESCRIBE, filter);
      const list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
      h.assertRecord(list[0], Object.assign({
        DomainName: domain, AppName: p.AppName, StreamName: p.StreamName || '', createdAround: t0,
      }, expOver));
    }
  });

  it('rejected requests created nothing', async () => {
    const res = await client.call(DESCRIBE, { DomainName: domain, PageSize: '30' });
    const first = h.assertDescribe(res.body, { PageSize: 30 });
    const all = [...first];
    for (let page = 2; page <= res.body.TotalPage && page <= 10; page++) {
      const r = await client.call(DESCRIBE, { DomainName: domain, PageSize: '30', PageNum: String(page) });
      all.push(...h.assertDescribe(r.body, { PageSize: 30, PageNum: page }));
    }
    assert.deepEqual(all.map((r) => r.AppName).sort(), [...accepted].sort());
    assert.equal(res.body.TotalNum, accepted.length);
  });
});

// ---------------------------------------------------------------------------------------
describe('account scoping (tenant-b)', () => {
  let mine;
  let theirs;
  before(async () => {
    mine = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    theirs = h.openApiClient(server, h.TENANT_B_KEY, undefined);
    await mine.call(ADD, Object.assign({
      DomainName: 'scoped.example.com', AppName: 'live', OssEndpoint: 'local', OssBucket: 'records',
    }, h.flattenFormats([{ Format: 'mp4' }])));
  });

  it('tenant-b works on its own domain and bucket', async () => {
    assertOnlyRequestId(await theirs.call(ADD, Object.assign({
      DomainName: 'b.example.com', AppName: 'live', OssEndpoint: 'local', OssBucket: 'records-b',
    }, h.flattenFormats([{ Format: 'flv' }]))));
    const res = await theirs.call(DESCRIBE, { DomainName: 'b.example.com' });
    const list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    h.assertRecord(list[0], { DomainName: 'b.example.com', AppName: 'live', OssBucket: 'records-b', formats: [{ Format: 'flv' }] });
  });

  it('Update with OssBucket moves the config to another bucket of the account', async () => {
    assertOnlyRequestId(await theirs.call(UPDATE, {
      DomainName: 'b.example.com', AppName: 'live', OssEndpoint: 'local', OssBucket: 'records-b2',
    }));
    let res = await theirs.call(DESCRIBE, { DomainName: 'b.example.com', AppName: 'live' });
    let list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    h.assertRecord(list[0], { DomainName: 'b.example.com', AppName: 'live', OssBucket: 'records-b2', formats: [{ Format: 'flv' }] });
    // Without OssBucket the config stays in its (new) bucket.
    assertOnlyRequestId(await theirs.call(UPDATE, { DomainName: 'b.example.com', AppName: 'live', OssEndpoint: 'local', DelayTime: '45' }));
    res = await theirs.call(DESCRIBE, { DomainName: 'b.example.com', AppName: 'live' });
    list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    h.assertRecord(list[0], {
      DomainName: 'b.example.com', AppName: 'live', OssBucket: 'records-b2', DelayTime: 45, formats: [{ Format: 'flv' }],
    });
    // Back to records-b for the other tests.
    assertOnlyRequestId(await theirs.call(UPDATE, {
      DomainName: 'b.example.com', AppName: 'live', OssEndpoint: 'local', OssBucket: 'records-b', DelayTime: '180',
    }));
  });

  it('tenant-b cannot use a domain it has not declared (InvalidDomain.NotFound 404)', async () => {
    const err = await h.expectSdkError(theirs.call(ADD, Object.assign({
      DomainName: 'other.example.com', AppName: 'live', OssEndpoint: 'local', OssBucket: 'records-b',
    }, h.flattenFormats([{ Format: 'flv' }]))));
    h.assertSdkError(err, 404, 'InvalidDomain.NotFound', { host: server.host });
  });

  it("tenant-b cannot use the default account's bucket (InvalidBucket.NotFound 404)", async () => {
    const err = await h.expectSdkError(theirs.call(ADD, Object.assign({
      DomainName: 'b.example.com', AppName: 'app2', OssEndpoint: 'local', OssBucket: 'records',
    }, h.flattenFormats([{ Format: 'flv' }]))));
    h.assertSdkError(err, 404, 'InvalidBucket.NotFound');
  });

  it("tenant-b cannot see, update or delete the default account's configs", async () => {
    // Describe: either refused as an unknown domain or an empty list; never the config.
    let res;
    try {
      res = await theirs.call(DESCRIBE, { DomainName: 'scoped.example.com' });
    } catch (err) {
      h.assertSdkError(err, 404, 'InvalidDomain.NotFound');
    }
    if (res) h.assertDescribe(res.body, { TotalNum: 0, count: 0 });
    for (const [action, p] of [
      [DELETE, { DomainName: 'scoped.example.com', AppName: 'live' }],
      [UPDATE, { DomainName: 'scoped.example.com', AppName: 'live', OssEndpoint: 'local', DelayTime: '30' }],
    ]) {
      const err = await h.expectSdkError(theirs.call(action, p));
      assert.equal(err.status, 404, JSON.stringify(err.data));
      assert.ok(['InvalidDomain.NotFound', 'InvalidConfig.NotFound'].includes(err.code), err.code);
      h.assertErrorBody(err.data, err.code);
    }
    res = await mine.call(DESCRIBE, { DomainName: 'scoped.example.com' });
    const list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    h.assertRecord(list[0], { DomainName: 'scoped.example.com', AppName: 'live', formats: [{ Format: 'mp4' }] });
  });

  it("the default account cannot see or touch tenant-b's domain", async () => {
    let err = await h.expectSdkError(mine.call(DESCRIBE, { DomainName: 'b.example.com' }));
    h.assertSdkError(err, 404, 'InvalidDomain.NotFound');
    err = await h.expectSdkError(mine.call(DELETE, { DomainName: 'b.example.com', AppName: 'live' }));
    assert.equal(err.status, 404);
    assert.ok(['InvalidDomain.NotFound', 'InvalidConfig.NotFound'].includes(err.code), err.code);
    const res = await theirs.call(DESCRIBE, { DomainName: 'b.example.com' });
    h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
  });

  it('the disabled tenant-b key is refused (InvalidAccessKeyId.Inactive 400)', async () => {
    for (const c of h.allClients(server, h.TENANT_B_DISABLED_KEY)) {
      const err = await h.expectSdkError(c.call(DESCRIBE, { DomainName: 'b.example.com' }));
      h.assertSdkError(err, 400, 'InvalidAccessKeyId.Inactive', { host: server.host });
    }
  });
});
