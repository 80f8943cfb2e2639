'use strict';
// Server lifecycle as seen by API clients: a clean exit on SIGTERM, and configs plus the
// default key (stored in the data dir) surviving a restart on the same data dir.

const { describe, it, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

let server;
let tmp;
after(async () => {
  if (server && !server.exited()) await server.stop();
  else if (tmp) require('node:fs').rmSync(tmp, { recursive: true, force: true });
});

describe('restart on the same data dir', () => {
  const domain = 'restart.example.com';
  let firstList;

  it('SIGTERM stops the server with exit status 0', async () => {
    server = await h.startServer();
    tmp = server.tmp;
    const c = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    await c.call('AddLiveAppRecordConfig', {
      DomainName: domain, AppName: 'live', StreamName: 's1', OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.CycleDuration': '1800', 'TranscodeTemplates.1': 'sd',
      StartTime: h.isoSeconds(Math.floor(Date.now() / 1000) * 1000 + 3600 * 1000),
      EndTime: h.isoSeconds(Math.floor(Date.now() / 1000) * 1000 + 7200 * 1000),
    });
    await c.call('AddLiveAppRecordConfig', {
      DomainName: domain, AppName: 'live', OssEndpoint: 'local', OssBucket: 'records', 'RecordFormat.1.Format': 'flv',
    });
    const b = h.openApiClient(server, h.TENANT_B_KEY, undefined);
    await b.call('AddLiveAppRecordConfig', {
      DomainName: 'b.example.com', AppName: 'live', OssEndpoint: 'local', OssBucket: 'records-b', 'RecordFormat.1.Format': 'mp4',
    });
    const res = await c.call('DescribeLiveRecordConfig', { DomainName: domain });
    firstList = h.assertDescribe(res.body, { TotalNum: 2, count: 2 });
    const exit = await server.stop({ keep: true });
    assert.deepEqual(exit, { code: 0, signal: null }, `exit on SIGTERM; output tail:\n${server.output().slice(-1500)}`);
  });

  it('configs, tenants and keys are still there after a restart', async () => {
    assert.ok(tmp, 'first server ran');
    server = await h.startServer({ reuse: tmp });
    for (const c of h.allClients(server)) {
      const res = await c.call('DescribeLiveRecordConfig', { DomainName: domain });
      const list = h.assertDescribe(res.body, { TotalNum: 2, count: 2 });
      assert.deepEqual(list, firstList, c.name);
    }
    const b = h.popClient(server, h.TENANT_B_KEY, 'POST');
    const res = await b.call('DescribeLiveRecordConfig', { DomainName: 'b.example.com' });
    const list = h.assertDescribe(res.body, { TotalNum: 1, count: 1 });
    h.assertRecord(list[0], { DomainName: 'b.example.com', AppName: 'live', OssBucket: 'records-b', formats: [{ Format: 'mp4' }] });
    const err = await h.expectSdkError(h.openApiClient(server, h.DEFAULT_KEY, undefined).call('AddLiveAppRecordConfig', {
      DomainName: domain, AppName: 'live', OssEndpoint: 'local', OssBucket: 'records', 'RecordFormat.1.Format': 'flv',
    }));
    h.assertSdkError(err, 400, 'ConfigAlreadyExists');
  });
});
