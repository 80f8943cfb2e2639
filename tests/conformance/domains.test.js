'use strict';
// DescribeLiveUserDomains through every SDK client: an account's declared streaming domains
// (liveVideo) and their ingest aliases (liveEdge), and the domains its record configs named;
// the filters (LiveDomainType, DomainName with DomainSearchType, DomainStatus), paging, the
// PageData fields of the SDK models, account scoping and the errors. Contract:
// docs/api/domains.md.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

const ACTION = 'DescribeLiveUserDomains';
const FIELDS = ['Cname', 'Description', 'DomainName', 'GmtCreated', 'GmtModified', 'LiveDomainStatus',
  'LiveDomainType', 'RegionName', 'ResourceGroupId'];

let server;
before(async () => {
  server = await h.startServer({ extraToml: '\n[[domains]]\naccount = "tenant-b"\nname = "b2.example.com"\n' +
    'aliases = ["push.b2.example.com"]\n' });
});
after(async () => { if (server) await server.stop(); });

const names = (body) => body.Domains.PageData.map((d) => d.DomainName);

describe('DescribeLiveUserDomains through each SDK client', () => {
  for (const [name, make, slug] of h.clientVariants()) {
    it(`${name}: declared domains, aliases and configured domains, filtered and paged`, async () => {
      const b = make(server, h.TENANT_B_KEY);
      const all = (await b.call(ACTION, {})).body;
      h.assertRequestId(all.RequestId);
      assert.deepEqual(Object.keys(all).sort(), ['Domains', 'PageNumber', 'PageSize', 'RequestId', 'TotalCount']);
      assert.deepEqual(names(all), ['b.example.com', 'b2.example.com', 'push.b2.example.com']);
      assert.deepEqual([all.PageNumber, all.PageSize, all.TotalCount], [1, 20, 3]);
      for (const d of all.Domains.PageData) {
        assert.deepEqual(Object.keys(d).sort(), FIELDS);
        assert.equal(d.LiveDomainStatus, 'online');
        h.assertTime(d.GmtCreated, { aroundMs: Date.now(), toleranceMs: 10 * 60 * 1000 });
      }
      assert.deepEqual(all.Domains.PageData.map((d) => d.LiveDomainType), ['liveVideo', 'liveVideo', 'liveEdge']);
      assert.deepEqual(names((await b.call(ACTION, { LiveDomainType: 'liveEdge' })).body), ['push.b2.example.com']);
      assert.deepEqual(names((await b.call(ACTION, { DomainName: 'b2' })).body), ['b2.example.com', 'push.b2.example.com']);
      assert.deepEqual(names((await b.call(ACTION, { DomainName: 'b', DomainSearchType: 'pre_match' })).body),
        ['b.example.com', 'b2.example.com']);
      assert.deepEqual(names((await b.call(ACTION, { DomainName: 'b.example.com', DomainSearchType: 'full_match' })).body),
        ['b.example.com']);
      assert.deepEqual(names((await b.call(ACTION, { DomainStatus: 'offline' })).body), []);
      const second = (await b.call(ACTION, { PageSize: 2, PageNumber: 2 })).body;
      assert.deepEqual([names(second), second.PageNumber, second.PageSize, second.TotalCount],
        [['push.b2.example.com'], 2, 2, 3]);

      // The default account declares none: it has the domains its record configs named, and
      // never another account's.
      const a = make(server);
      const domain = `${slug}.domains.example.com`;
      await a.call('AddLiveAppRecordConfig', { DomainName: domain, AppName: 'live', StreamName: '*',
        OssEndpoint: 'local', OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8' });
      const mine = names((await a.call(ACTION, { PageSize: 50 })).body);
      assert.ok(mine.includes(domain), JSON.stringify(mine));
      for (const theirs of ['b.example.com', 'b2.example.com', 'push.b2.example.com']) {
        assert.ok(!mine.includes(theirs), `tenant-b's ${theirs} is not listed: ${JSON.stringify(mine)}`);
      }
    });

    it(`${name}: errors`, async () => {
      const c = make(server);
      await h.expectActionError(c, ACTION, { LiveDomainType: 'liveAll' }, 400, 'InvalidParameter');
      await h.expectActionError(c, ACTION, { DomainSearchType: 'regex' }, 400, 'InvalidParameter');
      await h.expectActionError(c, ACTION, { DomainStatus: 'up' }, 400, 'InvalidParameter');
      await h.expectActionError(c, ACTION, { PageSize: 51 }, 400, 'InvalidPageSize.Malformed');
      await h.expectActionError(c, ACTION, { PageNumber: 0 }, 400, 'InvalidPageNumber.Malformed');
    });
  }
});
