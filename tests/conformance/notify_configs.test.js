'use strict';
// Recording-callback configuration (AddLiveRecordNotifyConfig, UpdateLiveRecordNotifyConfig,
// DeleteLiveRecordNotifyConfig, DescribeLiveRecordNotifyConfig) and the callback history
// (DescribeLiveRecordNotifyRecords), driven through the official SDK clients: every field and
// every error. Contract: docs/api/notify-configs.md.
//
// Two servers: `server` allows private callback hosts ([callbacks] allow_private_addresses, as
// tests need loopback receivers); `strict` runs with the default policy to show the Unsafe errors.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');

let server;
let strict;
before(async () => {
  server = await h.startServer({ extraToml: '\n[callbacks]\nallow_private_addresses = true\n' });
  strict = await h.startServer();
});
after(async () => {
  if (server) await server.stop();
  if (strict) await strict.stop();
});

const ADD = 'AddLiveRecordNotifyConfig';
const UPDATE = 'UpdateLiveRecordNotifyConfig';
const DELETE = 'DeleteLiveRecordNotifyConfig';
const DESCRIBE = 'DescribeLiveRecordNotifyConfig';
const RECORDS = 'DescribeLiveRecordNotifyRecords';
const KEY = 'KbT8mN2pQ9rS4vX7wZ1aB3cE5fG6hJ8k';

const { assertOnlyRequestId } = h;

function assertConfig(body, exp) {
  h.assertRequestId(body.RequestId);
  assert.deepStrictEqual(body.LiveRecordNotifyConfig, {
    DomainName: exp.DomainName,
    NotifyUrl: exp.NotifyUrl,
    OnDemandUrl: exp.OnDemandUrl === undefined ? '' : exp.OnDemandUrl,
    NeedStatusNotify: exp.NeedStatusNotify === undefined ? false : exp.NeedStatusNotify,
    NotifyReqAuth: exp.NotifyReqAuth === undefined ? false : exp.NotifyReqAuth,
    NotifyAuthKey: exp.NotifyAuthKey === undefined ? '' : exp.NotifyAuthKey,
  });
}

const expectError = h.expectActionError;

// ---------------------------------------------------------------------------------------
describe('config actions through each SDK client', () => {
  for (const [name, make, slug] of h.clientVariants()) {
    it(`${name}: add with defaults, describe, update, delete`, async () => {
      const c = make(server);
      const domain = `${slug}.notify.example.com`;
      const url = 'http://hooks.example.net/record?tenant=a&x=%20y';
      assertOnlyRequestId(await c.call(ADD, { DomainName: domain, NotifyUrl: url }));
      assertConfig((await c.call(DESCRIBE, { DomainName: domain })).body, { DomainName: domain, NotifyUrl: url });

      // Update: every field.
      assertOnlyRequestId(await c.call(UPDATE, {
        DomainName: domain, NotifyUrl: 'https://hooks.example.net/v2', OnDemandUrl: 'http://127.0.0.1:9/ondemand',
        NeedStatusNotify: 'true', NotifyReqAuth: 'true', NotifyAuthKey: KEY,
      }));
      const full = { DomainName: domain, NotifyUrl: 'https://hooks.example.net/v2', OnDemandUrl: 'http://127.0.0.1:9/ondemand',
        NeedStatusNotify: true, NotifyReqAuth: true, NotifyAuthKey: KEY };
      assertConfig((await c.call(DESCRIBE, { DomainName: domain })).body, full);

      // Update: parameters not sent keep their values.
      assertOnlyRequestId(await c.call(UPDATE, { DomainName: domain, NotifyUrl: 'http://hooks.example.net/v3' }));
      assertConfig((await c.call(DESCRIBE, { DomainName: domain })).body, Object.assign({}, full, { NotifyUrl: 'http://hooks.example.net/v3' }));
      // Flags back off; "no" is accepted as in older doc pages.
      assertOnlyRequestId(await c.call(UPDATE, { DomainName: domain, NotifyUrl: 'http://hooks.example.net/v3', NeedStatusNotify: 'false', NotifyReqAuth: 'no' }));
      assertConfig((await c.call(DESCRIBE, { DomainName: domain })).body,
        Object.assign({}, full, { NotifyUrl: 'http://hooks.example.net/v3', NeedStatusNotify: false, NotifyReqAuth: false }));

      assertOnlyRequestId(await c.call(DELETE, { DomainName: domain }));
      await expectError(c, DESCRIBE, { DomainName: domain }, 404, 'InvalidConfig.NotFound');
      await expectError(c, DELETE, { DomainName: domain }, 404, 'InvalidConfig.NotFound');
    });
  }

  it('Add with every field at once', async () => {
    const c = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const exp = { DomainName: 'full.notify.example.com', NotifyUrl: 'https://hooks.example.net/a', OnDemandUrl: 'https://hooks.example.net/od',
      NeedStatusNotify: true, NotifyReqAuth: true, NotifyAuthKey: 'abcdefghABCDEFGH12' };
    assertOnlyRequestId(await c.call(ADD, Object.assign({}, exp, { NeedStatusNotify: 'True', NotifyReqAuth: 'yes' })));
    assertConfig((await c.call(DESCRIBE, { DomainName: exp.DomainName })).body, exp);
  });
});

// ---------------------------------------------------------------------------------------
describe('config errors', () => {
  const domain = 'errors.notify.example.com';
  const clients = () => [h.popClient(server, h.DEFAULT_KEY, 'POST'), h.openApiClient(server, h.DEFAULT_KEY, undefined)];

  it('missing and malformed parameters', async () => {
    for (const c of clients()) {
      await expectError(c, ADD, { NotifyUrl: 'http://a.example.com/' }, 400, 'MissingDomainName');
      await expectError(c, ADD, { DomainName: domain }, 400, 'MissingNotifyUrl');
      await expectError(c, ADD, { DomainName: 'bad_domain!', NotifyUrl: 'http://a.example.com/' }, 400, 'InvalidDomainName.Malformed');
      for (const bad of ['ftp://a.example.com/', 'a.example.com/cb', 'http://', 'http://user:pw@a.example.com/',
        'http://a.example.com:99999/', 'http://a .example.com/', 'javascript:alert(1)']) {
        await expectError(c, ADD, { DomainName: domain, NotifyUrl: bad }, 400, 'InvalidNotifyUrl.Malformed',
          { messageStartsWith: 'Specified NotifyUrl is invalid.' });
      }
      await expectError(c, ADD, { DomainName: domain, NotifyUrl: 'http://a.example.com/', OnDemandUrl: 'gopher://a.example.com/' },
        400, 'InvalidOnDemandUrl.Malformed');
      await expectError(c, ADD, { DomainName: domain, NotifyUrl: 'http://a.example.com/', NotifyReqAuth: 'true' },
        400, 'MissingNotifyAuthKey');
      for (const key of ['short1234', 'x'.repeat(33), 'has-dash-0123456789', 'spaces in the key 123']) {
        await expectError(c, ADD, { DomainName: domain, NotifyUrl: 'http://a.example.com/', NotifyReqAuth: 'true', NotifyAuthKey: key },
          400, 'InvalidNotifyAuthKey.Malformed');
      }
      await expectError(c, ADD, { DomainName: domain, NotifyUrl: 'http://a.example.com/', NeedStatusNotify: 'maybe' },
        400, 'InvalidParameter', { messageIncludes: 'NeedStatusNotify' });
      await expectError(c, ADD, { DomainName: domain, NotifyUrl: 'http://a.example.com/', NotifyReqAuth: '2' },
        400, 'InvalidParameter', { messageIncludes: 'NotifyReqAuth' });
      for (const action of [DELETE, DESCRIBE, UPDATE, RECORDS]) {
        await expectError(c, action, {}, 400, 'MissingDomainName');
      }
    }
    // Nothing was stored by the failed calls.
    await expectError(h.popClient(server, h.DEFAULT_KEY), DESCRIBE, { DomainName: domain }, 404,
      'InvalidConfig.NotFound');
  });

  it('ConfigAlreadyExists on a second Add; InvalidConfig.NotFound on Update of nothing', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, undefined);
    await expectError(c, UPDATE, { DomainName: 'twice.notify.example.com', NotifyUrl: 'http://a.example.com/' }, 404, 'InvalidConfig.NotFound');
    await c.call(ADD, { DomainName: 'twice.notify.example.com', NotifyUrl: 'http://a.example.com/' });
    await expectError(c, ADD, { DomainName: 'twice.notify.example.com', NotifyUrl: 'http://b.example.com/' }, 400, 'ConfigAlreadyExists');
    assertConfig((await c.call(DESCRIBE, { DomainName: 'twice.notify.example.com' })).body,
      { DomainName: 'twice.notify.example.com', NotifyUrl: 'http://a.example.com/' });
    // Update validates like Add and changes nothing when it fails.
    await expectError(c, UPDATE, { DomainName: 'twice.notify.example.com', NotifyUrl: 'nope' }, 400, 'InvalidNotifyUrl.Malformed');
    await expectError(c, UPDATE, { DomainName: 'twice.notify.example.com', NotifyUrl: 'http://c.example.com/', NotifyReqAuth: 'true' },
      400, 'MissingNotifyAuthKey');
    assertConfig((await c.call(DESCRIBE, { DomainName: 'twice.notify.example.com' })).body,
      { DomainName: 'twice.notify.example.com', NotifyUrl: 'http://a.example.com/' });
  });

  it('configs are scoped to the account that owns the domain', async () => {
    const a = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const b = h.openApiClient(server, h.TENANT_B_KEY, undefined);
    for (const action of [ADD, UPDATE, DELETE, DESCRIBE]) {
      await expectError(a, action, { DomainName: 'b.example.com', NotifyUrl: 'http://a.example.com/' }, 404, 'InvalidDomain.NotFound');
    }
    await expectError(a, RECORDS, { DomainName: 'b.example.com', StartTime: h.isoSeconds(Date.now() - 3600e3), EndTime: h.isoSeconds(Date.now()) },
      404, 'InvalidDomain.NotFound');
    assertOnlyRequestId(await b.call(ADD, { DomainName: 'b.example.com', NotifyUrl: 'http://b.example.com/cb' }));
    assertConfig((await b.call(DESCRIBE, { DomainName: 'b.example.com' })).body, { DomainName: 'b.example.com', NotifyUrl: 'http://b.example.com/cb' });
    // tenant-b declares domains, so it may not use undeclared ones.
    await expectError(b, ADD, { DomainName: 'other.notify.example.com', NotifyUrl: 'http://a.example.com/' }, 404, 'InvalidDomain.NotFound');
  });
});

// ---------------------------------------------------------------------------------------
describe('unsafe callback hosts (default policy)', () => {
  it('loopback, private, link-local and localhost hosts are InvalidNotifyUrl.Unsafe', async () => {
    for (const c of [h.popClient(strict, h.DEFAULT_KEY, 'POST'), h.openApiClient(strict, h.DEFAULT_KEY, undefined)]) {
      for (const url of ['http://127.0.0.1:8080/cb', 'http://localhost/cb', 'http://10.1.2.3/', 'https://192.168.0.10/',
        'http://172.16.5.5/', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]:8080/', 'http://[fe80::1]/',
        'http://0.0.0.0/', 'http://2130706433/', 'http://100.64.1.1/']) {
        await expectError(c, ADD, { DomainName: 'unsafe.example.com', NotifyUrl: url }, 400, 'InvalidNotifyUrl.Unsafe',
          { messageStartsWith: 'Specified NotifyUrl is not safe.' });
      }
      await expectError(c, ADD, { DomainName: 'unsafe.example.com', NotifyUrl: 'http://203.0.113.9/', OnDemandUrl: 'http://192.168.1.1/od' },
        400, 'InvalidOnDemandUrl.Unsafe');
      // Malformed is reported before safety.
      await expectError(c, ADD, { DomainName: 'unsafe.example.com', NotifyUrl: 'ftp://127.0.0.1/' }, 400, 'InvalidNotifyUrl.Malformed');
    }
    const c = h.popClient(strict, h.DEFAULT_KEY);
    // A public address is fine, and so is a name that does not resolve (yet): delivery checks again.
    assertOnlyRequestId(await c.call(ADD, { DomainName: 'unsafe.example.com', NotifyUrl: 'http://203.0.113.9/cb' }));
    await expectError(c, UPDATE, { DomainName: 'unsafe.example.com', NotifyUrl: 'http://127.0.0.1/cb' }, 400, 'InvalidNotifyUrl.Unsafe');
    assertOnlyRequestId(await c.call(UPDATE, { DomainName: 'unsafe.example.com', NotifyUrl: 'http://no-such-host.invalid/cb' }));
  });

  it('with allow_private_addresses the same hosts are accepted', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    assertOnlyRequestId(await c.call(ADD, { DomainName: 'private.notify.example.com', NotifyUrl: 'http://127.0.0.1:8080/cb',
      OnDemandUrl: 'http://[::1]:9/od' }));
    assertConfig((await c.call(DESCRIBE, { DomainName: 'private.notify.example.com' })).body,
      { DomainName: 'private.notify.example.com', NotifyUrl: 'http://127.0.0.1:8080/cb', OnDemandUrl: 'http://[::1]:9/od' });
  });
});

// ---------------------------------------------------------------------------------------
describe('DescribeLiveRecordNotifyRecords parameters', () => {
  const domain = 'history.notify.example.com';
  const now = Date.now();
  const range = { StartTime: h.isoSeconds(now - 3600e3), EndTime: h.isoSeconds(now + 60e3) };

  it('an empty history has the documented envelope, defaults and a plain CallbackList array', async () => {
    for (const c of h.allClients(server)) {
      const res = await c.call(RECORDS, Object.assign({ DomainName: domain }, range));
      assert.equal(res.status, 200, c.name);
      const b = res.body;
      h.assertRequestId(b.RequestId);
      assert.strictEqual(b.Code, 0);
      assert.strictEqual(b.Msg, 'ok');
      assert.strictEqual(b.PageNum, 1);
      assert.strictEqual(b.PageSize, 20);
      assert.strictEqual(b.TotalNum, 0);
      assert.strictEqual(b.TotalPage, 0);
      assert.deepStrictEqual(b.CallbackList, []);
      const paged = await c.call(RECORDS, Object.assign({ DomainName: domain, PageNumber: '3', PageSize: '500',
        Status: 'success', StorageType: 'all', AppName: 'live', StreamName: 's1' }, range));
      assert.strictEqual(paged.body.PageNum, 3);
      assert.strictEqual(paged.body.PageSize, 500);
    }
  });

  it('every parameter error', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const base = Object.assign({ DomainName: domain }, range);
    const cases = [
      [{ StartTime: undefined }, 400, 'MissingStartTime'],
      [{ EndTime: undefined }, 400, 'MissingEndTime'],
      [{ StartTime: '2026-01-01 00:00:00' }, 400, 'InvalidStartTime.Malformed'],
      [{ EndTime: 'yesterday' }, 400, 'InvalidEndTime.Malformed'],
      [{ EndTime: h.isoSeconds(now - 7200e3) }, 400, 'InvalidEndTime.Mismatch'],
      [{ StartTime: h.isoSeconds(now - 8 * 86400e3) }, 400, 'InvalidStartTime.Mismatch'],
      [{ PageNumber: '0' }, 400, 'InvalidPageNum.Malformed'],
      [{ PageNumber: '100001' }, 400, 'InvalidPageNum.Malformed'],
      [{ PageSize: '0' }, 400, 'InvalidPageSize.Malformed'],
      [{ PageSize: '501' }, 400, 'InvalidPageSize.Malformed'],
      [{ Status: 'ok' }, 400, 'InvalidStatus.Malformed'],
      [{ StorageType: 'disk' }, 400, 'InvalidStorageType.Malformed'],
      [{ DomainName: 'bad_domain!' }, 400, 'InvalidDomainName.Malformed'],
    ];
    for (const [change, status, code] of cases) {
      const params = Object.assign({}, base, change);
      for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
      await expectError(c, RECORDS, params, status, code);
    }
  });
});
