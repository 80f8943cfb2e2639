'use strict';
// Recorded content and index files, end to end: a stream published twice in real time with a
// gap between the publishes; the API describes what was recorded and builds M3U8 index files
// over time ranges, which ffprobe/ffmpeg play over HTTP from liverec.
// Contract: docs/api/record-index.md, docs/recording.md.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'int.example.com';
const STREAM = 'gaps';
const SEC = 1000;
const MIN = 60 * SEC;
const SLICE_S = 2; // SliceDuration of the config: "within one slice"
const PUSH_S = 10; // each publish
const GAP_MS = 3000; // wall-clock pause between the publishes

const floorS = (ms) => Math.floor(ms / SEC) * SEC;
const ceilS = (ms) => Math.ceil(ms / SEC) * SEC;
const iso = (ms) => h.isoSeconds(floorS(ms));
const sumMs = (rows) => rows.reduce((a, r) => a + r.duration_ms, 0);

function sliceRows(server) {
  const sql = 'SELECT s.start_ms, s.end_ms, s.duration_ms, s.bucket, s.object_key, s.width, s.height ' +
    'FROM slices s JOIN streams st ON st.account_id = s.account_id AND st.id = s.stream_id ' +
    `WHERE st.domain_name = '${DOMAIN}' AND st.app_name = 'live' AND st.stream_name = '${STREAM}' ORDER BY s.start_ms`;
  return server.dbRows(sql);
}

function parsePlaylist(text) {
  assert.ok(text.startsWith('#EXTM3U\n'), 'playlist starts with #EXTM3U');
  assert.match(text, /#EXT-X-ENDLIST\n?$/, 'playlist ends with #EXT-X-ENDLIST');
  const segs = [];
  let disc = false;
  let dur = null;
  for (const line of text.split('\n')) {
    if (line === '#EXT-X-DISCONTINUITY') disc = true;
    else if (line.startsWith('#EXTINF:')) dur = Number(line.slice(8).split(',')[0]);
    else if (line && !line.startsWith('#')) {
      segs.push({ uri: line, duration: dur, discontinuity: disc });
      disc = false;
      dur = null;
    }
  }
  return segs;
}

async function get(url, method = 'GET') {
  const res = await fetch(url, { method, signal: AbortSignal.timeout(15000) });
  const buf = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer());
  return { status: res.status, buf };
}

function near(got, want, tol, what) {
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got}, expected ${want} ± ${tol}`);
}

describe('index files over a stream recorded in real time with a gap', () => {
  let server;
  let client;
  let rows; // slice index of the stream
  let first; // slices of publish 1
  let second; // slices of publish 2
  const wall = {};
  let whole; // {S, E} covering both publishes
  let cyclesListedAfterFirst;
  let listedWhileLive;

  before(async () => {
    const flv = m.makeTestFlv(PUSH_S);
    server = await h.startServer({ extraToml: `${m.TESTING}
[[buckets]]
endpoint = "local"
name = "records-2"
` });
    client = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await client.call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: STREAM, OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': String(SLICE_S), DelayTime: '1',
    });
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/${STREAM}?vhost=${DOMAIN}`;
    const listCycles = async () => (await client.call('DescribeLiveStreamRecordIndexFiles', {
      DomainName: DOMAIN, AppName: 'live', StreamName: STREAM,
      StartTime: iso(wall.s1 - 10 * MIN), EndTime: iso(wall.s1 + 10 * MIN), PageSize: '30',
    })).body;

    wall.s1 = Date.now();
    const p1 = m.push(flv, url, { realtime: true, timeoutMs: 60000 });
    // While the first cycle is open it is not listed.
    await h.sleep((PUSH_S / 2) * SEC);
    listedWhileLive = (await listCycles()).TotalNum;
    const r1 = await p1.done;
    wall.e1 = Date.now();
    assert.equal(r1.code, 0, `first push: ${r1.stderr}`);
    // Its cycle closes DelayTime (1 s) after the publisher left and then is listed.
    cyclesListedAfterFirst = await m.waitFor('the first cycle recording in the list',
      async () => { const b = await listCycles(); return b.TotalNum >= 1 ? b : null; }, 15000, 200);
    await h.sleep(Math.max(0, wall.e1 + GAP_MS - Date.now()));
    wall.s2 = Date.now();
    const r2 = await m.push(flv, url, { realtime: true, timeoutMs: 60000 }).done;
    wall.e2 = Date.now();
    assert.equal(r2.code, 0, `second push: ${r2.stderr}`);
    const dir = path.join(server.dataDir, 'buckets', 'records', 'record', 'live', STREAM);
    await m.waitFor('two cycle playlists', () => m.listFiles(dir, '.m3u8').length >= 2, 20000);

    rows = sliceRows(server);
    first = rows.filter((r) => r.start_ms < wall.s2);
    second = rows.filter((r) => r.start_ms >= wall.s2);
    assert.ok(first.length >= PUSH_S / SLICE_S && second.length >= PUSH_S / SLICE_S,
      `precondition: ${PUSH_S / SLICE_S} slices per publish: ${JSON.stringify(rows)}`);
    whole = { S: floorS(wall.s1) - MIN, E: ceilS(wall.e2) + MIN };
  });
  after(async () => { if (server) await server.stop(); });

  const base = (extra = {}) => Object.assign({ DomainName: DOMAIN, AppName: 'live', StreamName: STREAM }, extra);
  const create = async (extra) => {
    const res = await client.call('CreateLiveStreamRecordIndexFiles', base(Object.assign({
      OssEndpoint: 'local', OssBucket: 'records', StartTime: iso(whole.S), EndTime: iso(whole.E),
    }, extra)));
    assert.equal(res.status, 200);
    return res.body.RecordInfo;
  };
  const playlistOf = (info) => {
    const file = path.join(server.dataDir, 'buckets', info.OssBucket, info.OssObject);
    assert.ok(fs.existsSync(file), `${info.OssObject} stored`);
    return fs.readFileSync(file, 'utf8');
  };
  // Plays the playlist end to end over HTTP; returns ffprobe's duration.
  const play = (info) => {
    const decoded = m.decodeAll(info.RecordUrl);
    assert.equal(decoded.status, 0, `decoding ${info.RecordUrl}: ${decoded.stderr}`);
    return Number(m.ffprobe(info.RecordUrl).format.duration);
  };

  it('DescribeLiveStreamRecordContent: two ranges matching the two publishes within one slice', async () => {
    const res = await client.call('DescribeLiveStreamRecordContent', base({ StartTime: iso(whole.S), EndTime: iso(whole.E) }));
    const list = res.body.RecordContentInfoList.RecordContentInfo;
    assert.equal(list.length, 2, JSON.stringify(list));
    for (const [i, [ws, part]] of [[wall.s1, first], [wall.s2, second]].entries()) {
      const r = list[i];
      assert.equal(r.OssEndpoint, 'local');
      assert.equal(r.OssBucket, 'records');
      assert.equal(r.OssObjectPrefix, h.DEFAULT_SLICE_PREFIX);
      // What was pushed: starts when the publish started, lasts PUSH_S seconds.
      near(Date.parse(r.StartTime), ws, SLICE_S * SEC, `range ${i} StartTime vs publish start`);
      near(r.Duration, PUSH_S, SLICE_S, `range ${i} Duration`);
      near(Date.parse(r.EndTime) - Date.parse(r.StartTime), PUSH_S * SEC, SLICE_S * SEC, `range ${i} span`);
      // And exactly what the slice index holds.
      near(Date.parse(r.StartTime), part[0].start_ms, 999, `range ${i} StartTime vs first slice`);
      near(Date.parse(r.EndTime), part[part.length - 1].end_ms, 999, `range ${i} EndTime vs last slice`);
      near(r.Duration, sumMs(part) / 1000, 0.0015, `range ${i} Duration vs slices`);
    }
    assert.ok(Date.parse(list[1].StartTime) - Date.parse(list[0].EndTime) >= 2 * SEC, 'the gap is there');
  });

  it('whole range: one #EXT-X-DISCONTINUITY, plays end to end over HTTP, duration = recorded content', async () => {
    const info = await create({ OssObject: 'index/{AppName}/{StreamName}/whole.m3u8' });
    assert.equal(info.OssObject, `index/live/${STREAM}/whole.m3u8`);
    h.assertSignedUrl(info.RecordUrl, `${server.endpoint}/records/index/live/${STREAM}/whole.m3u8`,
      { what: 'RecordUrl' });
    const segs = parsePlaylist(playlistOf(info));
    assert.equal(segs.length, rows.length);
    assert.deepEqual(segs.map((s, i) => (s.discontinuity ? i : -1)).filter((i) => i >= 0), [first.length],
      'one discontinuity, before the first slice of the second publish');
    near(info.Duration, sumMs(rows) / 1000, 0.0015, 'Duration = sum of the slices');
    near(info.Duration, 2 * PUSH_S, SLICE_S, 'Duration = what was pushed');
    near(Date.parse(info.StartTime), rows[0].start_ms, 999, 'StartTime');
    near(Date.parse(info.EndTime), rows[rows.length - 1].end_ms, 999, 'EndTime');
    assert.equal(info.Width, 1280);
    assert.equal(info.Height, 720);
    near(play(info), info.Duration, 0.5, 'ffprobe duration of the playlist');
  });

  it('a sub-range: the slices starting in it, duration within one slice of the range', async () => {
    const S = ceilS(first[0].start_ms) + SEC;
    const E = S + 6 * SEC;
    const info = await create({ OssObject: 'index/sub.m3u8', StartTime: iso(S), EndTime: iso(E) });
    const inc = rows.filter((r) => r.start_ms >= S && r.start_ms < E);
    const segs = parsePlaylist(playlistOf(info));
    assert.equal(segs.length, inc.length);
    assert.ok(segs.every((s) => !s.discontinuity), 'no discontinuity inside one publish');
    assert.ok(Date.parse(info.StartTime) >= S - 999 && Date.parse(info.StartTime) < S + SLICE_S * SEC, info.StartTime);
    near(info.Duration, (E - S) / 1000, SLICE_S, 'Duration vs requested range');
    near(info.Duration, sumMs(inc) / 1000, 0.0015, 'Duration vs slices');
    near(play(info), (E - S) / 1000, SLICE_S, 'ffprobe duration vs requested range');
  });

  it('a sub-range across the gap plays, with the discontinuity', async () => {
    const S = floorS(first[first.length - 1].start_ms) - 2 * SEC;
    const E = ceilS(second[1].start_ms) + SEC;
    const info = await create({ OssObject: 'index/across.m3u8', StartTime: iso(S), EndTime: iso(E) });
    const inc = rows.filter((r) => r.start_ms >= S && r.start_ms < E);
    const segs = parsePlaylist(playlistOf(info));
    assert.equal(segs.length, inc.length);
    const at = inc.findIndex((r) => r.start_ms >= wall.s2);
    assert.deepEqual(segs.map((s, i) => (s.discontinuity ? i : -1)).filter((i) => i >= 0), [at]);
    near(play(info), sumMs(inc) / 1000, 0.5, 'ffprobe duration');
  });

  it('EndTime in the gap: EndTimeIncluded=true adds the first slice after it', async () => {
    const S = floorS(first[0].start_ms);
    const E = ceilS(first[first.length - 1].end_ms) + SEC;
    assert.ok(E < second[0].start_ms, 'precondition: EndTime in the gap');
    const without = await create({ OssObject: 'index/eti-false.m3u8', StartTime: iso(S), EndTime: iso(E) });
    assert.equal(parsePlaylist(playlistOf(without)).length, first.length);
    near(Date.parse(without.EndTime), first[first.length - 1].end_ms, 999, 'EndTime without');
    const withEnd = await create({ OssObject: 'index/eti-true.m3u8', StartTime: iso(S), EndTime: iso(E), EndTimeIncluded: 'true' });
    const segs = parsePlaylist(playlistOf(withEnd));
    assert.equal(segs.length, first.length + 1);
    assert.ok(segs[first.length].discontinuity, 'discontinuity before the added slice');
    near(Date.parse(withEnd.EndTime), second[0].end_ms, 999, 'EndTime with');
    assert.ok(Date.parse(withEnd.EndTime) >= E, 'the playlist covers EndTime');
    near(play(withEnd), sumMs(first) / 1000 + second[0].duration_ms / 1000, 0.5, 'ffprobe duration');
  });

  it('a playlist in another bucket: absolute http:// URLs that resolve, and it plays', async () => {
    const info = await create({ OssObject: 'cross/{StreamName}.m3u8', OssBucket: 'records-2' });
    assert.equal(info.OssBucket, 'records-2');
    h.assertSignedUrl(info.RecordUrl, `${server.endpoint}/records-2/cross/${STREAM}.m3u8`, { what: 'RecordUrl' });
    const stored = playlistOf(info);
    const segs = parsePlaylist(stored);
    assert.equal(segs.length, rows.length);
    // Served through its token, the playlist gives each absolute URL a token of its own (the
    // slices' bucket is private too, of the same account).
    const served = await get(info.RecordUrl);
    assert.equal(served.status, 200, `GET ${info.RecordUrl}`);
    const signed = h.assertSignedPlaylist(served.buf.toString('utf8'), stored);
    for (const [i, s] of segs.entries()) {
      assert.equal(s.uri, `${server.endpoint}/records/${rows[i].object_key.split('/').map(h.pe).join('/')}`,
        'absolute URL of the slice in its bucket');
      const r = await get(signed[i]);
      assert.equal(r.status, 200, `GET ${signed[i]}`);
      const file = path.join(server.dataDir, 'buckets', 'records', rows[i].object_key);
      assert.ok(r.buf.equals(fs.readFileSync(file)), `${signed[i]} serves the slice`);
    }
    assert.equal((await get(segs[0].uri)).status, 403, `${segs[0].uri} (as stored, no token) is refused`);
    near(play(info), sumMs(rows) / 1000, 0.5, 'ffprobe duration');
    // The same playlist made in the slices' bucket uses relative URIs.
    const local = await create({ OssObject: 'cross/{StreamName}.m3u8' });
    for (const s of parsePlaylist(playlistOf(local))) assert.ok(!s.uri.includes('://'), s.uri);
  });

  it('the m3u8 recording of each cycle is listed once the cycle has closed (DelayTime 1)', async () => {
    assert.strictEqual(listedWhileLive, 0, 'an open cycle is not listed');
    const firstList = cyclesListedAfterFirst.RecordIndexInfoList.RecordIndexInfo;
    assert.equal(firstList.length, 1);
    const res = await client.call('DescribeLiveStreamRecordIndexFiles', base({
      StartTime: iso(whole.S), EndTime: iso(whole.E), PageSize: '30',
    }));
    const list = res.body.RecordIndexInfoList.RecordIndexInfo;
    const cycles = list.filter((x) => x.OssObject.startsWith(`record/live/${STREAM}/`));
    assert.equal(cycles.length, 2, JSON.stringify(list));
    assert.equal(cycles[0].RecordId, firstList[0].RecordId);
    const dir = path.join(server.dataDir, 'buckets', 'records');
    const files = m.listFiles(path.join(dir, 'record', 'live', STREAM), '.m3u8').map((f) => path.relative(dir, f));
    assert.deepEqual(cycles.map((x) => x.OssObject).sort(), files);
    for (const [i, part] of [first, second].entries()) {
      const x = cycles[i];
      assert.equal(x.Format, 'm3u8');
      assert.equal(x.OssBucket, 'records');
      h.assertSignedUrl(x.RecordUrl, `${server.endpoint}/records/${x.OssObject}`, { what: 'RecordUrl' });
      near(Date.parse(x.StartTime), part[0].start_ms, 999, 'cycle StartTime');
      near(Date.parse(x.EndTime), part[part.length - 1].end_ms, 999, 'cycle EndTime');
      near(x.Duration, sumMs(part) / 1000, 0.0015, 'cycle Duration');
      assert.equal(x.Width, 1280);
      assert.equal(x.Height, 720);
      near(play(x), PUSH_S, SLICE_S, 'the cycle recording plays');
    }
    // Created index files are listed too, after the cycles (ascending creation time).
    assert.ok(list.length > 2);
    assert.deepEqual(list.slice(0, 2).map((x) => x.RecordId), cycles.map((x) => x.RecordId));
  });

  it('DescribeLiveStreamRecordIndexFile returns the created file', async () => {
    const info = await create({ OssObject: 'index/single.m3u8' });
    const res = await client.call('DescribeLiveStreamRecordIndexFile', base({ RecordId: info.RecordId }));
    // The same answer but for RecordUrl's token (signed anew by each call).
    assert.deepEqual(h.unsignedInfo(res.body.RecordIndexInfo), h.unsignedInfo(Object.assign({}, info, { Format: 'm3u8' })));
    h.assertSignedUrl(res.body.RecordIndexInfo.RecordUrl, h.unsignedUrl(info.RecordUrl), { what: 'RecordUrl' });
  });

  it('DeleteLiveStreamRecordIndexFiles: RemoveFile=true removes the object, RemoveFile=false keeps it', async () => {
    const gone = await create({ OssObject: 'del/gone.m3u8' });
    const kept = await create({ OssObject: 'del/kept.m3u8', OssBucket: 'records-2' });
    const goneFile = path.join(server.dataDir, 'buckets', 'records', gone.OssObject);
    const keptFile = path.join(server.dataDir, 'buckets', 'records-2', kept.OssObject);
    assert.ok(fs.existsSync(goneFile) && fs.existsSync(keptFile));
    assert.equal((await get(gone.RecordUrl)).status, 200);

    let res = await client.call('DeleteLiveStreamRecordIndexFiles', base({ 'RecordId.1': gone.RecordId, RemoveFile: 'true' }));
    assert.deepEqual(res.body.RecordDeleteInfoList, { RecordDeleteInfo: [{ RecordId: gone.RecordId, Message: 'OK' }] });
    assert.ok(!fs.existsSync(goneFile), 'object removed from the bucket');
    assert.equal((await get(gone.RecordUrl)).status, 404, 'and no longer served');

    res = await client.call('DeleteLiveStreamRecordIndexFiles', base({ 'RecordId.1': kept.RecordId, RemoveFile: 'false' }));
    assert.deepEqual(res.body.RecordDeleteInfoList, { RecordDeleteInfo: [{ RecordId: kept.RecordId, Message: 'OK' }] });
    assert.ok(fs.existsSync(keptFile), 'object kept');
    assert.equal((await get(kept.RecordUrl)).status, 200);
    // The kept playlist still plays: the slices were not touched.
    play(kept);
    for (const r of rows) {
      assert.ok(fs.existsSync(path.join(server.dataDir, 'buckets', 'records', r.object_key)), `${r.object_key} kept`);
    }
    for (const id of [gone.RecordId, kept.RecordId]) {
      const err = await h.expectSdkError(client.call('DescribeLiveStreamRecordIndexFile', base({ RecordId: id })));
      h.assertSdkError(err, 404, 'InvalidRecordId.NotFound');
    }
  });
});
