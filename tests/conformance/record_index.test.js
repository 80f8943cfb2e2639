'use strict';
// Recorded content and index files (DescribeLiveStreamRecordContent,
// CreateLiveStreamRecordIndexFiles, DescribeLiveStreamRecordIndexFiles,
// DescribeLiveStreamRecordIndexFile, DeleteLiveStreamRecordIndexFiles) driven through the official
// SDK clients, over streams recorded from real ffmpeg pushes (faster than real time).
// Contract: docs/api/record-index.md, docs/api/README.md, docs/recording.md.
//
// Ground truth for the expected answers is the slice index, read straight from the server's
// database (SQLite or PostgreSQL: server.dbRows, harness.js), and the bucket files on disk.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');
const m = require('../integration/media.js');

const CONTENT = 'DescribeLiveStreamRecordContent';
const CREATE = 'CreateLiveStreamRecordIndexFiles';
const LIST = 'DescribeLiveStreamRecordIndexFiles';
const GET = 'DescribeLiveStreamRecordIndexFile';
const DELETE = 'DeleteLiveStreamRecordIndexFiles';

const DOMAIN = 'idx.example.com';
const B_DOMAIN = 'b.example.com';
const SEC = 1000;
const MIN = 60 * SEC;
const DAY = 24 * 3600 * SEC;
const ODD_SLICE_PREFIX = 'odd slices/a+b~直播/{StreamName}/{UnixTimestamp}_{Sequence}';

const EXTRA_TOML = `${m.TESTING}
[[buckets]]
endpoint = "local"
name = "records-2"
`;

// ---------------------------------------------------------------------------------------
// Helpers.

const floorS = (ms) => Math.floor(ms / SEC) * SEC;
const ceilS = (ms) => Math.ceil(ms / SEC) * SEC;
const iso = (ms) => h.isoSeconds(floorS(ms));

// Slices of one stream, from the slice index (ordered by start).
function sliceRows(server, stream, { domain = DOMAIN, app = 'live' } = {}) {
  const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const sql = 'SELECT s.start_ms, s.end_ms, s.duration_ms, s.endpoint, s.bucket, s.object_key, ' +
    's.video_codec, s.audio_codec, s.width, s.height, s.discontinuity FROM slices s JOIN streams st ' +
    'ON st.account_id = s.account_id AND st.id = s.stream_id ' +
    `WHERE st.domain_name = ${q(domain)} AND st.app_name = ${q(app)} AND st.stream_name = ${q(stream)} ` +
    'ORDER BY s.start_ms';
  return server.dbRows(sql);
}

// Slices whose start is in [S, E).
const within = (rows, S, E) => rows.filter((r) => r.start_ms >= S && r.start_ms < E);

// Expected DescribeLiveStreamRecordContent ranges for rows (touching = within 100 ms, same bucket).
function expectedRanges(rows) {
  const out = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.bucket === r.bucket && last.endpoint === r.endpoint && r.start_ms - last.end_ms <= 100) {
      last.end_ms = r.end_ms;
      last.duration_ms += r.duration_ms;
      last.rows.push(r);
    } else {
      out.push({ bucket: r.bucket, endpoint: r.endpoint, start_ms: r.start_ms, end_ms: r.end_ms,
        duration_ms: r.duration_ms, rows: [r] });
    }
  }
  return out;
}

// A second-resolution time must be the given instant to the second (truncated or rounded).
function assertAbout(s, ms, what) {
  assert.match(s, h.TIME_RE, `${what}: ${JSON.stringify(s)} must be yyyy-MM-ddTHH:mm:ssZ`);
  const d = Date.parse(s) - ms;
  assert.ok(d > -SEC && d < SEC, `${what}: ${s} should be ${new Date(ms).toISOString()} to the second`);
}

function assertDuration(got, ms, what = 'Duration') {
  assert.equal(typeof got, 'number', `${what} must be a number: ${JSON.stringify(got)}`);
  assert.ok(Math.abs(got - ms / 1000) < 0.0015, `${what}: ${got} s, expected ${ms / 1000} s`);
}

const sumMs = (rows) => rows.reduce((a, r) => a + r.duration_ms, 0);

// Percent-encodes a key segment by segment (RFC 3986).
const encKey = (key) => key.split('/').map(h.pe).join('/');

async function httpGet(url, method = 'GET') {
  const res = await fetch(url, { method, signal: AbortSignal.timeout(10000) });
  const body = method === 'HEAD' ? '' : await res.text();
  return { status: res.status, headers: res.headers, body };
}

function bucketFile(server, bucket, key) {
  return path.join(server.dataDir, 'buckets', bucket, key);
}

// Parses a media playlist: [{duration, uri, discontinuity}], targetDuration, ended.
function parsePlaylist(text) {
  assert.ok(text.startsWith('#EXTM3U\n'), `playlist starts with #EXTM3U: ${JSON.stringify(text.slice(0, 40))}`);
  const lines = text.split('\n');
  const segs = [];
  let target = null;
  let ended = false;
  let disc = false;
  let dur = null;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) target = Number(line.slice(22));
    else if (line === '#EXT-X-DISCONTINUITY') disc = true;
    else if (line.startsWith('#EXTINF:')) dur = Number(line.slice(8).split(',')[0]);
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line && !line.startsWith('#')) {
      assert.ok(dur !== null, `segment ${line} without #EXTINF`);
      segs.push({ duration: dur, uri: line, discontinuity: disc });
      dur = null;
      disc = false;
    }
  }
  return { segs, target, ended, text };
}

// Checks the playlist an index file points at: it is stored under (OssBucket, OssObject),
// served at RecordUrl (signed: the stored text with a token on each segment URI, added at serve
// time), lists exactly `rows` (URIs resolving to their objects, relative when the playlist is in
// the slices' bucket, absolute http:// otherwise), with #EXT-X-DISCONTINUITY exactly before the
// slices at the indexes in `disc`. With fetchSegments, each served (signed) segment URI is read
// (200) and the first stored (unsigned) one is refused (403).
async function checkPlaylist(server, info, rows, { disc = [], fetchSegments = true } = {}) {
  const file = bucketFile(server, info.OssBucket, info.OssObject);
  assert.ok(fs.existsSync(file), `index file ${info.OssBucket}/${info.OssObject} is not in the bucket`);
  const stored = fs.readFileSync(file, 'utf8');
  const res = await httpGet(info.RecordUrl);
  assert.equal(res.status, 200, `GET ${info.RecordUrl}`);
  assert.match(res.headers.get('content-type') || '', /mpegurl/i, 'playlist content type');
  const servedUris = h.assertSignedPlaylist(res.body, stored, 'RecordUrl serves the stored playlist, segments signed');
  const pl = parsePlaylist(stored);
  assert.ok(pl.ended, 'VOD playlist ends with #EXT-X-ENDLIST');
  assert.ok(/#EXT-X-ENDLIST\n?$/.test(stored), '#EXT-X-ENDLIST is the last line');
  assert.equal(pl.segs.length, rows.length, `segments in the playlist:\n${stored}`);
  assert.ok(Number.isInteger(pl.target) && pl.target >= 1, '#EXT-X-TARGETDURATION');
  for (const [i, seg] of pl.segs.entries()) {
    const row = rows[i];
    assert.ok(Math.round(seg.duration) <= pl.target, `EXTINF ${seg.duration} within TARGETDURATION ${pl.target}`);
    assert.ok(Math.abs(seg.duration - row.duration_ms / 1000) < 0.0015,
      `segment ${i}: EXTINF ${seg.duration}, slice lasts ${row.duration_ms} ms`);
    assert.equal(seg.discontinuity, disc.includes(i), `#EXT-X-DISCONTINUITY before segment ${i}:\n${stored}`);
    assert.match(seg.uri, /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$/, `segment URI ${JSON.stringify(seg.uri)} is percent-encoded`);
    const sameBucket = row.bucket === info.OssBucket;
    if (sameBucket) {
      assert.ok(!/^[a-z][a-z0-9+.-]*:/i.test(seg.uri) && !seg.uri.startsWith('/'),
        `segment URI ${seg.uri} must be relative (playlist in the slices' bucket)`);
    } else {
      assert.ok(seg.uri.startsWith(`${server.endpoint}/${row.bucket}/`),
        `segment URI ${seg.uri} must be absolute: ${server.endpoint}/${row.bucket}/<key>`);
    }
    const resolved = new URL(seg.uri, info.RecordUrl);
    assert.equal(resolved.origin, server.endpoint, `segment ${seg.uri} resolves to liverec`);
    const decoded = resolved.pathname.split('/').map(decodeURIComponent).join('/');
    assert.equal(decoded, `/${row.bucket}/${row.object_key}`, `segment ${i} resolves to its slice`);
    if (fetchSegments) {
      const signed = new URL(servedUris[i], info.RecordUrl).href;
      assert.equal(h.unsignedUrl(signed), resolved.href, `served segment ${i} is the stored one, signed`);
      const r = await httpGet(signed, 'HEAD');
      assert.equal(r.status, 200, `HEAD ${signed}`);
      if (i === 0) assert.equal((await httpGet(resolved.href, 'HEAD')).status, 403, `HEAD ${resolved.href} (no token)`);
    }
  }
  return pl;
}

const INFO_FIELDS = ['RecordId', 'RecordUrl', 'DomainName', 'AppName', 'StreamName', 'OssEndpoint', 'OssBucket',
  'OssObject', 'StartTime', 'EndTime', 'Duration', 'Width', 'Height', 'CreateTime'];

// Field-by-field check of a RecordInfo / RecordIndexInfo.
//   exp: {stream, domain, app, bucket, key (exact) | keyRe, rows, createdAround, index (true: has Format)}
function assertInfo(server, info, exp) {
  assert.ok(info && typeof info === 'object', `record info object: ${JSON.stringify(info)}`);
  const fields = exp.index ? [...INFO_FIELDS, 'Format'] : INFO_FIELDS;
  for (const k of fields) {
    assert.ok(Object.prototype.hasOwnProperty.call(info, k), `has ${k}: ${JSON.stringify(info)}`);
  }
  assert.equal(typeof info.RecordId, 'string');
  assert.ok(info.RecordId.length > 0, 'RecordId not empty');
  assert.equal(info.DomainName, exp.domain || DOMAIN, 'DomainName');
  assert.equal(info.AppName, exp.app || 'live', 'AppName');
  assert.equal(info.StreamName, exp.stream, 'StreamName');
  assert.equal(info.OssEndpoint, 'local', 'OssEndpoint');
  assert.equal(info.OssBucket, exp.bucket || 'records', 'OssBucket');
  if (exp.key !== undefined) assert.equal(info.OssObject, exp.key, 'OssObject');
  if (exp.keyRe !== undefined) assert.match(info.OssObject, exp.keyRe, 'OssObject');
  h.assertSignedUrl(info.RecordUrl, `${server.endpoint}/${info.OssBucket}/${encKey(info.OssObject)}`, { what: 'RecordUrl' });
  const rows = exp.rows;
  assert.ok(rows.length > 0, 'test bug: no rows');
  assertAbout(info.StartTime, rows[0].start_ms, 'StartTime (first slice start)');
  assertAbout(info.EndTime, rows[rows.length - 1].end_ms, 'EndTime (last slice end)');
  assertDuration(info.Duration, sumMs(rows));
  const firstVideo = rows.find((r) => r.width > 0) || { width: 0, height: 0 };
  assert.strictEqual(info.Width, firstVideo.width, 'Width');
  assert.strictEqual(info.Height, firstVideo.height, 'Height');
  h.assertTime(info.CreateTime, { aroundMs: exp.createdAround || Date.now(), toleranceMs: 2 * MIN });
  if (exp.index) assert.equal(info.Format, 'm3u8', 'Format');
}

async function ok(client, action, params) {
  const res = await client.call(action, params);
  assert.equal(res.status, 200, `${action}: HTTP 200`);
  h.assertRequestId(res.body.RequestId);
  return res.body;
}

async function rejects(client, action, params, status, code) {
  const err = await h.expectSdkError(client.call(action, params));
  h.assertSdkError(err, status, code);
  return err;
}

function contentList(body) {
  assert.ok(body.RecordContentInfoList && typeof body.RecordContentInfoList === 'object',
    `RecordContentInfoList: ${JSON.stringify(body)}`);
  const list = body.RecordContentInfoList.RecordContentInfo;
  assert.ok(Array.isArray(list), `RecordContentInfoList.RecordContentInfo is an array: ${JSON.stringify(body)}`);
  return list;
}

function assertRanges(list, ranges, prefix) {
  assert.equal(list.length, ranges.length, `ranges: ${JSON.stringify(list)}`);
  for (const [i, r] of ranges.entries()) {
    const got = list[i];
    assert.equal(got.OssEndpoint, r.endpoint, `range ${i} OssEndpoint`);
    assert.equal(got.OssBucket, r.bucket, `range ${i} OssBucket`);
    assert.equal(got.OssObjectPrefix, prefix, `range ${i} OssObjectPrefix`);
    assertAbout(got.StartTime, r.start_ms, `range ${i} StartTime`);
    assertAbout(got.EndTime, r.end_ms, `range ${i} EndTime`);
    assertDuration(got.Duration, r.duration_ms, `range ${i} Duration`);
  }
}

function indexList(body, { PageNum = 1, PageSize = 10, Order = 'asc', TotalNum, count } = {}) {
  assert.strictEqual(body.PageNum, PageNum, 'PageNum');
  assert.strictEqual(body.PageSize, PageSize, 'PageSize');
  assert.strictEqual(body.Order, Order, 'Order');
  if (TotalNum !== undefined) {
    assert.strictEqual(body.TotalNum, TotalNum, 'TotalNum');
    assert.strictEqual(body.TotalPage, Math.ceil(TotalNum / PageSize), 'TotalPage');
  }
  assert.ok(body.RecordIndexInfoList && typeof body.RecordIndexInfoList === 'object',
    `RecordIndexInfoList: ${JSON.stringify(body)}`);
  const list = body.RecordIndexInfoList.RecordIndexInfo;
  assert.ok(Array.isArray(list), `RecordIndexInfoList.RecordIndexInfo is an array: ${JSON.stringify(body)}`);
  if (count !== undefined) assert.equal(list.length, count, 'entries on this page');
  return list;
}

// Pushes `file` to a stream (faster than real time) and waits until the cycle playlist(s) of
// the stream in `bucket` number `cycles` (the cycle closed, so every slice is stored and indexed).
async function pushAndSettle(server, stream, file, { domain = DOMAIN, bucket = 'records', cycles = 1 } = {}) {
  const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${domain}`;
  const r = await m.push(file, url, { timeoutMs: 60000 }).done;
  assert.equal(r.code, 0, `ffmpeg push to ${url} failed: ${r.stderr}`);
  const dir = path.join(server.dataDir, 'buckets', bucket, 'record', 'live', stream);
  await m.waitFor(`${cycles} cycle playlist(s) of ${stream} in ${bucket}`,
    () => m.listFiles(dir, '.m3u8').length >= cycles, 30000);
}

// Waits until the wall clock is past `ms` (slices of a fast push end in the future).
async function waitUntil(ms) {
  const d = ms - Date.now();
  if (d > 0) await h.sleep(d);
}

function addConfig(client, params) {
  return client.call('AddLiveAppRecordConfig', Object.assign({
    DomainName: DOMAIN, AppName: 'live', OssEndpoint: 'local', OssBucket: 'records',
    'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': '2', DelayTime: '1',
  }, params));
}

// ---------------------------------------------------------------------------------------
// One server; streams recorded once in `before`:
//   s1     12 s, 2 s slices (6), bucket records
//   pg      4 s, 2 s slices (2) — used only by the listing tests
//   odd    12 s, 6 s slices (2), slice template with characters that need percent-encoding
//   gap     4 s + 4 s with a gap of more than 2.5 s between them (same bucket)
//   moved   4 s in records, then (config moved to records-2) 4 s in records-2
//   bs      4 s, tenant-b's domain b.example.com, bucket records-b
let server;
let admin;
const S = {}; // stream name -> slice rows
let span; // {S, E}: a range containing every slice of every stream

before(async () => {
  const f12 = m.makeTestFlv(12);
  const f4 = m.makeTestFlv(4);
  server = await h.startServer({ extraToml: EXTRA_TOML });
  admin = h.popClient(server, h.DEFAULT_KEY, 'POST');
  const tenantB = h.popClient(server, h.TENANT_B_KEY, 'POST');
  await addConfig(admin, { StreamName: '*' });
  await addConfig(admin, { StreamName: 'odd', 'RecordFormat.1.SliceDuration': '6',
    'RecordFormat.1.SliceOssObjectPrefix': ODD_SLICE_PREFIX });
  await addConfig(admin, { StreamName: 'moved' });
  await addConfig(tenantB, { DomainName: B_DOMAIN, StreamName: '*', OssBucket: 'records-b' });

  const t0 = Date.now();
  await Promise.all([
    pushAndSettle(server, 's1', f12),
    pushAndSettle(server, 'pg', f4),
    pushAndSettle(server, 'odd', f12),
    pushAndSettle(server, 'bs', f4, { domain: B_DOMAIN, bucket: 'records-b' }),
    (async () => {
      await pushAndSettle(server, 'gap', f4);
      const first = sliceRows(server, 'gap');
      await waitUntil(first[first.length - 1].end_ms + 3200);
      await pushAndSettle(server, 'gap', f4, { cycles: 2 });
    })(),
    (async () => {
      await pushAndSettle(server, 'moved', f4);
      const first = sliceRows(server, 'moved');
      await waitUntil(first[first.length - 1].end_ms + 600);
      await admin.call('UpdateLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live', StreamName: 'moved',
        OssEndpoint: 'local', OssBucket: 'records-2' });
      await pushAndSettle(server, 'moved', f4, { bucket: 'records-2' });
    })(),
  ]);
  for (const s of ['s1', 'pg', 'odd', 'gap', 'moved']) S[s] = sliceRows(server, s);
  S.bs = sliceRows(server, 'bs', { domain: B_DOMAIN });
  span = { S: floorS(t0) - 10 * MIN, E: ceilS(Date.now()) + 10 * MIN };

  // Preconditions of the tests below (about the recorder, not the API under test).
  assert.equal(S.s1.length, 6, `s1: six 2 s slices: ${JSON.stringify(S.s1)}`);
  assert.equal(S.pg.length, 2, 'pg: two slices');
  assert.equal(S.odd.length, 2, 'odd: two 6 s slices');
  assert.equal(S.gap.length, 4, 'gap: two slices per push');
  assert.equal(expectedRanges(S.gap).length, 2, 'gap: two ranges');
  assert.equal(S.moved.length, 4, 'moved: two slices per push');
  assert.deepEqual(S.moved.map((r) => r.bucket), ['records', 'records', 'records-2', 'records-2']);
  assert.equal(S.bs.length, 2, 'bs: two slices');
  for (const [name, rows] of Object.entries(S)) {
    for (let i = 1; i < rows.length; i++) {
      assert.ok(rows[i].start_ms >= rows[i - 1].end_ms - 100, `${name}: slices do not overlap`);
    }
  }
});

after(async () => { if (server) await server.stop(); });

const base = (stream, extra = {}) => Object.assign({ DomainName: DOMAIN, AppName: 'live', StreamName: stream }, extra);
const whole = (stream, extra = {}) => base(stream, Object.assign({ StartTime: iso(span.S), EndTime: iso(span.E) }, extra));
const createParams = (stream, object, extra = {}) => whole(stream, Object.assign({
  OssEndpoint: 'local', OssBucket: 'records', OssObject: object,
}, extra));

// ---------------------------------------------------------------------------------------
describe('the five actions through each SDK client', () => {
  for (const [i, make] of [
    (s) => h.popClient(s, h.DEFAULT_KEY, undefined),
    (s) => h.popClient(s, h.DEFAULT_KEY, 'POST'),
    (s) => h.openApiClient(s, h.DEFAULT_KEY, undefined),
    (s) => h.openApiClient(s, h.DEFAULT_KEY, 'v2'),
  ].entries()) {
    it(`client ${i}: content, create, list, describe, delete`, async () => {
      const client = make(server);
      const slug = `sdk${i}`;

      // Content: one range, the whole push.
      let body = await ok(client, CONTENT, whole('s1'));
      assertRanges(contentList(body), expectedRanges(S.s1), h.DEFAULT_SLICE_PREFIX);

      // Create over everything.
      const t0 = Date.now();
      body = await ok(client, CREATE, createParams('s1', `sdk/{AppName}/{StreamName}/${slug}.m3u8`));
      assert.deepEqual(Object.keys(body).sort(), ['RecordInfo', 'RequestId'], `${client.name}: ${JSON.stringify(body)}`);
      const info = body.RecordInfo;
      assertInfo(server, info, { stream: 's1', key: `sdk/live/s1/${slug}.m3u8`, rows: S.s1, createdAround: t0 });
      await checkPlaylist(server, info, S.s1);

      // Listed, and described alone, with the same fields plus Format.
      body = await ok(client, LIST, whole('s1', { PageSize: '30' }));
      const list = indexList(body, { PageSize: 30 });
      const listed = list.find((x) => x.RecordId === info.RecordId);
      assert.ok(listed, `${info.RecordId} is listed: ${JSON.stringify(list)}`);
      // The same but for RecordUrl's token (each answer signs anew).
      assert.deepEqual(h.unsignedInfo(listed), h.unsignedInfo(Object.assign({}, info, { Format: 'm3u8' })),
        'listed entry = created entry + Format');
      body = await ok(client, GET, base('s1', { RecordId: info.RecordId }));
      assert.deepEqual(Object.keys(body).sort(), ['RecordIndexInfo', 'RequestId']);
      assert.deepEqual(h.unsignedInfo(body.RecordIndexInfo), h.unsignedInfo(Object.assign({}, info, { Format: 'm3u8' })),
        'described entry');

      // Delete with the file.
      body = await ok(client, DELETE, base('s1', { 'RecordId.1': info.RecordId, RemoveFile: 'true' }));
      assert.equal(body.Code, 'OK');
      assert.equal(body.Message, 'OK');
      assert.deepEqual(body.RecordDeleteInfoList, { RecordDeleteInfo: [{ RecordId: info.RecordId, Message: 'OK' }] });
      assert.ok(!fs.existsSync(bucketFile(server, 'records', info.OssObject)), 'playlist object removed');
      assert.equal((await httpGet(info.RecordUrl)).status, 404, 'RecordUrl is gone');
      await rejects(client, GET, base('s1', { RecordId: info.RecordId }), 404, 'InvalidRecordId.NotFound');
    });
  }
});

// ---------------------------------------------------------------------------------------
describe('DescribeLiveStreamRecordContent', () => {
  let c;
  before(() => { c = h.openApiClient(server, h.DEFAULT_KEY, undefined); });

  it('one range for a continuous push, field by field', async () => {
    const body = await ok(c, CONTENT, whole('s1'));
    assert.deepEqual(Object.keys(body).sort(), ['RecordContentInfoList', 'RequestId']);
    const list = contentList(body);
    assert.equal(list.length, 1);
    assert.deepEqual(Object.keys(list[0]).sort(),
      ['Duration', 'EndTime', 'OssBucket', 'OssEndpoint', 'OssObjectPrefix', 'StartTime'].sort());
    assertRanges(list, expectedRanges(S.s1), h.DEFAULT_SLICE_PREFIX);
    assertAbout(list[0].StartTime, S.s1[0].start_ms, 'StartTime');
    assertAbout(list[0].EndTime, S.s1[5].end_ms, 'EndTime');
  });

  it('a gap between publishes splits the content in two ranges', async () => {
    const list = contentList(await ok(c, CONTENT, whole('gap')));
    assertRanges(list, expectedRanges(S.gap), h.DEFAULT_SLICE_PREFIX);
    assert.equal(list.length, 2);
    assert.ok(Date.parse(list[1].StartTime) - Date.parse(list[0].EndTime) >= 2 * SEC, 'the gap is visible');
  });

  it('touching slices in another bucket form another range', async () => {
    const list = contentList(await ok(c, CONTENT, whole('moved')));
    assertRanges(list, expectedRanges(S.moved), h.DEFAULT_SLICE_PREFIX);
    assert.deepEqual(list.map((r) => r.OssBucket), ['records', 'records-2']);
  });

  it('OssObjectPrefix is the SliceOssObjectPrefix the slices were recorded with', async () => {
    const list = contentList(await ok(c, CONTENT, whole('odd')));
    assertRanges(list, expectedRanges(S.odd), ODD_SLICE_PREFIX);
  });

  it('only slices whose start is in [StartTime, EndTime) count', async () => {
    const rows = S.s1;
    // StartTime just after slice 0 began: slice 0 is left out although it overlaps.
    let st = ceilS(rows[0].start_ms + 1);
    let list = contentList(await ok(c, CONTENT, base('s1', { StartTime: iso(st), EndTime: iso(span.E) })));
    assertRanges(list, expectedRanges(within(rows, st, span.E)), h.DEFAULT_SLICE_PREFIX);
    assert.equal(within(rows, st, span.E).length, 5);
    // EndTime just after slice 3 began: slices 0..3.
    const en = ceilS(rows[3].start_ms + 1);
    list = contentList(await ok(c, CONTENT, base('s1', { StartTime: iso(span.S), EndTime: iso(en) })));
    assertRanges(list, expectedRanges(rows.slice(0, 4)), h.DEFAULT_SLICE_PREFIX);
    // Both.
    st = ceilS(rows[1].start_ms + 1);
    list = contentList(await ok(c, CONTENT, base('s1', { StartTime: iso(st), EndTime: iso(en) })));
    assertRanges(list, expectedRanges(rows.slice(2, 4)), h.DEFAULT_SLICE_PREFIX);
  });

  it('no slices in the range: an empty list', async () => {
    for (const [st, en] of [[span.S - 2 * 3600 * SEC, span.S], [span.E, span.E + 3600 * SEC]]) {
      const body = await ok(c, CONTENT, base('s1', { StartTime: iso(st), EndTime: iso(en) }));
      assert.deepEqual(body.RecordContentInfoList, { RecordContentInfo: [] });
    }
  });

  it('Format=XML: one <RecordContentInfo> element per range', async () => {
    const res = await h.v1Call(server, { action: CONTENT, method: 'GET',
      params: whole('gap', { Format: 'XML' }) });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<DescribeLiveStreamRecordContentResponse>/);
    const ranges = res.text.match(/<RecordContentInfo>.*?<\/RecordContentInfo>/g) || [];
    assert.equal(ranges.length, 2, res.text);
    assert.match(res.text, /<RecordContentInfoList><RecordContentInfo>/);
    for (const r of ranges) assert.match(r, /<OssBucket>records<\/OssBucket>/);
  });

  it('a range of exactly 4 days and a start 89 days ago are accepted', async () => {
    const now = floorS(Date.now());
    let body = await ok(c, CONTENT, base('s1', { StartTime: iso(now - 4 * DAY + 5 * MIN), EndTime: iso(now + 5 * MIN) }));
    assertRanges(contentList(body), expectedRanges(S.s1), h.DEFAULT_SLICE_PREFIX);
    body = await ok(c, CONTENT, base('s1', { StartTime: iso(now - 89 * DAY), EndTime: iso(now - 88 * DAY) }));
    assert.deepEqual(contentList(body), []);
  });
});

// ---------------------------------------------------------------------------------------
// The common errors, for each action that takes a time range.
describe('common parameter and time errors', () => {
  let c;
  before(() => { c = h.popClient(server, h.DEFAULT_KEY, undefined); });
  const timeActions = [
    [CONTENT, (extra) => whole('s1', extra)],
    [CREATE, (extra) => createParams('s1', 'err/{StreamName}.m3u8', extra)],
    [LIST, (extra) => whole('s1', extra)],
  ];

  for (const [action, params] of timeActions) {
    it(`${action}: Missing{DomainName,AppName,StreamName,StartTime,EndTime}`, async () => {
      for (const name of ['DomainName', 'AppName', 'StreamName', 'StartTime', 'EndTime']) {
        const p = params();
        delete p[name];
        const err = await rejects(c, action, p, 400, `Missing${name}`);
        assert.ok(err.data.Message.startsWith(`${name} is mandatory for this action.`), err.data.Message);
      }
    });

    it(`${action}: malformed times`, async () => {
      for (const bad of ['2026-11-21 10:00:00', 'yesterday', '2026-13-01T00:00:00Z', '2026-11-21T10:00:00',
        '2026-11-21T25:00:00Z', '1763712000']) {
        await rejects(c, action, params({ StartTime: bad }), 400, 'InvalidStartTime.Malformed');
        await rejects(c, action, params({ EndTime: bad }), 400, 'InvalidEndTime.Malformed');
      }
    });

    it(`${action}: EndTime not after StartTime, or more than 4 days after: InvalidEndTime.Mismatch`, async () => {
      const now = floorS(Date.now());
      await rejects(c, action, params({ StartTime: iso(now), EndTime: iso(now) }), 400, 'InvalidEndTime.Mismatch');
      await rejects(c, action, params({ StartTime: iso(now), EndTime: iso(now - 3600 * SEC) }), 400, 'InvalidEndTime.Mismatch');
      await rejects(c, action, params({ StartTime: iso(now - 4 * DAY - SEC), EndTime: iso(now) }), 400,
        'InvalidEndTime.Mismatch');
      await rejects(c, action, params({ StartTime: iso(now - 10 * DAY), EndTime: iso(now) }), 400,
        'InvalidEndTime.Mismatch');
    });

    it(`${action}: a stream that never published is InvalidStream.NotFound (400)`, async () => {
      await rejects(c, action, params({ StreamName: 'never' }), 400, 'InvalidStream.NotFound');
      await rejects(c, action, params({ AppName: 'other' }), 400, 'InvalidStream.NotFound');
      await rejects(c, action, params({ DomainName: 'never.example.com' }), 400, 'InvalidStream.NotFound');
    });
  }

  for (const [action, params] of timeActions.slice(0, 2)) {
    it(`${action}: StartTime older than 90 days is InvalidStartTime.Mismatch`, async () => {
      const now = floorS(Date.now());
      await rejects(c, action, params({ StartTime: iso(now - 91 * DAY), EndTime: iso(now - 90 * DAY - 3600 * SEC) }),
        400, 'InvalidStartTime.Mismatch');
      await rejects(c, action, params({ StartTime: iso(now - 365 * DAY), EndTime: iso(now - 364 * DAY) }),
        400, 'InvalidStartTime.Mismatch');
    });
  }

  it(`${LIST}: index files stay listable for 180 days (recording.index_retention_days), not 90`, async () => {
    const now = floorS(Date.now());
    const [, params] = timeActions[2];
    const res = await c.call(LIST, params({ StartTime: iso(now - 120 * DAY), EndTime: iso(now - 119 * DAY) }));
    assert.equal(res.status, 200);
    assert.equal(res.body.TotalNum, 0);
    await rejects(c, LIST, params({ StartTime: iso(now - 181 * DAY), EndTime: iso(now - 180 * DAY - 3600 * SEC) }),
      400, 'InvalidStartTime.Mismatch');
  });

  it(`${GET} and ${DELETE}: Missing{DomainName,AppName,StreamName}; a stream that never published`, async () => {
    for (const [action, p] of [
      [GET, base('s1', { RecordId: 'x' })],
      [DELETE, base('s1', { 'RecordId.1': 'x', RemoveFile: 'false' })],
    ]) {
      for (const name of ['DomainName', 'AppName', 'StreamName']) {
        const q = Object.assign({}, p);
        delete q[name];
        await rejects(c, action, q, 400, `Missing${name}`);
      }
      await rejects(c, action, Object.assign({}, p, { StreamName: 'never' }), 400, 'InvalidStream.NotFound');
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('CreateLiveStreamRecordIndexFiles', () => {
  let c;
  before(() => { c = h.popClient(server, h.DEFAULT_KEY, 'POST'); });

  async function create(stream, object, extra = {}) {
    const t0 = Date.now();
    const body = await ok(c, CREATE, createParams(stream, object, extra));
    return { info: body.RecordInfo, t0 };
  }

  it('whole range: every slice, relative URIs, no discontinuity', async () => {
    const { info, t0 } = await create('s1', 'idx/{AppName}/{StreamName}/all.m3u8');
    assertInfo(server, info, { stream: 's1', key: 'idx/live/s1/all.m3u8', rows: S.s1, createdAround: t0 });
    await checkPlaylist(server, info, S.s1);
  });

  it('a slice that began before StartTime is left out; EndTime is exclusive', async () => {
    const rows = S.s1;
    const st = ceilS(rows[0].start_ms + 1);
    const en = ceilS(rows[4].start_ms + 1); // slices 1..4
    const { info } = await create('s1', 'idx/sub.m3u8', { StartTime: iso(st), EndTime: iso(en) });
    assertInfo(server, info, { stream: 's1', key: 'idx/sub.m3u8', rows: rows.slice(1, 5) });
    await checkPlaylist(server, info, rows.slice(1, 5));
  });

  it('EndTimeIncluded=true adds the first slice after a gap that EndTime falls into', async () => {
    const rows = S.gap;
    const st = floorS(rows[0].start_ms);
    const en = ceilS(rows[1].end_ms) + SEC; // in the gap
    assert.ok(en < rows[2].start_ms, 'precondition: EndTime falls in the gap');
    let r = await create('gap', 'eti/{StreamName}-default.m3u8', { StartTime: iso(st), EndTime: iso(en) });
    assertInfo(server, r.info, { stream: 'gap', key: 'eti/gap-default.m3u8', rows: rows.slice(0, 2) });
    await checkPlaylist(server, r.info, rows.slice(0, 2));
    r = await create('gap', 'eti/{StreamName}-false.m3u8', { StartTime: iso(st), EndTime: iso(en), EndTimeIncluded: 'false' });
    assertInfo(server, r.info, { stream: 'gap', key: 'eti/gap-false.m3u8', rows: rows.slice(0, 2) });
    r = await create('gap', 'eti/{StreamName}-true.m3u8', { StartTime: iso(st), EndTime: iso(en), EndTimeIncluded: 'true' });
    assertInfo(server, r.info, { stream: 'gap', key: 'eti/gap-true.m3u8', rows: rows.slice(0, 3) });
    await checkPlaylist(server, r.info, rows.slice(0, 3), { disc: [2] });
  });

  it('EndTimeIncluded=true adds nothing when the included slices already reach EndTime', async () => {
    const rows = S.s1;
    const st = floorS(rows[0].start_ms);
    const en = ceilS(rows[2].start_ms + 1); // slices 0..2; slice 2 ends after EndTime
    const { info } = await create('s1', 'eti/s1-true.m3u8', { StartTime: iso(st), EndTime: iso(en), EndTimeIncluded: 'true' });
    assertInfo(server, info, { stream: 's1', key: 'eti/s1-true.m3u8', rows: rows.slice(0, 3) });
    await checkPlaylist(server, info, rows.slice(0, 3));
  });

  it('#EXT-X-DISCONTINUITY before the first slice after a gap, only there', async () => {
    const { info } = await create('gap', 'idx/{StreamName}/all.m3u8');
    assertInfo(server, info, { stream: 'gap', key: 'idx/gap/all.m3u8', rows: S.gap });
    await checkPlaylist(server, info, S.gap, { disc: [2] });
  });

  it('slice keys that need percent-encoding are percent-encoded relative URIs that resolve', async () => {
    const { info } = await create('odd', 'idx/{StreamName}/all.m3u8');
    assertInfo(server, info, { stream: 'odd', key: 'idx/odd/all.m3u8', rows: S.odd });
    assert.ok(S.odd[0].object_key.startsWith('odd slices/a+b~直播/odd/'), S.odd[0].object_key);
    await checkPlaylist(server, info, S.odd);
  });

  it('a playlist in another bucket than the slices carries absolute http:// URLs', async () => {
    let { info } = await create('s1', 'x/{StreamName}.m3u8', { OssBucket: 'records-2' });
    assertInfo(server, info, { stream: 's1', bucket: 'records-2', key: 'x/s1.m3u8', rows: S.s1 });
    assert.ok(info.RecordUrl.startsWith(`${server.endpoint}/records-2/`), info.RecordUrl);
    await checkPlaylist(server, info, S.s1);
    ({ info } = await create('odd', 'x/{StreamName}.m3u8', { OssBucket: 'records-2' }));
    await checkPlaylist(server, info, S.odd);
  });

  it('slices recorded into another bucket: relative there, absolute from records', async () => {
    const rows = S.moved.slice(2);
    const st = floorS(rows[0].start_ms);
    assert.ok(st > S.moved[1].start_ms, 'precondition');
    let { info } = await create('moved', 'm/{StreamName}.m3u8', { StartTime: iso(st), OssBucket: 'records-2' });
    assertInfo(server, info, { stream: 'moved', bucket: 'records-2', key: 'm/moved.m3u8', rows });
    await checkPlaylist(server, info, rows);
    ({ info } = await create('moved', 'm/{StreamName}.m3u8', { StartTime: iso(st), OssBucket: 'records' }));
    assertInfo(server, info, { stream: 'moved', bucket: 'records', key: 'm/moved.m3u8', rows });
    await checkPlaylist(server, info, rows);
  });

  it('the range spanning both buckets is InvalidConfig.Changed (400); each part alone works', async () => {
    await rejects(c, CREATE, createParams('moved', 'm/both.m3u8'), 400, 'InvalidConfig.Changed');
    assert.ok(!fs.existsSync(bucketFile(server, 'records', 'm/both.m3u8')), 'nothing written');
    const en = ceilS(S.moved[1].start_ms + 1);
    const { info } = await create('moved', 'm/first.m3u8', { EndTime: iso(en) });
    assertInfo(server, info, { stream: 'moved', key: 'm/first.m3u8', rows: S.moved.slice(0, 2) });
  });

  it('OssObject variables render from StartTime/EndTime (UTC); nothing is appended', async () => {
    const rows = S.s1;
    const st = floorS(rows[0].start_ms) - 7 * SEC;
    const en = st + 3600 * SEC + 13 * SEC;
    const d = new Date(st).toISOString();
    const esc = (ms) => new Date(ms).toISOString().slice(0, 19).replace(/[T:]/g, '-');
    const { info } = await create('s1',
      'vars/{AppName}/{StreamName}/{Date}/{Hour}-{Minute}-{Second}/{EscapedStartTime}_{EscapedEndTime}_{UnixTimestamp}.m3u8',
      { StartTime: iso(st), EndTime: iso(en) });
    const key = `vars/live/s1/${d.slice(0, 10)}/${d.slice(11, 13)}-${d.slice(14, 16)}-${d.slice(17, 19)}/` +
      `${esc(st)}_${esc(en)}_${st / 1000}.m3u8`;
    assertInfo(server, info, { stream: 's1', key, rows });
    // No extension added.
    const r = await create('s1', 'plain/{StreamName}');
    assert.equal(r.info.OssObject, 'plain/s1');
    assert.ok(fs.existsSync(bucketFile(server, 'records', 'plain/s1')));
  });

  it('an OssObject with characters that need encoding: RecordUrl is percent-encoded and works', async () => {
    const { info } = await create('s1', 'sp ace/{StreamName} x+y.m3u8');
    assertInfo(server, info, { stream: 's1', key: 'sp ace/s1 x+y.m3u8', rows: S.s1 });
    assert.ok(!/[ ]/.test(info.RecordUrl), `RecordUrl ${info.RecordUrl} is a valid URL`);
    await checkPlaylist(server, info, S.s1);
  });

  it('a taken name gets _1, _2 before the extension; nothing is overwritten', async () => {
    const a = await create('s1', 'taken/{StreamName}.m3u8', { EndTime: iso(ceilS(S.s1[1].start_ms + 1)) });
    assert.equal(a.info.OssObject, 'taken/s1.m3u8');
    const before = fs.readFileSync(bucketFile(server, 'records', 'taken/s1.m3u8'), 'utf8');
    const b = await create('s1', 'taken/{StreamName}.m3u8');
    assert.equal(b.info.OssObject, 'taken/s1_1.m3u8');
    h.assertSignedUrl(b.info.RecordUrl, `${server.endpoint}/records/taken/s1_1.m3u8`, { what: 'RecordUrl' });
    const c2 = await create('s1', 'taken/{StreamName}.m3u8');
    assert.equal(c2.info.OssObject, 'taken/s1_2.m3u8');
    assert.equal(fs.readFileSync(bucketFile(server, 'records', 'taken/s1.m3u8'), 'utf8'), before, 'first one untouched');
    await checkPlaylist(server, a.info, S.s1.slice(0, 2), { fetchSegments: false });
    await checkPlaylist(server, b.info, S.s1, { fetchSegments: false });
    assert.equal(new Set([a.info.RecordId, b.info.RecordId, c2.info.RecordId]).size, 3, 'distinct RecordIds');
    // The cycle playlist written by the recorder is not overwritten either.
    const cycleKey = path.relative(bucketFile(server, 'records', ''),
      m.listFiles(bucketFile(server, 'records', 'record/live/s1'), '.m3u8')[0]);
    const cycleText = fs.readFileSync(bucketFile(server, 'records', cycleKey), 'utf8');
    const d = await create('s1', cycleKey);
    assert.equal(d.info.OssObject, cycleKey.replace(/\.m3u8$/, '_1.m3u8'));
    assert.equal(fs.readFileSync(bucketFile(server, 'records', cycleKey), 'utf8'), cycleText);
  });

  it('a range shorter than the slice duration is InvalidEndTime.Mismatch', async () => {
    // s1 was recorded with 2 s slices: 1 s is too short.
    let st = floorS(S.s1[0].start_ms);
    await rejects(c, CREATE, createParams('s1', 'short/a.m3u8', { StartTime: iso(st), EndTime: iso(st + SEC) }),
      400, 'InvalidEndTime.Mismatch');
    // odd was recorded with 6 s slices: 5 s is too short, 6 s is enough.
    st = floorS(S.odd[0].start_ms);
    await rejects(c, CREATE, createParams('odd', 'short/b.m3u8', { StartTime: iso(st), EndTime: iso(st + 5 * SEC) }),
      400, 'InvalidEndTime.Mismatch');
    const { info } = await create('odd', 'short/c.m3u8', { StartTime: iso(st), EndTime: iso(st + 6 * SEC) });
    assertInfo(server, info, { stream: 'odd', key: 'short/c.m3u8', rows: S.odd.slice(0, 1) });
    assert.ok(!fs.existsSync(bucketFile(server, 'records', 'short/a.m3u8')));
    assert.ok(!fs.existsSync(bucketFile(server, 'records', 'short/b.m3u8')));
  });

  it('nothing recorded in the range is NoRecordContent (400)', async () => {
    await rejects(c, CREATE, createParams('s1', 'none/a.m3u8', { StartTime: iso(span.S - 3600 * SEC), EndTime: iso(span.S) }),
      400, 'NoRecordContent');
    await rejects(c, CREATE, createParams('s1', 'none/b.m3u8', { StartTime: iso(span.E), EndTime: iso(span.E + 3600 * SEC) }),
      400, 'NoRecordContent');
    // In the gap of "gap".
    const st = ceilS(S.gap[1].end_ms);
    assert.ok(st + 2 * SEC <= S.gap[2].start_ms, 'precondition: a 2 s window in the gap');
    await rejects(c, CREATE, createParams('gap', 'none/c.m3u8', { StartTime: iso(st), EndTime: iso(st + 2 * SEC) }),
      400, 'NoRecordContent');
    assert.ok(!fs.existsSync(bucketFile(server, 'records', 'none')), 'nothing written');
  });

  it('Missing{OssEndpoint,OssBucket,OssObject}', async () => {
    for (const name of ['OssEndpoint', 'OssBucket', 'OssObject']) {
      const p = createParams('s1', 'missing.m3u8');
      delete p[name];
      await rejects(c, CREATE, p, 400, `Missing${name}`);
    }
  });

  it('OssEndpoint / OssBucket errors as for record configs', async () => {
    const cases = [
      [{ OssEndpoint: 'bad endpoint!' }, 400, 'InvalidOssEndpoint.Malformed'],
      [{ OssBucket: 'Bad_Bucket' }, 400, 'InvalidOssBucket.Malformed'],
      [{ OssBucket: 'ab' }, 400, 'InvalidOssBucket.Malformed'],
      [{ OssBucket: '-records' }, 400, 'InvalidOssBucket.Malformed'],
      [{ OssBucket: 'no-such-bucket' }, 400, 'InvalidOssBucket.NotFound'],
      [{ OssEndpoint: 'oss-cn-shanghai.aliyuncs.com' }, 400, 'InvalidOssBucket.NotFound'],
      [{ OssBucket: 'records-b' }, 404, 'InvalidBucket.NotFound'],
      [{ OssBucket: 'records-b2' }, 404, 'InvalidBucket.NotFound'],
    ];
    for (const [over, status, code] of cases) {
      await rejects(c, CREATE, createParams('s1', 'bucketerr/x.m3u8', over), status, code);
    }
    assert.ok(!fs.existsSync(bucketFile(server, 'records-b', 'bucketerr')), "nothing written to tenant-b's bucket");
  });

  it('OssObject that renders to an invalid key or has an unknown variable: InvalidOssObject.Malformed', async () => {
    for (const bad of ['../x.m3u8', 'a/../x.m3u8', '/abs.m3u8', 'a//b.m3u8', 'a/./b.m3u8', 'a\\b.m3u8',
      'ctl\u0001.m3u8', 'x'.repeat(256), 'v/{Foo}.m3u8', 'v/{Sequence}.m3u8', 'v/{appname}.m3u8', 'v/{AppName.m3u8']) {
      await rejects(c, CREATE, createParams('s1', bad), 400, 'InvalidOssObject.Malformed');
    }
  });

  it('the rendered OssObject must be shorter than 256 bytes', async () => {
    // "k/" + N x + "live" + "s1": 255 bytes with N = 247, 256 with N = 248.
    await rejects(c, CREATE, createParams('s1', `k/${'x'.repeat(248)}{AppName}{StreamName}`), 400, 'InvalidOssObject.Malformed');
    const { info } = await create('s1', `k/${'x'.repeat(247)}{AppName}{StreamName}`);
    assert.equal(info.OssObject, `k/${'x'.repeat(247)}lives1`);
    assert.equal(Buffer.byteLength(info.OssObject), 255);
  });

  it('an OssObject under an existing object (a and a/b) is ObjectKeyConflict (409)', async () => {
    const { info } = await create('s1', 'clash/f.m3u8');
    assert.equal(info.OssObject, 'clash/f.m3u8');
    await rejects(c, CREATE, createParams('s1', 'clash/f.m3u8/x.m3u8'), 409, 'ObjectKeyConflict');
    assert.ok(fs.statSync(bucketFile(server, 'records', 'clash/f.m3u8')).isFile(), 'the existing object is untouched');
  });

  it('{StartTime}/{EndTime} are not OssObject variables here (only the listed ones)', async () => {
    await rejects(c, CREATE, createParams('s1', 'v/{StartTime}.m3u8'), 400, 'InvalidOssObject.Malformed');
  });

  it('rejected requests left no index-file records', async () => {
    for (const stream of ['s1', 'odd', 'gap', 'moved']) {
      const list = indexList(await ok(c, LIST, whole(stream, { PageSize: '30' })), { PageSize: 30 });
      assert.ok(list.length < 30, 'test bug: more than one page');
      for (const x of list) {
        assert.ok(!/^(err|bucketerr|none|v)\/|^k\/x{248}lives1$|^short\/[ab]\.m3u8$|^m\/both\.m3u8$|^clash\/f\.m3u8\//.test(x.OssObject),
          `${stream}: a rejected Create left ${x.OssObject}`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('DescribeLiveStreamRecordIndexFiles', () => {
  let c;
  const made = []; // RecordInfo of the files made here, in creation order
  let cycle; // the closed cycle of "pg", listed first
  let p0;
  let p1;
  before(async () => {
    c = h.openApiClient(server, h.DEFAULT_KEY, 'v2');
    [p0, p1] = S.pg;
    // The cycle recording shows up once its cycle has closed (it has: pushAndSettle).
    const body = await m.waitFor('the cycle recording of pg in the list', async () => {
      const b = await ok(c, LIST, whole('pg'));
      return b.TotalNum >= 1 ? b : null;
    }, 10000, 200);
    cycle = indexList(body, { TotalNum: 1, count: 1 })[0];
    for (let i = 0; i < 6; i++) {
      const st = i % 2 === 0 ? floorS(p0.start_ms) : ceilS(p0.start_ms + 1);
      const b = await ok(c, CREATE, createParams('pg', `pg/{StreamName}_${i}.m3u8`, { StartTime: iso(st) }));
      made.push(b.RecordInfo);
    }
  });

  it('lists the m3u8 recording of the closed cycle, field by field', async () => {
    assertInfo(server, cycle, { stream: 'pg', index: true, rows: S.pg,
      keyRe: /^record\/live\/pg\/\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d_\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\.m3u8$/ });
    await checkPlaylist(server, cycle, S.pg);
    const body = await ok(c, GET, base('pg', { RecordId: cycle.RecordId }));
    assert.deepEqual(h.unsignedInfo(body.RecordIndexInfo), h.unsignedInfo(cycle));
  });

  it('entries carry the RecordInfo fields plus Format', async () => {
    const list = indexList(await ok(c, LIST, whole('pg', { PageSize: '30' })), { PageSize: 30, TotalNum: 7, count: 7 });
    for (const [i, info] of made.entries()) {
      assertInfo(server, info, { stream: 'pg', key: `pg/pg_${i}.m3u8`, rows: i % 2 === 0 ? S.pg : [p1] });
      assert.deepEqual(h.unsignedInfo(list[i + 1]), h.unsignedInfo(Object.assign({}, info, { Format: 'm3u8' })));
    }
  });

  it('paging: PageSize 5 gives pages of 5 and 2 and an empty page 3; asc = creation order', async () => {
    const ids = [cycle.RecordId, ...made.map((x) => x.RecordId)];
    const seen = [];
    for (const [pn, count] of [[1, 5], [2, 2], [3, 0]]) {
      const body = await ok(c, LIST, whole('pg', { PageSize: '5', PageNum: String(pn) }));
      const list = indexList(body, { PageNum: pn, PageSize: 5, TotalNum: 7, count });
      seen.push(...list.map((x) => x.RecordId));
    }
    assert.deepEqual(seen, ids);
  });

  it('Order=desc reverses; defaults are PageNum 1, PageSize 10, asc', async () => {
    const ids = [cycle.RecordId, ...made.map((x) => x.RecordId)];
    let body = await ok(c, LIST, whole('pg', { PageSize: '5', Order: 'desc' }));
    let list = indexList(body, { PageSize: 5, Order: 'desc', TotalNum: 7, count: 5 });
    body = await ok(c, LIST, whole('pg', { PageSize: '5', Order: 'desc', PageNum: '2' }));
    list = list.concat(indexList(body, { PageNum: 2, PageSize: 5, Order: 'desc', TotalNum: 7, count: 2 }));
    assert.deepEqual(list.map((x) => x.RecordId), [...ids].reverse());
    body = await ok(c, LIST, whole('pg'));
    list = indexList(body, { TotalNum: 7, count: 7 });
    assert.deepEqual(list.map((x) => x.RecordId), ids);
    body = await ok(c, LIST, whole('pg', { Order: 'asc' }));
    indexList(body, { TotalNum: 7, count: 7 });
  });

  it('files whose content starts in [StartTime, EndTime)', async () => {
    const mid = ceilS(p0.start_ms + 1);
    let body = await ok(c, LIST, base('pg', { StartTime: iso(mid), EndTime: iso(span.E) }));
    let list = indexList(body, { TotalNum: 3, count: 3 });
    assert.deepEqual(list.map((x) => x.RecordId), [made[1], made[3], made[5]].map((x) => x.RecordId));
    body = await ok(c, LIST, base('pg', { StartTime: iso(span.S), EndTime: iso(mid) }));
    list = indexList(body, { TotalNum: 4, count: 4 });
    assert.deepEqual(list.map((x) => x.RecordId), [cycle, made[0], made[2], made[4]].map((x) => x.RecordId));
    body = await ok(c, LIST, base('pg', { StartTime: iso(span.E), EndTime: iso(span.E + DAY) }));
    list = indexList(body, { TotalNum: 0, count: 0 });
    assert.strictEqual(body.TotalPage, 0);
  });

  it('other streams are not mixed in', async () => {
    const gap = indexList(await ok(c, LIST, whole('gap', { PageSize: '30' })), { PageSize: 30 });
    assert.ok(gap.length >= 1, 'gap has its cycle recordings');
    for (const x of gap) assert.equal(x.StreamName, 'gap');
    assert.ok(!gap.some((x) => x.RecordId === cycle.RecordId || made.some((y) => y.RecordId === x.RecordId)),
      'no pg files listed for gap');
  });

  it('PageSize 5..30, PageNum >= 1, Order asc/desc', async () => {
    for (const ps of [5, 30]) {
      indexList(await ok(c, LIST, whole('pg', { PageSize: String(ps) })), { PageSize: ps, TotalNum: 7 });
    }
    for (const ps of ['4', '31', 'x']) await rejects(c, LIST, whole('pg', { PageSize: ps }), 400, 'InvalidPageSize.Malformed');
    for (const pn of ['0', '-1', 'x']) await rejects(c, LIST, whole('pg', { PageNum: pn }), 400, 'InvalidPageNum.Malformed');
    for (const o of ['up', 'ascending']) await rejects(c, LIST, whole('pg', { Order: o }), 400, 'InvalidOrder.Malformed');
  });
});

// ---------------------------------------------------------------------------------------
describe('DescribeLiveStreamRecordIndexFile', () => {
  let c;
  let info;
  before(async () => {
    c = h.popClient(server, h.DEFAULT_KEY, undefined);
    info = (await ok(c, CREATE, createParams('s1', 'one/{StreamName}.m3u8'))).RecordInfo;
  });

  it('returns {RecordIndexInfo} for the id', async () => {
    const body = await ok(c, GET, base('s1', { RecordId: info.RecordId }));
    assert.deepEqual(Object.keys(body).sort(), ['RecordIndexInfo', 'RequestId']);
    assertInfo(server, body.RecordIndexInfo, { stream: 's1', key: 'one/s1.m3u8', rows: S.s1, index: true });
    assert.deepEqual(h.unsignedInfo(body.RecordIndexInfo), h.unsignedInfo(Object.assign({}, info, { Format: 'm3u8' })));
  });

  it('MissingRecordId; unknown id or another stream\'s: InvalidRecordId.NotFound (404)', async () => {
    await rejects(c, GET, base('s1'), 400, 'MissingRecordId');
    await rejects(c, GET, base('s1', { RecordId: 'no-such-id' }), 404, 'InvalidRecordId.NotFound');
    await rejects(c, GET, base('s1', { RecordId: info.RecordId + '0' }), 404, 'InvalidRecordId.NotFound');
    await rejects(c, GET, base('odd', { RecordId: info.RecordId }), 404, 'InvalidRecordId.NotFound');
    await rejects(c, GET, base('s1', { AppName: 'other', RecordId: info.RecordId }), 400, 'InvalidStream.NotFound');
  });
});

// ---------------------------------------------------------------------------------------
describe('DeleteLiveStreamRecordIndexFiles', () => {
  let c;
  before(() => { c = h.openApiClient(server, h.DEFAULT_KEY, undefined); });

  const make = async (stream, object) => (await ok(c, CREATE, createParams(stream, object))).RecordInfo;
  const sliceFiles = () => Object.values(S).flat().map((r) => bucketFile(server, r.bucket, r.object_key));

  it('RemoveFile=false deletes the record and keeps the object', async () => {
    const info = await make('s1', 'del/keep.m3u8');
    const body = await ok(c, DELETE, base('s1', { 'RecordId.1': info.RecordId, RemoveFile: 'false' }));
    assert.deepEqual(Object.keys(body).sort(), ['Code', 'Message', 'RecordDeleteInfoList', 'RequestId']);
    assert.equal(body.Code, 'OK');
    assert.equal(body.Message, 'OK');
    assert.deepEqual(body.RecordDeleteInfoList, { RecordDeleteInfo: [{ RecordId: info.RecordId, Message: 'OK' }] });
    assert.ok(fs.existsSync(bucketFile(server, 'records', 'del/keep.m3u8')), 'object kept');
    assert.equal((await httpGet(info.RecordUrl)).status, 200);
    await rejects(c, GET, base('s1', { RecordId: info.RecordId }), 404, 'InvalidRecordId.NotFound');
    const list = indexList(await ok(c, LIST, whole('s1', { PageSize: '30' })), { PageSize: 30 });
    assert.ok(!list.some((x) => x.RecordId === info.RecordId), 'not listed any more');
  });

  it('RemoveFile=true deletes the objects, never the slices; one result per id, in order', async () => {
    const a = await make('s1', 'del/a.m3u8');
    const b = await make('s1', 'del/b.m3u8');
    const other = await make('odd', 'del/odd.m3u8');
    const body = await ok(c, DELETE, base('s1', {
      'RecordId.1': a.RecordId, 'RecordId.2': 'nope', 'RecordId.3': other.RecordId, 'RecordId.4': b.RecordId,
      RemoveFile: 'true',
    }));
    assert.equal(body.Code, 'OK');
    assert.equal(body.Message, 'OK');
    assert.deepEqual(body.RecordDeleteInfoList, { RecordDeleteInfo: [
      { RecordId: a.RecordId, Message: 'OK' },
      { RecordId: 'nope', Message: 'FileNotFound' },
      { RecordId: other.RecordId, Message: 'FileNotFound' },
      { RecordId: b.RecordId, Message: 'OK' },
    ] });
    for (const x of [a, b]) {
      assert.ok(!fs.existsSync(bucketFile(server, 'records', x.OssObject)), `${x.OssObject} removed`);
      assert.equal((await httpGet(x.RecordUrl)).status, 404);
    }
    // The other stream's file was not touched.
    assert.ok(fs.existsSync(bucketFile(server, 'records', other.OssObject)));
    const still = await ok(c, GET, base('odd', { RecordId: other.RecordId }));
    assert.equal(still.RecordIndexInfo.RecordId, other.RecordId);
    for (const f of sliceFiles()) assert.ok(fs.existsSync(f), `slice ${f} kept`);
    // Deleting again: FileNotFound per id.
    const again = await ok(c, DELETE, base('s1', { 'RecordId.1': a.RecordId, RemoveFile: 'true' }));
    assert.deepEqual(again.RecordDeleteInfoList, { RecordDeleteInfo: [{ RecordId: a.RecordId, Message: 'FileNotFound' }] });
  });

  it('MissingRecordId, MissingRemoveFile, InvalidRemoveFile.Malformed', async () => {
    const info = await make('s1', 'del/err.m3u8');
    await rejects(c, DELETE, base('s1', { RemoveFile: 'true' }), 400, 'MissingRecordId');
    await rejects(c, DELETE, base('s1', { 'RecordId.1': info.RecordId }), 400, 'MissingRemoveFile');
    for (const v of ['yes', '1', 'maybe']) {
      await rejects(c, DELETE, base('s1', { 'RecordId.1': info.RecordId, RemoveFile: v }), 400, 'InvalidRemoveFile.Malformed');
    }
    // Nothing was deleted.
    await ok(c, GET, base('s1', { RecordId: info.RecordId }));
    assert.ok(fs.existsSync(bucketFile(server, 'records', 'del/err.m3u8')));
  });
});

// ---------------------------------------------------------------------------------------
describe('account scoping (tenant-b)', () => {
  let mine;
  let theirs;
  let myInfo;
  let theirInfo;
  before(async () => {
    mine = h.popClient(server, h.DEFAULT_KEY, 'POST');
    theirs = h.openApiClient(server, h.TENANT_B_KEY, undefined);
    myInfo = (await ok(mine, CREATE, createParams('s1', 'scope/{StreamName}.m3u8'))).RecordInfo;
  });

  const bParams = (extra = {}) => Object.assign({ DomainName: B_DOMAIN, AppName: 'live', StreamName: 'bs',
    StartTime: iso(span.S), EndTime: iso(span.E) }, extra);

  it('tenant-b works on its own stream and bucket', async () => {
    const list = contentList(await ok(theirs, CONTENT, bParams()));
    assertRanges(list, expectedRanges(S.bs), h.DEFAULT_SLICE_PREFIX);
    assert.equal(list[0].OssBucket, 'records-b');
    const body = await ok(theirs, CREATE, bParams({ OssEndpoint: 'local', OssBucket: 'records-b', OssObject: 'b/{StreamName}.m3u8' }));
    theirInfo = body.RecordInfo;
    assertInfo(server, theirInfo, { domain: B_DOMAIN, stream: 'bs', bucket: 'records-b', key: 'b/bs.m3u8', rows: S.bs });
    await checkPlaylist(server, theirInfo, S.bs);
    const l = indexList(await ok(theirs, LIST, bParams({ PageSize: '30' })), { PageSize: 30 });
    assert.ok(l.some((x) => x.RecordId === theirInfo.RecordId));
    assert.ok(!l.some((x) => x.RecordId === myInfo.RecordId));
  });

  it("tenant-b cannot write into the default account's bucket (InvalidBucket.NotFound 404)", async () => {
    await rejects(theirs, CREATE, bParams({ OssEndpoint: 'local', OssBucket: 'records', OssObject: 'b/x.m3u8' }),
      404, 'InvalidBucket.NotFound');
    await rejects(theirs, CREATE, bParams({ OssEndpoint: 'local', OssBucket: 'records-2', OssObject: 'b/x.m3u8' }),
      404, 'InvalidBucket.NotFound');
  });

  it("neither account sees the other's streams", async () => {
    const probes = [
      [theirs, CONTENT, whole('s1')],
      [theirs, CREATE, createParams('s1', 'b/steal.m3u8', { OssBucket: 'records-b' })],
      [theirs, LIST, whole('s1')],
      [theirs, GET, base('s1', { RecordId: myInfo.RecordId })],
      [theirs, DELETE, base('s1', { 'RecordId.1': myInfo.RecordId, RemoveFile: 'true' })],
      [mine, CONTENT, bParams()],
      [mine, LIST, bParams()],
      [mine, GET, { DomainName: B_DOMAIN, AppName: 'live', StreamName: 'bs', RecordId: theirInfo.RecordId }],
      [mine, DELETE, { DomainName: B_DOMAIN, AppName: 'live', StreamName: 'bs', 'RecordId.1': theirInfo.RecordId, RemoveFile: 'true' }],
    ];
    for (const [client, action, p] of probes) {
      const err = await h.expectSdkError(client.call(action, p));
      const okCodes = [[404, 'InvalidDomain.NotFound'], [400, 'InvalidStream.NotFound']];
      assert.ok(okCodes.some(([s, code]) => s === err.status && code === err.code),
        `${action} across accounts: ${err.status} ${err.code}`);
      h.assertErrorBody(err.data, err.code);
    }
    assert.ok(!fs.existsSync(bucketFile(server, 'records-b', 'b/steal.m3u8')));
    // Both still exist.
    await ok(mine, GET, base('s1', { RecordId: myInfo.RecordId }));
    await ok(theirs, GET, { DomainName: B_DOMAIN, AppName: 'live', StreamName: 'bs', RecordId: theirInfo.RecordId });
  });

  it("a RecordId of the other account is not found through one's own stream", async () => {
    await rejects(theirs, GET, { DomainName: B_DOMAIN, AppName: 'live', StreamName: 'bs', RecordId: myInfo.RecordId },
      404, 'InvalidRecordId.NotFound');
    const body = await ok(theirs, DELETE, { DomainName: B_DOMAIN, AppName: 'live', StreamName: 'bs',
      'RecordId.1': myInfo.RecordId, RemoveFile: 'true' });
    assert.deepEqual(body.RecordDeleteInfoList, { RecordDeleteInfo: [{ RecordId: myInfo.RecordId, Message: 'FileNotFound' }] });
    await rejects(mine, GET, base('s1', { RecordId: theirInfo.RecordId }), 404, 'InvalidRecordId.NotFound');
    assert.ok(fs.existsSync(bucketFile(server, 'records', myInfo.OssObject)), 'not removed');
    await ok(mine, GET, base('s1', { RecordId: myInfo.RecordId }));
  });
});

// ---------------------------------------------------------------------------------------
// A second server: api.max_index_slices = 3, recording.time_zone = +08:00, 10-day slice retention.
describe('api.max_index_slices, recording.time_zone and recording.slice_retention_days', () => {
  let srv;
  let c;
  let rows;
  before(async () => {
    const f12 = m.makeTestFlv(12);
    srv = await h.startServer({ extraToml: `${m.TESTING}
[api]
max_index_slices = 3

[recording]
time_zone = "+08:00"
slice_retention_days = 10
` });
    c = h.popClient(srv, h.DEFAULT_KEY, 'POST');
    await addConfig(c, { StreamName: '*' });
    await pushAndSettle(srv, 'x1', f12);
    rows = sliceRows(srv, 'x1');
    assert.equal(rows.length, 6, 'precondition: six slices');
  });
  after(async () => { if (srv) await srv.stop(); });

  const p = (st, en, object) => ({ DomainName: DOMAIN, AppName: 'live', StreamName: 'x1', StartTime: iso(st),
    EndTime: iso(en), OssEndpoint: 'local', OssBucket: 'records', OssObject: object });

  it('more than max_index_slices slices is RecordContentExceed (400); exactly that many works', async () => {
    const st = floorS(rows[0].start_ms);
    await rejects(c, CREATE, p(st, ceilS(rows[5].end_ms) + MIN, 'ex/all.m3u8'), 400, 'RecordContentExceed');
    await rejects(c, CREATE, p(st, ceilS(rows[3].start_ms + 1), 'ex/four.m3u8'), 400, 'RecordContentExceed');
    const body = await ok(c, CREATE, p(st, ceilS(rows[2].start_ms + 1), 'ex/three.m3u8'));
    assertInfo(srv, body.RecordInfo, { stream: 'x1', key: 'ex/three.m3u8', rows: rows.slice(0, 3) });
    await checkPlaylist(srv, body.RecordInfo, rows.slice(0, 3));
    // Content is not limited.
    const list = contentList(await ok(c, CONTENT, { DomainName: DOMAIN, AppName: 'live', StreamName: 'x1',
      StartTime: iso(st), EndTime: iso(ceilS(rows[5].end_ms) + MIN) }));
    assertRanges(list, expectedRanges(rows), h.DEFAULT_SLICE_PREFIX);
  });

  it('OssObject time variables render in recording.time_zone; the API times stay UTC', async () => {
    const st = floorS(rows[3].start_ms);
    const en = ceilS(rows[5].end_ms) + 3600 * SEC;
    const tz = (ms) => new Date(ms + 8 * 3600 * SEC).toISOString();
    const esc = (ms) => tz(ms).slice(0, 19).replace(/[T:]/g, '-');
    const d = tz(st);
    const body = await ok(c, CREATE, p(st, en,
      'tz/{Date}/{Hour}{Minute}{Second}/{EscapedStartTime}_{EscapedEndTime}_{UnixTimestamp}.m3u8'));
    const key = `tz/${d.slice(0, 10)}/${d.slice(11, 13)}${d.slice(14, 16)}${d.slice(17, 19)}/` +
      `${esc(st)}_${esc(en)}_${st / 1000}.m3u8`;
    assertInfo(srv, body.RecordInfo, { stream: 'x1', key, rows: within(rows, st, en) });
    assert.match(body.RecordInfo.StartTime, /Z$/);
  });

  it('StartTime older than recording.slice_retention_days is InvalidStartTime.Mismatch', async () => {
    const now = floorS(Date.now());
    const q = (days) => ({ DomainName: DOMAIN, AppName: 'live', StreamName: 'x1',
      StartTime: iso(now - days * DAY), EndTime: iso(now - days * DAY + 3600 * SEC) });
    await rejects(c, CONTENT, q(11), 400, 'InvalidStartTime.Mismatch');
    await rejects(c, CREATE, Object.assign(q(11), { OssEndpoint: 'local', OssBucket: 'records', OssObject: 'ret/a.m3u8' }),
      400, 'InvalidStartTime.Mismatch');
    assert.deepEqual(contentList(await ok(c, CONTENT, q(9))), []);
    await rejects(c, CREATE, Object.assign(q(9), { OssEndpoint: 'local', OssBucket: 'records', OssObject: 'ret/b.m3u8' }),
      400, 'NoRecordContent');
  });

  it('retention at start: old slice rows and index-file records go, bucket objects stay', async () => {
    // Ages rows in the (stopped) server's database, then restarts it on the same data dir.
    const range = p(floorS(rows[0].start_ms), ceilS(rows[1].start_ms + 1), 'ret/old.m3u8');
    const old = (await ok(c, CREATE, range)).RecordInfo;
    const fresh = (await ok(c, CREATE, Object.assign({}, range, { OssObject: 'ret/fresh.m3u8' }))).RecordInfo;
    const tmp = srv.tmp;
    await srv.stop({ keep: true });
    const d11 = 11 * DAY;
    const d200 = 200 * DAY;
    assert.equal(srv.dbExec(`UPDATE slices SET start_ms = start_ms - ${d11}, end_ms = end_ms - ${d11} ` +
      `WHERE start_ms < ${rows[2].start_ms} AND start_ms >= ${rows[0].start_ms}`), 2);
    assert.equal(srv.dbExec(`UPDATE index_files SET created_at_ms = created_at_ms - ${d200}, start_ms = start_ms - ${d200}, ` +
      `end_ms = end_ms - ${d200} WHERE id = '${old.RecordId}'`), 1,
    'the index_files row of the RecordId (test assumption about the schema)');
    srv = await h.startServer({ reuse: tmp });
    c = h.popClient(srv, h.DEFAULT_KEY, 'POST');
    await m.waitFor('the retention job at start', () => sliceRows(srv, 'x1').length === 4, 15000, 200);
    await m.waitFor('the old index-file record to go', async () => {
      try {
        await c.call(GET, { DomainName: DOMAIN, AppName: 'live', StreamName: 'x1', RecordId: old.RecordId });
        return false;
      } catch (err) {
        h.assertSdkError(err, 404, 'InvalidRecordId.NotFound');
        return true;
      }
    }, 15000, 200);
    // Objects in buckets are never deleted: the old slices and the old playlist are still there.
    for (const r of rows) assert.ok(fs.existsSync(bucketFile(srv, 'records', r.object_key)), `${r.object_key} kept`);
    assert.ok(fs.existsSync(bucketFile(srv, 'records', old.OssObject)), 'old playlist object kept');
    const body = await ok(c, GET, { DomainName: DOMAIN, AppName: 'live', StreamName: 'x1', RecordId: fresh.RecordId });
    assert.equal(body.RecordIndexInfo.OssObject, 'ret/fresh.m3u8');
    const list = contentList(await ok(c, CONTENT, { DomainName: DOMAIN, AppName: 'live', StreamName: 'x1',
      StartTime: iso(floorS(rows[0].start_ms) - MIN), EndTime: iso(ceilS(rows[5].end_ms) + MIN) }));
    assertRanges(list, expectedRanges(rows.slice(2)), h.DEFAULT_SLICE_PREFIX);
  });
});
