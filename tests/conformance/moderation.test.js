'use strict';
// Moderation (ForbidLiveStream, ResumeLiveStream, DescribeLiveStreamsBlockList) through every SDK
// client: the block list's fields and paging, ResumeTime, account scoping, and every error.
// Cutting live publishers is tested with real ffmpeg publishers in
// tests/integration/moderation.test.js (one node) and cluster_streams.test.js (two nodes).
// Contract: docs/api/moderation.md.
// The SDK packages have no typed client for these actions: the harness's generic call paths
// (pop-core request, openapi-client callApi) send them, as they do every action.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const FORBID = 'ForbidLiveStream';
const RESUME = 'ResumeLiveStream';
const LIST = 'DescribeLiveStreamsBlockList';

let server;
before(async () => { server = await h.startServer(); });
after(async () => { if (server) await server.stop(); });

const variants = h.clientVariants;

const { assertOnlyRequestId } = h;
const expectError = h.expectActionError;

// yyyy-MM-ddTHH:mm:ssZ, `seconds` from now.
const inSeconds = (seconds) => new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function assertPage(body, exp) {
  h.assertRequestId(body.RequestId);
  assert.deepStrictEqual(
    { DomainName: body.DomainName, PageNum: body.PageNum, PageSize: body.PageSize,
      TotalNum: body.TotalNum, TotalPage: body.TotalPage, StreamUrls: body.StreamUrls },
    { DomainName: exp.DomainName, PageNum: exp.PageNum, PageSize: exp.PageSize,
      TotalNum: exp.TotalNum, TotalPage: exp.TotalPage, StreamUrls: { StreamUrl: exp.urls } });
  assert.deepEqual(Object.keys(body).sort(),
    ['DomainName', 'PageNum', 'PageSize', 'RequestId', 'StreamUrls', 'TotalNum', 'TotalPage']);
}

describe('moderation through each SDK client', () => {
  for (const [name, make, slug] of variants()) {
    it(`${name}: forbid, list, forbid again with a ResumeTime, resume (twice)`, async () => {
      const c = make(server);
      const domain = `${slug}.mod.example.com`;
      const stream = { DomainName: domain, AppName: 'live', StreamName: 'cam1', LiveStreamType: 'publisher' };
      assertPage((await c.call(LIST, { DomainName: domain })).body,
        { DomainName: domain, PageNum: 1, PageSize: 2000, TotalNum: 0, TotalPage: 0, urls: [] });
      // Not live anywhere: the block is written all the same.
      assertOnlyRequestId(await c.call(FORBID, stream));
      assertPage((await c.call(LIST, { DomainName: domain })).body,
        { DomainName: domain, PageNum: 1, PageSize: 2000, TotalNum: 1, TotalPage: 1, urls: [`${domain}/live/cam1`] });
      assertOnlyRequestId(await c.call(FORBID, Object.assign({ ResumeTime: inSeconds(3600), Oneshot: 'no' }, stream)));
      assert.equal((await c.call(LIST, { DomainName: domain })).body.TotalNum, 1, 'forbidding again replaces');
      assertOnlyRequestId(await c.call(RESUME, stream));
      assert.equal((await c.call(LIST, { DomainName: domain })).body.TotalNum, 0);
      assertOnlyRequestId(await c.call(RESUME, stream), 'resuming a stream not forbidden succeeds');
    });

    it(`${name}: pages of the block list, by app then stream`, async () => {
      const c = make(server);
      const domain = `${slug}.pages.mod.example.com`;
      for (const [app, s] of [['b', 'x'], ['a', 'z'], ['a', 'y'], ['c', 'w'], ['b', 'v']]) {
        await c.call(FORBID, { DomainName: domain, AppName: app, StreamName: s, LiveStreamType: 'publisher' });
      }
      const page = async (PageNum) =>
        (await c.call(LIST, { DomainName: domain, PageNum, PageSize: 2 })).body;
      assertPage(await page(1), { DomainName: domain, PageNum: 1, PageSize: 2, TotalNum: 5, TotalPage: 3,
        urls: [`${domain}/a/y`, `${domain}/a/z`] });
      assertPage(await page(3), { DomainName: domain, PageNum: 3, PageSize: 2, TotalNum: 5, TotalPage: 3,
        urls: [`${domain}/c/w`] });
      assertPage(await page(4), { DomainName: domain, PageNum: 4, PageSize: 2, TotalNum: 5, TotalPage: 3, urls: [] });
    });

    it(`${name}: errors`, async () => {
      const c = make(server);
      const domain = `${slug}.err.mod.example.com`;
      const ok = { DomainName: domain, AppName: 'live', StreamName: 'cam1', LiveStreamType: 'publisher' };
      const without = (key) => { const p = Object.assign({}, ok); delete p[key]; return p; };
      for (const action of [FORBID, RESUME]) {
        await expectError(c, action, without('DomainName'), 400, 'MissingDomainName');
        await expectError(c, action, without('AppName'), 400, 'MissingAppName');
        await expectError(c, action, without('StreamName'), 400, 'MissingStreamName');
        await expectError(c, action, without('LiveStreamType'), 400, 'MissingLiveStreamType');
        await expectError(c, action, Object.assign({}, ok, { LiveStreamType: 'player' }), 400, 'InvalidLiveStreamType.Malformed');
        await expectError(c, action, Object.assign({}, ok, { StreamName: '*' }), 400, 'InvalidStreamName.Malformed');
        await expectError(c, action, Object.assign({}, ok, { AppName: 'a/b' }), 400, 'InvalidAppName.Malformed');
        await expectError(c, action, Object.assign({}, ok, { DomainName: 'bad_domain!' }), 400, 'InvalidDomainName.Malformed');
        // Another account's domain.
        await expectError(c, action, Object.assign({}, ok, { DomainName: 'b.example.com' }), 404, 'InvalidDomain.NotFound');
      }
      await expectError(c, FORBID, Object.assign({ Oneshot: 'maybe' }, ok), 400, 'InvalidOneshot.Malformed');
      await expectError(c, FORBID, Object.assign({ ResumeTime: '2030-01-01 00:00:00' }, ok), 400, 'InvalidResumeTime.Malformed');
      await expectError(c, FORBID, Object.assign({ ResumeTime: '2020-01-01T00:00:00Z' }, ok), 400, 'InvalidResumeTime.Malformed');
      // A one-shot cut of a stream that is live nowhere.
      await expectError(c, FORBID, Object.assign({ Oneshot: 'yes' }, ok), 404, 'InvalidStream.NotFound');
      assert.equal((await c.call(LIST, { DomainName: domain })).body.TotalNum, 0, 'errors forbid nothing');
      await expectError(c, LIST, {}, 400, 'MissingDomainName');
      await expectError(c, LIST, { DomainName: domain, PageSize: 3001 }, 400, 'InvalidPageSize.Malformed');
      await expectError(c, LIST, { DomainName: domain, PageSize: 0 }, 400, 'InvalidPageSize.Malformed');
      await expectError(c, LIST, { DomainName: domain, PageNum: 0 }, 400, 'InvalidPageNum.Malformed');
      await expectError(c, LIST, { DomainName: 'b.example.com' }, 404, 'InvalidDomain.NotFound');
    });
  }

  it('one account cannot see nor lift another account\'s blocks', async () => {
    const a = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const b = h.popClient(server, h.TENANT_B_KEY, 'POST');
    const mine = { DomainName: 'b.example.com', AppName: 'live', StreamName: 'bcam', LiveStreamType: 'publisher' };
    assertOnlyRequestId(await b.call(FORBID, mine));
    await expectError(a, RESUME, mine, 404, 'InvalidDomain.NotFound');
    await expectError(a, LIST, { DomainName: 'b.example.com' }, 404, 'InvalidDomain.NotFound');
    assert.deepEqual((await b.call(LIST, { DomainName: 'b.example.com' })).body.StreamUrls.StreamUrl,
      ['b.example.com/live/bcam']);
    assertOnlyRequestId(await b.call(RESUME, mine));
  });

  it('a block whose ResumeTime came is no longer listed', async () => {
    const c = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const domain = 'lapse.mod.example.com';
    await c.call(FORBID, { DomainName: domain, AppName: 'live', StreamName: 'soon', LiveStreamType: 'publisher',
      ResumeTime: inSeconds(2) });
    assert.equal((await c.call(LIST, { DomainName: domain })).body.TotalNum, 1);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await c.call(LIST, { DomainName: domain })).body.TotalNum, 0);
  });
});
