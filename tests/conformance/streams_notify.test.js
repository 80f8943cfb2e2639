'use strict';
// Stream callback configuration (SetLiveStreamsNotifyUrlConfig, DescribeLiveStreamsNotifyUrlConfig,
// DeleteLiveStreamsNotifyUrlConfig) and the live list (DescribeLiveStreamsOnlineList, with a real
// ffmpeg publisher live), through every SDK client: every field and every error.
// Contract: docs/api/streams.md.
//
// Two servers: `server` allows private callback hosts ([callbacks] allow_private_addresses) and
// declares an ingest alias for tenant-b; `strict` runs with the default policy for the Unsafe errors.
// The SDK packages have no typed client for these actions: the harness's generic call paths
// (pop-core request, openapi-client callApi) send them, as they do every action.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const m = require('../integration/media.js');

const EXTRA_TOML = `
[callbacks]
allow_private_addresses = true

[[domains]]
account = "tenant-b"
name = "b2.example.com"
aliases = ["push.b2.example.com"]
`;

let server;
let strict;
before(async () => {
  server = await h.startServer({ extraToml: EXTRA_TOML });
  strict = await h.startServer();
});
after(async () => {
  if (server) await server.stop();
  if (strict) await strict.stop();
});

const SET = 'SetLiveStreamsNotifyUrlConfig';
const DESCRIBE = 'DescribeLiveStreamsNotifyUrlConfig';
const DELETE = 'DeleteLiveStreamsNotifyUrlConfig';
const ONLINE = 'DescribeLiveStreamsOnlineList';
const KEY64 = 'KbT8mN2pQ9rS4vX7wZ1aB3cE5fG6hJ8kKbT8mN2pQ9rS4vX7wZ1aB3cE5fG6hJ8k';

const variants = h.clientVariants;

const { assertOnlyRequestId } = h;

function assertConfig(body, exp) {
  h.assertRequestId(body.RequestId);
  assert.deepStrictEqual(body.LiveStreamsNotifyConfig, {
    DomainName: exp.DomainName,
    NotifyUrl: exp.NotifyUrl,
    NotifyReqAuth: exp.NotifyReqAuth === undefined ? 'no' : exp.NotifyReqAuth,
    NotifyAuthKey: exp.NotifyAuthKey === undefined ? '' : exp.NotifyAuthKey,
    ExceptionNotifyUrl: exp.ExceptionNotifyUrl === undefined ? '' : exp.ExceptionNotifyUrl,
    SwitchNotifyUrl: exp.SwitchNotifyUrl === undefined ? '' : exp.SwitchNotifyUrl,
  });
}

const expectError = h.expectActionError;

// ---------------------------------------------------------------------------------------
describe('stream callback config through each SDK client', () => {
  for (const [name, make, slug] of variants()) {
    it(`${name}: set with defaults, describe, set again (replaces), delete`, async () => {
      const c = make(server);
      const domain = `${slug}.streams.example.com`;
      const url = 'http://hooks.example.net/streams?tenant=a&x=%20y';
      assertOnlyRequestId(await c.call(SET, { DomainName: domain, NotifyUrl: url }));
      assertConfig((await c.call(DESCRIBE, { DomainName: domain })).body, { DomainName: domain, NotifyUrl: url });

      // Every field; "yes" is a string, echoed as such.
      const full = { DomainName: domain, NotifyUrl: 'https://hooks.example.net/v2', NotifyReqAuth: 'yes',
        NotifyAuthKey: KEY64, ExceptionNotifyUrl: 'http://hooks.example.net/exception',
        SwitchNotifyUrl: 'http://127.0.0.1:9/switch' };
      assertOnlyRequestId(await c.call(SET, full));
      assertConfig((await c.call(DESCRIBE, { DomainName: domain })).body, full);

      // Set replaces the whole config: what is not sent is back to its default.
      assertOnlyRequestId(await c.call(SET, { DomainName: domain, NotifyUrl: 'http://hooks.example.net/v3', NotifyReqAuth: 'No' }));
      assertConfig((await c.call(DESCRIBE, { DomainName: domain })).body,
        { DomainName: domain, NotifyUrl: 'http://hooks.example.net/v3' });

      assertOnlyRequestId(await c.call(DELETE, { DomainName: domain }));
      await expectError(c, DESCRIBE, { DomainName: domain }, 404, 'InvalidConfig.NotFound');
      await expectError(c, DELETE, { DomainName: domain }, 404, 'InvalidConfig.NotFound');
    });
  }
});

// ---------------------------------------------------------------------------------------
describe('stream callback config errors', () => {
  const domain = 'errors.streams.example.com';

  it('missing and malformed parameters, through every client', async () => {
    const ok = { DomainName: domain, NotifyUrl: 'http://a.example.com/' };
    for (const [, make] of variants()) {
      const c = make(server);
      await expectError(c, SET, { NotifyUrl: 'http://a.example.com/' }, 400, 'MissingDomainName');
      await expectError(c, SET, { DomainName: domain }, 400, 'MissingNotifyUrl');
      await expectError(c, SET, Object.assign({}, ok, { DomainName: 'bad_domain!' }), 400, 'InvalidDomainName.Malformed');
      for (const bad of ['ftp://a.example.com/', 'a.example.com/cb', 'http://', 'http://user:pw@a.example.com/',
        'http://a.example.com:99999/']) {
        await expectError(c, SET, Object.assign({}, ok, { NotifyUrl: bad }), 400, 'InvalidNotifyUrl.Malformed',
          { messageStartsWith: 'Specified NotifyUrl is invalid.' });
      }
      await expectError(c, SET, Object.assign({}, ok, { ExceptionNotifyUrl: 'gopher://a.example.com/' }),
        400, 'InvalidExceptionNotifyUrl.Malformed');
      await expectError(c, SET, Object.assign({}, ok, { SwitchNotifyUrl: 'not a url' }),
        400, 'InvalidSwitchNotifyUrl.Malformed');
      await expectError(c, SET, Object.assign({}, ok, { NotifyReqAuth: 'true' }), 400, 'InvalidParameter',
        { messageIncludes: 'NotifyReqAuth' });
      await expectError(c, SET, Object.assign({}, ok, { NotifyReqAuth: 'yes' }), 400, 'MissingNotifyAuthKey');
      for (const key of ['short1234567890', 'x'.repeat(65), 'has-dash-0123456789', 'spaces in the key 123']) {
        await expectError(c, SET, Object.assign({}, ok, { NotifyReqAuth: 'yes', NotifyAuthKey: key }),
          400, 'InvalidNotifyAuthKey.Malformed', { messageIncludes: '16-64' });
      }
      for (const action of [DESCRIBE, DELETE]) await expectError(c, action, {}, 400, 'MissingDomainName');
    }
    // Nothing was stored by the failed calls.
    await expectError(h.popClient(server, h.DEFAULT_KEY), DESCRIBE, { DomainName: domain }, 404,
      'InvalidConfig.NotFound');
    // 16 and 64 characters are the bounds that pass.
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    for (const key of ['abcdefgh12345678', KEY64]) {
      assertOnlyRequestId(await c.call(SET, Object.assign({}, ok, { NotifyReqAuth: 'YES', NotifyAuthKey: key })));
      assertConfig((await c.call(DESCRIBE, { DomainName: domain })).body,
        { DomainName: domain, NotifyUrl: ok.NotifyUrl, NotifyReqAuth: 'yes', NotifyAuthKey: key });
    }
  });

  it('configs are scoped to the account that declared the domain or its alias', async () => {
    const a = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const b = h.openApiClient(server, h.TENANT_B_KEY, undefined);
    for (const domain of ['b.example.com', 'b2.example.com', 'push.b2.example.com']) {
      await expectError(a, SET, { DomainName: domain, NotifyUrl: 'http://a.example.com/' }, 404, 'InvalidDomain.NotFound');
      await expectError(a, DESCRIBE, { DomainName: domain }, 404, 'InvalidDomain.NotFound');
      await expectError(a, DELETE, { DomainName: domain }, 404, 'InvalidDomain.NotFound');
    }
    // tenant-b may use its ingest alias and its domains, nothing else.
    assertOnlyRequestId(await b.call(SET, { DomainName: 'push.b2.example.com', NotifyUrl: 'http://b.example.com/streams' }));
    assertConfig((await b.call(DESCRIBE, { DomainName: 'push.b2.example.com' })).body,
      { DomainName: 'push.b2.example.com', NotifyUrl: 'http://b.example.com/streams' });
    assertOnlyRequestId(await b.call(SET, { DomainName: 'b.example.com', NotifyUrl: 'http://b.example.com/streams' }));
    await expectError(b, SET, { DomainName: 'other.streams.example.com', NotifyUrl: 'http://a.example.com/' },
      404, 'InvalidDomain.NotFound');
    // The default account's config of an undeclared name is its own.
    assertOnlyRequestId(await a.call(SET, { DomainName: 'mine.streams.example.com', NotifyUrl: 'http://a.example.com/' }));
    await expectError(b, DESCRIBE, { DomainName: 'mine.streams.example.com' }, 404, 'InvalidDomain.NotFound');
  });

  it('unsafe hosts are refused under the default policy, for all three URLs', async () => {
    for (const c of [h.popClient(strict, h.DEFAULT_KEY, 'POST'), h.openApiClient(strict, h.DEFAULT_KEY, undefined)]) {
      for (const url of ['http://127.0.0.1:8080/cb', 'http://localhost/cb', 'http://10.1.2.3/', 'http://[::1]:8080/',
        'http://169.254.169.254/latest/meta-data/']) {
        await expectError(c, SET, { DomainName: 'unsafe.example.com', NotifyUrl: url }, 400, 'InvalidNotifyUrl.Unsafe',
          { messageStartsWith: 'Specified NotifyUrl is not safe.' });
      }
      const ok = { DomainName: 'unsafe.example.com', NotifyUrl: 'http://203.0.113.9/cb' };
      await expectError(c, SET, Object.assign({}, ok, { ExceptionNotifyUrl: 'http://192.168.1.1/' }),
        400, 'InvalidExceptionNotifyUrl.Unsafe');
      await expectError(c, SET, Object.assign({}, ok, { SwitchNotifyUrl: 'http://172.16.5.5/' }),
        400, 'InvalidSwitchNotifyUrl.Unsafe');
      await expectError(c, SET, { DomainName: 'unsafe.example.com', NotifyUrl: 'ftp://127.0.0.1/' }, 400,
        'InvalidNotifyUrl.Malformed', {}); // malformed before unsafe
    }
    assertOnlyRequestId(await h.popClient(strict, h.DEFAULT_KEY).call(SET,
      { DomainName: 'unsafe.example.com', NotifyUrl: 'http://203.0.113.9/cb' }));
  });
});

// ---------------------------------------------------------------------------------------
describe('DescribeLiveStreamsOnlineList', () => {
  it('an empty list has the documented envelope and defaults, through every client', async () => {
    for (const [name, make] of variants()) {
      const res = await make(server).call(ONLINE, { DomainName: 'empty.streams.example.com' });
      assert.equal(res.status, 200, name);
      const b = res.body;
      h.assertRequestId(b.RequestId);
      assert.strictEqual(b.PageNum, 1);
      assert.strictEqual(b.PageSize, 2000);
      assert.strictEqual(b.TotalNum, 0);
      assert.strictEqual(b.TotalPage, 0);
      assert.deepStrictEqual(b.OnlineInfo, { LiveStreamOnlineInfo: [] });
    }
  });

  it('parameter errors', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const base = { DomainName: 'online.example.com' };
    const cases = [
      [{ DomainName: undefined }, 400, 'MissingDomainName'],
      [{ DomainName: 'bad_domain!' }, 400, 'InvalidDomainName.Malformed'],
      [{ PageNum: '0' }, 400, 'InvalidPageNum.Malformed'],
      [{ PageNum: 'x' }, 400, 'InvalidPageNum.Malformed'],
      [{ PageSize: '0' }, 400, 'InvalidPageSize.Malformed'],
      [{ PageSize: '3001' }, 400, 'InvalidPageSize.Malformed'],
      [{ QueryType: 'prefix' }, 400, 'InvalidParameter'],
      [{ OnlyStream: 'true' }, 400, 'InvalidParameter'],
      [{ StreamType: 'hd' }, 400, 'InvalidParameter'],
    ];
    for (const [change, status, code] of cases) {
      const params = Object.assign({}, base, change);
      for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
      await expectError(c, ONLINE, params, status, code);
    }
    await expectError(h.popClient(server, h.TENANT_B_KEY), ONLINE, base, 404, 'InvalidDomain.NotFound');
  });

  it('shows a live ffmpeg publisher with its codecs, size and rates, then not once it leaves', async () => {
    const flv = m.makeTestFlv(30);
    const domain = 'online.example.com';
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/cam1?vhost=${domain}&token=abc`;
    const startedAt = Date.now();
    const pusher = m.push(flv, url, { realtime: true, timeoutMs: 60000 });
    try {
      const client = h.popClient(server, h.DEFAULT_KEY, 'POST');
      // Wait until the meter has a full window: rates are 0 during the first second.
      const first = await m.waitFor('the stream listed with measured rates', async () => {
        const res = await client.call(ONLINE, { DomainName: domain });
        const list = res.body.OnlineInfo.LiveStreamOnlineInfo;
        return list.length === 1 && list[0].FrameRate > 0 && list[0].AudioDataRate > 0 ? res.body : null;
      }, 20000, 200);
      assert.strictEqual(first.TotalNum, 1);
      assert.strictEqual(first.TotalPage, 1);

      for (const [name, make] of variants()) {
        const res = await make(server).call(ONLINE, { DomainName: domain });
        const s = res.body.OnlineInfo.LiveStreamOnlineInfo[0];
        assert.ok(s, name);
        assert.deepStrictEqual(Object.keys(s).sort(), ['AppName', 'AudioCodecId', 'AudioDataRate', 'ClientIp',
          'DomainName', 'FrameRate', 'Height', 'PublishDomain', 'PublishTime', 'PublishType', 'PublishUrl',
          'RecordStatus', 'ServerIp', 'StreamName', 'Transcoded', 'VideoCodecId', 'VideoDataRate', 'Width'], name);
        assert.strictEqual(s.RecordStatus, 'idle', 'liverec\'s extension: no record config applies');
        assert.strictEqual(s.DomainName, domain);
        assert.strictEqual(s.AppName, 'live');
        assert.strictEqual(s.StreamName, 'cam1');
        h.assertTime(s.PublishTime, { aroundMs: startedAt, toleranceMs: 10000 });
        assert.strictEqual(s.PublishDomain, domain);
        assert.strictEqual(s.PublishUrl, `rtmp://${domain}/live/cam1`, 'no query (auth_key stays private)');
        assert.strictEqual(s.PublishType, 'edge');
        assert.strictEqual(s.Transcoded, 'no');
        assert.strictEqual(s.ClientIp, '127.0.0.1');
        assert.strictEqual(s.ServerIp, '127.0.0.1');
        assert.strictEqual(s.VideoCodecId, 7, 'H.264 is FLV codec id 7');
        assert.strictEqual(s.AudioCodecId, 10, 'AAC is FLV sound format 10');
        assert.strictEqual(s.Width, 1280);
        assert.strictEqual(s.Height, 720);
        assert.ok(s.FrameRate >= 20 && s.FrameRate <= 30, `FrameRate ${s.FrameRate} near 25`);
        assert.ok(s.VideoDataRate >= 800 && s.VideoDataRate <= 4000, `VideoDataRate ${s.VideoDataRate} kbit/s near 2000`);
        assert.ok(s.AudioDataRate >= 60 && s.AudioDataRate <= 300, `AudioDataRate ${s.AudioDataRate} kbit/s near 130`);
      }

      const c = h.openApiClient(server, h.DEFAULT_KEY, undefined);
      const count = async (params) => (await c.call(ONLINE, Object.assign({ DomainName: domain }, params)))
        .body.OnlineInfo.LiveStreamOnlineInfo.length;
      assert.equal(await count({ StreamName: 'cam' }), 1, 'fuzzy by default');
      assert.equal(await count({ StreamName: 'cam', QueryType: 'strict' }), 0);
      assert.equal(await count({ StreamName: 'cam1', QueryType: 'strict', AppName: 'live' }), 1);
      assert.equal(await count({ AppName: 'liv' }), 0, 'AppName is exact');
      assert.equal(await count({ StreamType: 'trans' }), 0, 'nothing is transcoded');
      assert.equal(await count({ PageNum: '2', PageSize: '1' }), 0);
      const only = (await c.call(ONLINE, { DomainName: domain, OnlyStream: 'yes' })).body.OnlineInfo.LiveStreamOnlineInfo[0];
      assert.deepStrictEqual(Object.keys(only).sort(), ['AppName', 'DomainName', 'PublishTime', 'StreamName']);
      assert.equal(await count({ DomainName: 'other.example.com' }), 0, 'another domain');
    } finally {
      pusher.child.kill('SIGTERM');
      await pusher.done;
    }
    const client = h.popClient(server, h.DEFAULT_KEY);
    await m.waitFor('the stream gone from the list', async () => {
      const res = await client.call(ONLINE, { DomainName: domain });
      return res.body.TotalNum === 0 ? true : null;
    }, 15000, 200);
  });
});
