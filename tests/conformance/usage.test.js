'use strict';
// DescribeLiveDomainRecordUsageData through every SDK client, over recordings that really
// happened (two real ffmpeg publishers at once: one stream recorded as M3U8 + MP4 on one domain,
// one as M3U8 on another): the DataModule fields, Count and Duration per format, per domain and
// ungrouped, the default and empty SplitBy, account scoping, and the errors. The server writes its
// usage every 200 ms ([testing] usage_sample_ms) instead of every minute. Contract:
// docs/api/usage.md. The SDK packages have no typed client for this action: the harness's generic
// call paths send it, as they do every action.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const m = require('../integration/media.js');

const USAGE = 'DescribeLiveDomainRecordUsageData';
const D1 = 'usage.example.com';   // stream s1, M3U8 + MP4
const D2 = 'usage2.example.com';  // stream s2, M3U8
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

let server;
let q;  // the range every query uses: from the minute the publishes began, Interval 60
let lasted;  // how long each publish lasted (ms), by domain, measured by the test

function recordConfig(domain, formats) {
  const p = { DomainName: domain, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records' };
  formats.forEach((f, i) => { p[`RecordFormat.${i + 1}.Format`] = f; p[`RecordFormat.${i + 1}.SliceDuration`] = 1; });
  return p;
}

const modules = (body) => body.RecordUsageData.DataModule;
const sum = (list, field) => list.reduce((n, d) => n + d[field], 0);
const max = (list, field) => list.reduce((n, d) => Math.max(n, d[field]), 0);
const where = (list, key, value) => list.filter((d) => d[key] === value);

before(async () => {
  server = await h.startServer({ extraToml: `${m.TESTING}usage_sample_ms = 200
[[domains]]
name = "${D1}"

[[domains]]
name = "${D2}"
` });
  const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
  await c.call('AddLiveAppRecordConfig', recordConfig(D1, ['m3u8', 'mp4']));
  await c.call('AddLiveAppRecordConfig', recordConfig(D2, ['m3u8']));
  const flv = m.makeTestFlv(4);
  const t0 = Date.now();
  const url = (domain, stream) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${domain}`;
  lasted = {};
  await Promise.all([[D1, 's1'], [D2, 's2']].map(async ([domain, stream]) => {
    const began = Date.now();
    const r = await m.push(flv, url(domain, stream), { realtime: true }).done;
    assert.equal(r.code, 0, r.stderr);
    lasted[domain] = Date.now() - began;
  }));
  q = { StartTime: iso(t0 - (t0 % 60000)), EndTime: iso(Date.now() + 120000), Interval: 60 };
  // Both recordings ended (no stream live), then their last usage written: two reads a few
  // sampling periods apart agree.
  await m.waitFor('both streams offline', async () => {
    for (const domain of [D1, D2]) {
      const online = (await c.call('DescribeLiveStreamsOnlineList', { DomainName: domain })).body;
      if (online.TotalNum !== 0) return false;
    }
    return true;
  }, 15000);
  const total = async () => sum(modules((await c.call(USAGE, Object.assign({ SplitBy: '' }, q))).body), 'Duration');
  await m.waitFor('the usage written', async () => {
    const first = await total();
    await h.sleep(700);
    return first > 0 && first === await total();
  }, 15000, 0);
});
after(async () => { if (server) await server.stop(); });

const variants = h.clientVariants;
const expectError = h.expectActionError;
// A recording lasts from the publish to its end, a little less than the test measures around it.
function assertSeconds(seconds, ms, what) {
  assert.ok(seconds >= ms / 1000 - 2.5 && seconds <= ms / 1000 + 1, `${what}: ${seconds} s recorded, the publish lasted ${ms} ms`);
}

describe('DescribeLiveDomainRecordUsageData through each SDK client', () => {
  for (const [name, make] of variants()) {
    it(`${name}: the envelope and every field, split by domain and format (the default)`, async () => {
      const body = (await make(server).call(USAGE, Object.assign({ DomainName: `${D1},${D2}` }, q))).body;
      h.assertRequestId(body.RequestId);
      assert.deepEqual(Object.keys(body).sort(), ['EndTime', 'RecordUsageData', 'RequestId', 'StartTime']);
      assert.equal(body.StartTime, q.StartTime);
      assert.equal(body.EndTime, q.EndTime);
      const list = modules(body);
      assert.equal(list.length % 6, 0, 'each minute: 2 domains x 3 formats');
      const minutes = list.length / 6;
      assert.ok(minutes >= 1 && minutes <= 3, `${minutes} minutes`);
      for (const [i, d] of list.entries()) {
        assert.deepEqual(Object.keys(d).sort(), ['Count', 'Domain', 'Duration', 'Region', 'TimeStamp', 'Type']);
        assert.match(d.TimeStamp, h.TIME_RE);
        assert.equal(Date.parse(d.TimeStamp), Date.parse(q.StartTime) + Math.floor(i / 6) * 60000);
        assert.equal(d.Region, 'cn-shanghai');
        assert.equal(typeof d.Count, 'number');
        assert.equal(typeof d.Duration, 'number');
      }
      assert.deepEqual(list.slice(0, 6).map((d) => [d.Domain, d.Type]),
        [[D1, 'M3U8'], [D1, 'MP4'], [D1, 'FLV'], [D2, 'M3U8'], [D2, 'MP4'], [D2, 'FLV']]);
      const one = where(list, 'Domain', D1);
      const two = where(list, 'Domain', D2);
      assert.equal(max(where(one, 'Type', 'M3U8'), 'Count'), 1);
      assert.equal(max(where(one, 'Type', 'MP4'), 'Count'), 1);
      assert.equal(max(where(two, 'Type', 'M3U8'), 'Count'), 1);
      assert.equal(max(where(two, 'Type', 'MP4'), 'Count'), 0, 'D2 records no MP4');
      assert.equal(max(where(list, 'Type', 'FLV'), 'Count'), 0, 'nothing records FLV');
      assertSeconds(sum(where(one, 'Type', 'M3U8'), 'Duration'), lasted[D1], 'D1 M3U8');
      assert.equal(sum(where(one, 'Type', 'MP4'), 'Duration'), sum(where(one, 'Type', 'M3U8'), 'Duration'),
        'one recording, two formats: the same time each');
      assertSeconds(sum(where(two, 'Type', 'M3U8'), 'Duration'), lasted[D2], 'D2 M3U8');
    });

    it(`${name}: by format, by domain, and ungrouped (a stream counts once)`, async () => {
      const c = make(server);
      const call = async (extra) => modules((await c.call(USAGE, Object.assign({}, q, extra))).body);
      const byFormat = await call({ SplitBy: 'record_fmt', Region: 'cn-beijing' });
      assert.deepEqual(Object.keys(byFormat[0]).sort(), ['Count', 'Duration', 'Region', 'TimeStamp', 'Type']);
      assert.equal(byFormat[0].Region, 'cn-beijing');
      assert.equal(max(where(byFormat, 'Type', 'M3U8'), 'Count'), 2, 'both streams at once, in M3U8');
      assert.equal(max(where(byFormat, 'Type', 'MP4'), 'Count'), 1);
      const byDomain = await call({ SplitBy: 'domain' });
      assert.deepEqual(Object.keys(byDomain[0]).sort(), ['Count', 'Domain', 'Duration', 'Region', 'TimeStamp']);
      assert.deepEqual([...new Set(byDomain.map((d) => d.Domain))], [D1, D2], 'every domain of the account');
      assert.equal(max(where(byDomain, 'Domain', D1), 'Count'), 1, 'M3U8 + MP4 is one stream');
      const streams = await call({ SplitBy: '' });
      assert.deepEqual(Object.keys(streams[0]).sort(), ['Count', 'Duration', 'Region', 'TimeStamp']);
      assert.equal(max(streams, 'Count'), 2);
      assert.equal(sum(streams, 'Duration'), sum(where(byFormat, 'Type', 'M3U8'), 'Duration'),
        'every stream records M3U8: the stream time is the M3U8 time');
      assert.deepEqual(await call({ SplitBy: 'null' }), streams);
      const onlyTwo = await call({ DomainName: D2, SplitBy: 'record_fmt' });
      assert.equal(max(where(onlyTwo, 'Type', 'MP4'), 'Count'), 0);
      assert.equal(max(where(onlyTwo, 'Type', 'M3U8'), 'Count'), 1);
      // Five-minute intervals: the same peak and time, in one or two intervals.
      const five = await call({ SplitBy: '', Interval: 300 });
      assert.ok(five.length >= 1 && five.length <= 2);
      assert.equal(max(five, 'Count'), 2);
      assert.equal(sum(five, 'Duration'), sum(streams, 'Duration'));
    });

    it(`${name}: errors`, async () => {
      const c = make(server);
      const w = (extra) => Object.assign({}, q, extra);
      const now = Date.now();
      await expectError(c, USAGE, w({ StartTime: 'yesterday' }), 400, 'InvalidStartTime.Malformed');
      await expectError(c, USAGE, w({ EndTime: '2026-13-01T00:00:00Z' }), 400, 'InvalidEndTime.Malformed');
      await expectError(c, USAGE, w({ EndTime: q.StartTime }), 400, 'InvalidEndTime.Mismatch');
      await expectError(c, USAGE, { StartTime: iso(now - 2 * 86400e3), EndTime: iso(now), Interval: 60 },
        400, 'InvalidEndTime.Mismatch');
      await expectError(c, USAGE, { StartTime: iso(now - 91 * 86400e3), EndTime: iso(now) }, 400, 'InvalidEndTime.Mismatch');
      await expectError(c, USAGE, { StartTime: iso(now - 61 * 86400e3), EndTime: iso(now - 60.5 * 86400e3), Interval: 300 },
        400, 'InvalidStartTime.Mismatch');
      await expectError(c, USAGE, w({ SplitBy: 'stream' }), 400, 'InvalidParameter');
      await expectError(c, USAGE, w({ DomainName: 'bad_domain!' }), 400, 'InvalidDomainName.Malformed');
      await expectError(c, USAGE, w({ DomainName: `${D1},b.example.com` }), 404, 'InvalidDomain.NotFound');
      await expectError(c, USAGE, w({ Region: 'mars-1' }), 400, 'InvalidRegion.Malformed');
    });
  }

  it('without a range: the last 24 hours in 5-minute intervals', async () => {
    const body = (await h.popClient(server, h.DEFAULT_KEY, 'POST').call(USAGE, { SplitBy: '' })).body;
    assert.equal(Date.parse(body.EndTime) - Date.parse(body.StartTime), 86400e3);
    h.assertTime(body.EndTime, { aroundMs: Date.now(), toleranceMs: 60000 });
    const list = modules(body);
    assert.ok(list.length >= 288 && list.length <= 289, `${list.length} intervals`);
    assert.equal(max(list, 'Count'), 2);
  });

  it('another account sees none of it', async () => {
    const b = h.popClient(server, h.TENANT_B_KEY, 'POST');
    const list = modules((await b.call(USAGE, q)).body);
    assert.ok(list.length > 0);
    assert.ok(list.every((d) => d.Domain === 'b.example.com' && d.Count === 0 && d.Duration === 0));
    await expectError(b, USAGE, Object.assign({ DomainName: D1 }, q), 404, 'InvalidDomain.NotFound');
  });
});
