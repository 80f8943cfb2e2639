'use strict';
// DescribeLiveStreamsPublishList through every SDK client, over publish sessions that really
// happened (real ffmpeg publishers): the LiveStreamPublishInfo fields, the time range, filters,
// orders, paging, account scoping, and every error. Contract: docs/api/streams.md
// "DescribeLiveStreamsPublishList". The SDK packages have no typed client for this action: the
// harness's generic call paths send it, as they do every action.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const m = require('../integration/media.js');

const LIST = 'DescribeLiveStreamsPublishList';
const DOMAIN = 'history.example.com';
const INGEST = 'push.history.example.com';

let server;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
let t0;
let t1;

before(async () => {
  server = await h.startServer({ extraToml: `
[[domains]]
name = "${DOMAIN}"
aliases = ["${INGEST}"]
` });
  const flv = m.makeTestFlv(3);
  t0 = Date.now() - 1000;
  const url = (host, stream) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${host}`;
  // Two sessions of cam1 (one after the other) and one of door, through the ingest alias.
  const first = m.push(flv, url(DOMAIN, 'cam1'), { realtime: true });
  const door = m.push(flv, url(INGEST, 'door'), { realtime: true });
  for (const p of [first, door]) assert.equal((await p.done).code, 0);
  const second = await m.push(flv, url(DOMAIN, 'cam1'), { realtime: true }).done;
  assert.equal(second.code, 0);
  // A publish that leaves before it is confirmed (2 s) is no session.
  const short = m.makeTestFlv(1);
  assert.equal((await m.push(short, url(DOMAIN, 'blink'), { realtime: true }).done).code, 0);
  const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
  await m.waitFor('three sessions ended', async () => {
    const body = (await c.call(LIST, { DomainName: DOMAIN, StartTime: iso(t0), EndTime: iso(Date.now() + 60000) })).body;
    const infos = body.PublishInfo.LiveStreamPublishInfo;
    return infos.length === 3 && infos.every((i) => i.StopTime) ? infos : null;
  }, 15000);
  t1 = Date.now() + 1000;
});
after(async () => { if (server) await server.stop(); });

const variants = h.clientVariants;
const expectError = h.expectActionError;
const names = (body) => body.PublishInfo.LiveStreamPublishInfo.map((i) => i.StreamName);

describe('DescribeLiveStreamsPublishList through each SDK client', () => {
  for (const [name, make] of variants()) {
    it(`${name}: every field of the sessions that happened`, async () => {
      const c = make(server);
      const res = await c.call(LIST, { DomainName: DOMAIN, StartTime: iso(t0), EndTime: iso(t1) });
      const body = res.body;
      h.assertRequestId(body.RequestId);
      assert.deepEqual(Object.keys(body).sort(), ['PageNum', 'PageSize', 'PublishInfo', 'RequestId', 'TotalNum', 'TotalPage']);
      assert.deepEqual([body.PageNum, body.PageSize, body.TotalNum, body.TotalPage], [1, 2000, 3, 1]);
      const infos = body.PublishInfo.LiveStreamPublishInfo;
      assert.deepEqual(names(body).sort(), ['cam1', 'cam1', 'door']);
      for (const i of infos) {
        assert.deepEqual(Object.keys(i).sort(), ['AppName', 'ClientAddr', 'DomainName', 'EdgeNodeAddr', 'PublishDomain',
          'PublishTime', 'PublishType', 'PublishUrl', 'StopTime', 'StreamName', 'StreamUrl', 'TranscodeId',
          'TranscodeTemplate', 'Transcoded']);
        assert.equal(i.DomainName, DOMAIN);
        assert.equal(i.AppName, 'live');
        assert.equal(i.ClientAddr, '127.0.0.1');
        assert.equal(i.EdgeNodeAddr, '127.0.0.1');
        assert.equal(i.PublishType, 'edge');
        assert.equal(i.Transcoded, 'no');
        assert.equal(i.StreamUrl, `rtmp://${DOMAIN}/live/${i.StreamName}`);
        const publishDomain = i.StreamName === 'door' ? INGEST : DOMAIN;
        assert.equal(i.PublishDomain, publishDomain);
        assert.equal(i.PublishUrl, `rtmp://${publishDomain}/live/${i.StreamName}`);
        assert.match(i.PublishTime, h.TIME_RE);
        assert.match(i.StopTime, h.TIME_RE);
        const lasted = Date.parse(i.StopTime) - Date.parse(i.PublishTime);
        assert.ok(lasted >= 2000 && lasted <= 6000, `${i.StreamName} lasted ${lasted} ms`);
      }
      const cams = infos.filter((i) => i.StreamName === 'cam1');
      assert.ok(Date.parse(cams[1].PublishTime) >= Date.parse(cams[0].StopTime) - 1000, 'one after the other');
    });

    it(`${name}: filters, orders, paging and the time range`, async () => {
      const c = make(server);
      const q = (extra) => Object.assign({ DomainName: DOMAIN, StartTime: iso(t0), EndTime: iso(t1) }, extra);
      assert.deepEqual(names((await c.call(LIST, q({ OrderBy: 'stream_name_desc' }))).body), ['door', 'cam1', 'cam1']);
      assert.deepEqual(names((await c.call(LIST, q({ OrderBy: 'stream_name_asc' }))).body), ['cam1', 'cam1', 'door']);
      const asc = (await c.call(LIST, q({ OrderBy: 'publish_time_asc' }))).body.PublishInfo.LiveStreamPublishInfo;
      const desc = (await c.call(LIST, q({ OrderBy: 'publish_time_desc' }))).body.PublishInfo.LiveStreamPublishInfo;
      assert.deepEqual(desc.map((i) => i.PublishTime), asc.map((i) => i.PublishTime).reverse());
      assert.deepEqual(names((await c.call(LIST, q({ StreamName: 'am' }))).body), ['cam1', 'cam1'], 'fuzzy by default');
      assert.deepEqual(names((await c.call(LIST, q({ StreamName: 'am', QueryType: 'strict' }))).body), []);
      assert.deepEqual(names((await c.call(LIST, q({ StreamName: 'door', QueryType: 'strict' }))).body), ['door']);
      assert.deepEqual(names((await c.call(LIST, q({ AppName: 'other' }))).body), []);
      assert.deepEqual(names((await c.call(LIST, q({ StreamType: 'trans' }))).body), [], 'liverec does not transcode');
      const page2 = (await c.call(LIST, q({ PageSize: 2, PageNumber: 2, OrderBy: 'stream_name_asc' }))).body;
      assert.deepEqual([page2.PageNum, page2.PageSize, page2.TotalNum, page2.TotalPage], [2, 2, 3, 2]);
      assert.deepEqual(names(page2), ['door']);
      // A range before the sessions lists none.
      assert.deepEqual(names((await c.call(LIST, q({ StartTime: iso(t0 - 3600e3), EndTime: iso(t0 - 1000) }))).body), []);
    });

    it(`${name}: errors`, async () => {
      const c = make(server);
      const ok = { DomainName: DOMAIN, StartTime: iso(t0), EndTime: iso(t1) };
      const without = (key) => { const p = Object.assign({}, ok); delete p[key]; return p; };
      const w = (extra) => Object.assign({}, ok, extra);
      await expectError(c, LIST, without('DomainName'), 400, 'MissingDomainName');
      await expectError(c, LIST, without('StartTime'), 400, 'MissingStartTime');
      await expectError(c, LIST, without('EndTime'), 400, 'MissingEndTime');
      await expectError(c, LIST, w({ DomainName: 'bad_domain!' }), 400, 'InvalidDomainName.Malformed');
      await expectError(c, LIST, w({ StartTime: 'yesterday' }), 400, 'InvalidStartTime.Malformed');
      await expectError(c, LIST, w({ EndTime: '2026-13-01T00:00:00Z' }), 400, 'InvalidEndTime.Malformed');
      await expectError(c, LIST, w({ EndTime: iso(t0) }), 400, 'InvalidEndTime.Mismatch');
      const now = Date.now();
      await expectError(c, LIST, w({ StartTime: iso(now - 20 * 86400e3), EndTime: iso(now + 11 * 86400e3) }),
        400, 'InvalidEndTime.Mismatch');
      await expectError(c, LIST, w({ StartTime: iso(now - 31 * 86400e3), EndTime: iso(now - 30.5 * 86400e3) }),
        400, 'InvalidStartTime.Mismatch');
      await expectError(c, LIST, w({ PageSize: 3001 }), 400, 'InvalidPageSize.Malformed');
      await expectError(c, LIST, w({ PageSize: 0 }), 400, 'InvalidPageSize.Malformed');
      await expectError(c, LIST, w({ PageNumber: 0 }), 400, 'InvalidPageNum.Malformed');
      await expectError(c, LIST, w({ QueryType: 'exact' }), 400, 'InvalidParameter');
      await expectError(c, LIST, w({ OrderBy: 'stop_time_asc' }), 400, 'InvalidParameter');
      await expectError(c, LIST, w({ StreamType: 'other' }), 400, 'InvalidParameter');
    });
  }

  it('another account sees none of them', async () => {
    const b = h.popClient(server, h.TENANT_B_KEY, 'POST');
    await expectError(b, LIST, { DomainName: DOMAIN, StartTime: iso(t0), EndTime: iso(t1) }, 404, 'InvalidDomain.NotFound');
    const own = (await b.call(LIST, { DomainName: 'b.example.com', StartTime: iso(t0), EndTime: iso(t1) })).body;
    assert.equal(own.TotalNum, 0);
  });
});
