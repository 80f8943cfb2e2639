'use strict';
// Pull-to-push relay tasks (CreateLivePullToPush, UpdateLivePullToPush, DeleteLivePullToPush,
// DescribeLivePullToPush, DescribeLivePullToPushList, RestartLivePullToPush, StopLivePullToPush)
// through the official SDK clients: success shapes field by field, SourceUrls in both
// encodings, every validation error, DstUrl conflicts, the task limit, account isolation, the
// Stop/Restart/Update rules that need no running relay, exit at EndTime, and restarts of the
// server. Contract: docs/api/relay.md. Relaying itself is tested with the worker.
//
// Servers: `server` allows loopback relay and callback hosts, lowers the RetryInterval minimum
// ([testing]) and keeps exited tasks 3 s; `small` allows 2 tasks per account; `strict` runs
// with the default policy (no private hosts, no file: sources, RetryInterval >= 60).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');

const CREATE = 'CreateLivePullToPush';
const UPDATE = 'UpdateLivePullToPush';
const DELETE = 'DeleteLivePullToPush';
const DESCRIBE = 'DescribeLivePullToPush';
const LIST = 'DescribeLivePullToPushList';
const RESTART = 'RestartLivePullToPush';
const STOP = 'StopLivePullToPush';
const REGION = 'cn-shanghai';
const HOUR = 3600 * 1000;

let server;
let small;
let strict;
let mediaRoot;
before(async () => {
  mediaRoot = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'liverec-relay-media-'));
  fs.writeFileSync(path.join(mediaRoot, 'a.mp4'), 'x');
  server = await h.startServer({
    extraToml: `\n[relay]\nallow_private_addresses = true\nexited_retention_s = 3\nmedia_root = "${mediaRoot}"\n` +
      '\n[callbacks]\nallow_private_addresses = true\n\n[testing]\nenabled = true\nmin_retry_interval_s = 1\n',
  });
  small = await h.startServer({ extraToml: '\n[relay]\nmax_tasks = 2\n' });
  strict = await h.startServer();
});
after(async () => {
  for (const s of [server, small, strict]) if (s) await s.stop();
  if (mediaRoot) fs.rmSync(mediaRoot, { recursive: true, force: true });
});

const iso = (ms) => h.isoSeconds(ms);
let dstCounter = 0;
const nextDst = () => `rtmp://dst.example.com/relay/out${++dstCounter}`;

// A valid live task starting in an hour; `extra` replaces or adds parameters.
function liveTask(extra = {}) {
  const now = Date.now();
  return Object.assign({
    Region: REGION, StartTime: iso(now + HOUR), EndTime: iso(now + 3 * HOUR), SourceType: 'live',
    SourceProtocol: 'rtmp', SourceUrls: JSON.stringify(['rtmp://src.example.com/live/in']), DstUrl: nextDst(),
  }, extra);
}

// ReqAuth and NotifyItemSwitch as TaskInfo shows them: "yes" or "no" (default no).
const yesNo = (v) => (['yes', 'true'].includes(String(v || '').toLowerCase()) ? 'yes' : 'no');

// The expected TaskInfo of `params` with the documented defaults.
function taskInfo(id, p, urls) {
  return {
    TaskId: id, TaskName: p.TaskName || '', StartTime: p.StartTime, EndTime: p.EndTime,
    SourceType: p.SourceType, SourceProtocol: p.SourceType === 'live' ? p.SourceProtocol : '',
    SourceUrls: urls || JSON.parse(p.SourceUrls), DstUrl: p.DstUrl, CallbackURL: p.CallbackUrl || '',
    ReqAuth: yesNo(p.ReqAuth), AuthKey: p.AuthKey || '', NotifyItemSwitch: yesNo(p.NotifyItemSwitch),
    RepeatNumber: Number(p.RepeatNumber || 0), Offset: Number(p.Offset || 0), FileIndex: Number(p.FileIndex || 0),
    RetryCount: p.RetryCount === undefined ? 3 : Number(p.RetryCount),
    RetryInterval: p.RetryInterval === undefined ? 60 : Number(p.RetryInterval),
  };
}

// The TaskList entry / Describe body (without RequestId, RetCode, Description).
function taskState(id, info, state = {}) {
  return Object.assign({
    TaskId: id, TaskStatus: 0, TaskInvalidReason: '', TaskExitTime: 0, TaskExitReason: '',
    CurrentOffset: info.Offset, CurrentFileIndex: info.FileIndex, TaskInfo: info,
  }, state);
}

async function create(c, params) {
  const res = await c.call(CREATE, params);
  assert.equal(res.status, 200, c.name);
  h.assertRequestId(res.body.RequestId);
  assert.deepEqual(Object.keys(res.body).sort(), ['Description', 'RequestId', 'RetCode', 'TaskId'], c.name);
  assert.strictEqual(res.body.RetCode, 0);
  assert.strictEqual(res.body.Description, 'OK');
  assert.match(res.body.TaskId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  return res.body.TaskId;
}

async function describeTask(c, id) {
  const res = await c.call(DESCRIBE, { Region: REGION, TaskId: id });
  assert.equal(res.status, 200);
  h.assertRequestId(res.body.RequestId);
  const { RequestId, RetCode, Description, ...rest } = res.body;
  assert.strictEqual(RetCode, 0);
  assert.strictEqual(Description, 'OK');
  return rest;
}

function assertRetOk(res) {
  assert.equal(res.status, 200);
  h.assertRequestId(res.body.RequestId);
  assert.deepEqual(Object.keys(res.body).sort(), ['Description', 'RequestId', 'RetCode']);
  assert.strictEqual(res.body.RetCode, 0);
  assert.strictEqual(res.body.Description, 'OK');
}

function assertTaskIdOnly(res, id) {
  assert.equal(res.status, 200);
  h.assertRequestId(res.body.RequestId);
  assert.deepEqual(Object.keys(res.body).sort(), ['RequestId', 'TaskId']);
  assert.equal(res.body.TaskId, id);
}

async function waitFor(what, fn, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await h.sleep(100);
  }
}

const expectError = h.expectActionError;

// ---------------------------------------------------------------------------------------
describe('the seven actions through each SDK client', () => {
  it('create, describe, list, update, stop, restart, delete', async () => {
    for (const c of h.allClients(server)) {
      const p = liveTask({ TaskName: `every field ${c.name}`, CallbackUrl: 'http://127.0.0.1:9/hook', RetryCount: 5, RetryInterval: 120 });
      const id = await create(c, p);
      const info = taskInfo(id, p);
      assert.deepStrictEqual(await describeTask(c, id), taskState(id, info), c.name);

      const list = await c.call(LIST, { Region: REGION, TaskId: id });
      assert.deepStrictEqual(list.body, { RequestId: list.body.RequestId, PageNumber: 1, PageSize: 10, Total: 1,
        TaskList: [taskState(id, info)] }, c.name);

      const update = { CallbackUrl: 'https://hooks.example.net/relay', EndTime: iso(Date.now() + 4 * HOUR), Region: 'cn-beijing' };
      assertRetOk(await c.call(UPDATE, Object.assign({ TaskId: id }, update)));
      const updated = Object.assign({}, info, { CallbackURL: update.CallbackUrl, EndTime: update.EndTime });
      assert.deepStrictEqual(await describeTask(c, id), taskState(id, updated), c.name);

      // Before StartTime, Stop and Restart have no effect.
      assertTaskIdOnly(await c.call(STOP, { Region: REGION, TaskId: id }), id);
      assertTaskIdOnly(await c.call(RESTART, { Region: REGION, TaskId: id }), id);
      assert.deepStrictEqual(await describeTask(c, id), taskState(id, updated), c.name);

      assertRetOk(await c.call(DELETE, { Region: REGION, TaskId: id }));
      await expectError(c, DESCRIBE, { Region: REGION, TaskId: id }, 404, 'InvalidTask.NotFound');
      await expectError(c, DELETE, { Region: REGION, TaskId: id }, 404, 'InvalidTask.NotFound');
    }
  });

  it('SourceUrls as SourceUrls.N and as a JSON string, with FileIndex, Offset and RepeatNumber', async () => {
    const urls = ['http://files.example.com/a.mp4', 'https://files.example.com/b.flv', `file://${mediaRoot}/a.mp4`];
    for (const c of h.allClients(server)) {
      const flat = liveTask({ SourceType: 'url', FileIndex: 2, Offset: 30, RepeatNumber: -1 });
      delete flat.SourceUrls;
      delete flat.SourceProtocol;
      Object.assign(flat, h.flattenList(urls, 'SourceUrls'));
      const a = await create(c, flat);
      assert.deepStrictEqual(await describeTask(c, a), taskState(a, taskInfo(a, flat, urls), { CurrentOffset: 30, CurrentFileIndex: 2 }));

      const json = liveTask({ SourceType: 'url', SourceProtocol: 'hls', SourceUrls: JSON.stringify(urls), RepeatNumber: 3 });
      const b = await create(c, json);
      const described = await describeTask(c, b);
      assert.deepStrictEqual(described.TaskInfo.SourceUrls, urls, 'SourceUrls is a plain array');
      assert.equal(described.TaskInfo.SourceProtocol, '', 'SourceProtocol does not apply to url sources');
      assert.equal(described.TaskInfo.RepeatNumber, 3);
      // Update replaces the list in either encoding.
      assertRetOk(await c.call(UPDATE, Object.assign({ Region: REGION, TaskId: b }, h.flattenList(urls.slice(0, 1), 'SourceUrls'))));
      assert.deepStrictEqual((await describeTask(c, b)).TaskInfo.SourceUrls, urls.slice(0, 1));
      for (const id of [a, b]) await c.call(DELETE, { Region: REGION, TaskId: id });
    }
  });

  it('live sources of each protocol', async () => {
    const c = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const sources = { rtmp: 'rtmps://src.example.com/live/in', srt: 'srt://127.0.0.1:9000?streamid=in',
      'http-flv': 'http://src.example.com/live/in.flv', hls: 'https://src.example.com/live/in.m3u8',
      flv: 'https://src.example.com/live/in.flv' };  // the newest SDK's name of http-flv, echoed as sent
    for (const [protocol, url] of Object.entries(sources)) {
      const p = liveTask({ SourceProtocol: protocol, SourceUrls: JSON.stringify([url]) });
      const id = await create(c, p);
      assert.deepStrictEqual((await describeTask(c, id)).TaskInfo, taskInfo(id, p), protocol);
      await c.call(DELETE, { Region: REGION, TaskId: id });
    }
  });
});

// ---------------------------------------------------------------------------------------
describe('ReqAuth, AuthKey and NotifyItemSwitch', () => {
  it('each client: Create takes them, Describe and List echo them, Update keeps what is not sent', async () => {
    for (const c of h.allClients(server)) {
      const p = liveTask({ SourceType: 'url', SourceUrls: JSON.stringify(['http://f.example.com/a.mp4', 'http://f.example.com/b.flv']),
        CallbackUrl: 'http://127.0.0.1:9/hook', ReqAuth: 'Yes', AuthKey: 'Conformance0123456789', NotifyItemSwitch: 'TRUE' });
      delete p.SourceProtocol;
      const id = await create(c, p);
      const info = taskInfo(id, p);
      assert.equal(info.ReqAuth, 'yes');
      assert.equal(info.NotifyItemSwitch, 'yes');
      const described = await describeTask(c, id);
      assert.deepStrictEqual(described, taskState(id, info), c.name);
      assert.strictEqual(typeof described.TaskInfo.ReqAuth, 'string', 'strings, as the SDK model types them');
      assert.strictEqual(typeof described.TaskInfo.NotifyItemSwitch, 'string');
      const list = await c.call(LIST, { Region: REGION, TaskId: id });
      assert.deepStrictEqual(list.body.TaskList, [taskState(id, info)], c.name);

      // Other parameters leave them alone; each can change on its own.
      assertRetOk(await c.call(UPDATE, { Region: REGION, TaskId: id, RepeatNumber: 2 }));
      let expected = Object.assign({}, info, { RepeatNumber: 2 });
      assert.deepStrictEqual((await describeTask(c, id)).TaskInfo, expected, c.name);
      assertRetOk(await c.call(UPDATE, { Region: REGION, TaskId: id, NotifyItemSwitch: 'no' }));
      expected = Object.assign({}, expected, { NotifyItemSwitch: 'no' });
      assert.deepStrictEqual((await describeTask(c, id)).TaskInfo, expected, c.name);
      assertRetOk(await c.call(UPDATE, { Region: REGION, TaskId: id, AuthKey: 'AnotherKey0123456789abcdefABCDEF' }));
      expected = Object.assign({}, expected, { AuthKey: 'AnotherKey0123456789abcdefABCDEF' });
      assert.deepStrictEqual((await describeTask(c, id)).TaskInfo, expected, c.name);
      assertRetOk(await c.call(UPDATE, { Region: REGION, TaskId: id, ReqAuth: 'false' }));
      expected = Object.assign({}, expected, { ReqAuth: 'no' });
      assert.deepStrictEqual((await describeTask(c, id)).TaskInfo, expected, c.name);
      await c.call(DELETE, { Region: REGION, TaskId: id });
    }
  });

  it('defaults: no, "" and no', async () => {
    const c = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const id = await create(c, liveTask());
    const { TaskInfo } = await describeTask(c, id);
    assert.strictEqual(TaskInfo.ReqAuth, 'no');
    assert.strictEqual(TaskInfo.AuthKey, '');
    assert.strictEqual(TaskInfo.NotifyItemSwitch, 'no');
    await c.call(DELETE, { Region: REGION, TaskId: id });
  });

  it('errors: ReqAuth yes needs a key of 16-64 letters and digits; yes/no only', async () => {
    const cases = [
      [{ ReqAuth: 'yes' }, 'MissingAuthKey'],
      [{ ReqAuth: 'true', AuthKey: '' }, 'MissingAuthKey'],
      [{ ReqAuth: 'on', AuthKey: 'abcdefghijklmnop' }, 'InvalidReqAuth.Malformed'],
      [{ ReqAuth: 'yes', AuthKey: 'fifteen15chars1' }, 'InvalidAuthKey.Malformed'],
      [{ ReqAuth: 'yes', AuthKey: 'k'.repeat(65) }, 'InvalidAuthKey.Malformed'],
      [{ AuthKey: 'with-a-dash-1234567' }, 'InvalidAuthKey.Malformed'],
      [{ NotifyItemSwitch: '1' }, 'InvalidNotifyItemSwitch.Malformed'],
    ];
    const total = async () => (await h.popClient(server, h.DEFAULT_KEY).call(LIST, { Region: REGION })).body.Total;
    const before = await total();
    for (const c of h.allClients(server)) {
      for (const [extra, code] of cases) await expectError(c, CREATE, liveTask(extra), 400, code);
    }
    assert.equal(await total(), before, 'no failed call stored a task');
    // Update: the same rules against the stored task; a failure changes nothing.
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const id = await create(c, liveTask());
    const stored = await describeTask(c, id);
    for (const [extra, code] of cases) {
      await expectError(c, UPDATE, Object.assign({ Region: REGION, TaskId: id }, extra), 400, code);
    }
    await expectError(c, UPDATE, { Region: REGION, TaskId: id, ReqAuth: 'yes', NotifyItemSwitch: 'yes' }, 400,
      'MissingAuthKey', { messageIncludes: 'ReqAuth' });
    assert.deepStrictEqual(await describeTask(c, id), stored);
    // With a stored key, ReqAuth alone is enough.
    assertRetOk(await c.call(UPDATE, { Region: REGION, TaskId: id, AuthKey: 'abcdefghijklmnop' }));
    assertRetOk(await c.call(UPDATE, { Region: REGION, TaskId: id, ReqAuth: 'YES' }));
    assert.equal((await describeTask(c, id)).TaskInfo.ReqAuth, 'yes');
    await c.call(DELETE, { Region: REGION, TaskId: id });
  });
});

// ---------------------------------------------------------------------------------------
describe('errors', () => {
  it('each client: missing and malformed parameters of CreateLivePullToPush store nothing', async () => {
    const cases = [
      [{ Region: undefined }, 'MissingRegion'],
      [{ Region: 'us-east-1' }, 'InvalidRegion.Malformed'],
      [{ TaskName: 'n'.repeat(129) }, 'InvalidTaskName.Malformed'],
      [{ StartTime: undefined }, 'MissingStartTime'],
      [{ EndTime: undefined }, 'MissingEndTime'],
      [{ StartTime: '2030-01-01 00:00:00' }, 'InvalidStartTime.Malformed'],
      [{ EndTime: '2030-01-01T00:00:00+08:00' }, 'InvalidEndTime.Malformed'],
      [{ SourceType: undefined }, 'MissingSourceType'],
      [{ SourceType: 'file' }, 'InvalidSourceType.Malformed'],
      [{ SourceType: 'vod' }, 'InvalidSourceType.Unsupported'],
      [{ SourceProtocol: undefined }, 'MissingSourceProtocol'],
      [{ SourceProtocol: 'rtp' }, 'InvalidSourceProtocol.Malformed'],
      [{ SourceProtocol: 'rtsp' }, 'InvalidSourceUrls.Malformed'], // the rtmp:// URL of the base
      [{ SourceProtocol: 'rtsp', SourceUrls: JSON.stringify(['rtsps://src.example.com/live']) }, 'InvalidSourceUrls.Malformed'],
      [{ SourceUrls: undefined }, 'MissingSourceUrls'],
      [{ SourceUrls: 'rtmp://src.example.com/live/in' }, 'InvalidSourceUrls.Malformed'],
      [{ SourceUrls: '[1]' }, 'InvalidSourceUrls.Malformed'],
      [{ SourceUrls: JSON.stringify(['rtmp://a.example.com/l/a', 'rtmp://b.example.com/l/b']) }, 'InvalidSourceUrls.Malformed'],
      [{ SourceUrls: JSON.stringify(['http://src.example.com/live/in.flv']) }, 'InvalidSourceUrls.Malformed'],
      [{ SourceUrls: JSON.stringify(['rtmp://src.example.com/live']) }, 'InvalidSourceUrls.Malformed'],
      [{ 'SourceUrls.1': 'rtmp://src.example.com/live/in' }, 'InvalidSourceUrls.Malformed'],
      [{ DstUrl: undefined }, 'MissingDstUrl'],
      [{ DstUrl: 'srt://dst.example.com:9000' }, 'InvalidDstUrl.Malformed'],
      [{ DstUrl: `rtmp://dst.example.com/live/${'x'.repeat(2000)}` }, 'InvalidDstUrl.Malformed'],
      [{ CallbackUrl: 'ftp://hooks.example.net/' }, 'InvalidCallbackUrl.Malformed'],
      [{ CallbackUrl: `https://hooks.example.net/${'x'.repeat(2000)}` }, 'InvalidCallbackUrl.Malformed'],
      [{ RepeatNumber: -2 }, 'InvalidRepeatNumber.Malformed'],
      [{ Offset: -1 }, 'InvalidOffset.Malformed'],
      [{ FileIndex: 1 }, 'InvalidFileIndex.Malformed'],
      [{ RetryCount: 31 }, 'InvalidRetryCount.Malformed'],
      [{ RetryCount: 'three' }, 'InvalidRetryCount.Malformed'],
      [{ RetryInterval: 0 }, 'InvalidRetryInterval.Malformed'],
      [{ RetryInterval: 301 }, 'InvalidRetryInterval.Malformed'],
    ];
    const total = async () => (await h.popClient(server, h.DEFAULT_KEY).call(LIST, { Region: REGION })).body.Total;
    const before = await total();
    for (const c of h.allClients(server)) {
      for (const [extra, code] of cases) {
        const p = liveTask();
        for (const [k, v] of Object.entries(extra)) {
          if (v === undefined) delete p[k];
          else p[k] = v;
        }
        await expectError(c, CREATE, p, 400, code);
      }
    }
    // Thirty URLs at most for url sources.
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const many = Array.from({ length: 31 }, (_, i) => `http://files.example.com/${i}.mp4`);
    await expectError(c, CREATE, liveTask({ SourceType: 'url', SourceUrls: JSON.stringify(many) }), 400,
      'InvalidSourceUrls.Malformed', { messageIncludes: '30' });
    assert.equal(await total(), before, 'no failed call stored a task');
  });

  it('time ranges: InvalidParam.CodeIllegalDuration', async () => {
    const now = Date.now();
    for (const c of h.allClients(server)) {
      await expectError(c, CREATE, liveTask({ StartTime: iso(now + HOUR), EndTime: iso(now + HOUR) }), 400,
        'InvalidParam.CodeIllegalDuration');
      await expectError(c, CREATE, liveTask({ StartTime: iso(now + 2 * HOUR), EndTime: iso(now + HOUR) }), 400,
        'InvalidParam.CodeIllegalDuration');
      await expectError(c, CREATE, liveTask({ StartTime: iso(now - 2 * HOUR), EndTime: iso(now - HOUR) }), 400,
        'InvalidParam.CodeIllegalDuration');
    }
  });

  it('the task commands: missing, malformed and unknown tasks', async () => {
    const c = h.openApiClient(server, h.DEFAULT_KEY, 'v2');
    for (const action of [UPDATE, DELETE, DESCRIBE, RESTART, STOP]) {
      await expectError(c, action, { TaskId: 'x' }, 400, 'MissingRegion');
      await expectError(c, action, { Region: 'eu-central-1', TaskId: 'x' }, 400, 'InvalidRegion.Malformed');
      await expectError(c, action, { Region: REGION }, 400, 'MissingTaskId');
      await expectError(c, action, { Region: REGION, TaskId: 'bad id!' }, 400, 'InvalidTaskId.Malformed');
      await expectError(c, action, { Region: REGION, TaskId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }, 404, 'InvalidTask.NotFound');
    }
    await expectError(c, LIST, {}, 400, 'MissingRegion');
    await expectError(c, LIST, { Region: REGION, PageSize: 101 }, 400, 'InvalidPageSize.Malformed');
    await expectError(c, LIST, { Region: REGION, PageSize: 0 }, 400, 'InvalidPageSize.Malformed');
    await expectError(c, LIST, { Region: REGION, PageNumber: 0 }, 400, 'InvalidPageNumber.Malformed');
    await expectError(c, LIST, { Region: REGION, TaskId: 'x'.repeat(56) }, 400, 'InvalidTaskId.Malformed');
  });

  it('UpdateLivePullToPush validates like Create and changes nothing when it fails', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, undefined);
    const p = liveTask();
    const id = await create(c, p);
    const before = await describeTask(c, id);
    const bad = [
      [{ EndTime: iso(Date.now() - HOUR) }, 'InvalidParam.CodeIllegalDuration'],
      [{ StartTime: iso(Date.now() + 5 * HOUR) }, 'InvalidParam.CodeIllegalDuration'],
      [{ StartTime: 'tomorrow' }, 'InvalidStartTime.Malformed'],
      [{ SourceUrls: JSON.stringify(['http://src.example.com/a.flv']) }, 'InvalidSourceUrls.Malformed'],
      [{ SourceUrls: JSON.stringify(['rtmp://a.example.com/l/a', 'rtmp://a.example.com/l/b']) }, 'InvalidSourceUrls.Malformed'],
      [{ FileIndex: 1 }, 'InvalidFileIndex.Malformed'],
      [{ RepeatNumber: -5 }, 'InvalidRepeatNumber.Malformed'],
      [{ Offset: 'x' }, 'InvalidOffset.Malformed'],
      [{ CallbackUrl: 'hooks.example.net' }, 'InvalidCallbackUrl.Malformed'],
    ];
    for (const [extra, code] of bad) {
      await expectError(c, UPDATE, Object.assign({ Region: REGION, TaskId: id, CallbackUrl: 'https://h.example.net/' }, extra), 400, code);
    }
    assert.deepStrictEqual(await describeTask(c, id), before);
    await c.call(DELETE, { Region: REGION, TaskId: id });
  });

  it('CodeConfigAlreadyExists: a DstUrl used by another task of the account', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const dst = nextDst();
    const id = await create(c, liveTask({ DstUrl: dst }));
    for (const client of h.allClients(server)) {
      await expectError(client, CREATE, liveTask({ DstUrl: dst, SourceUrls: JSON.stringify(['rtmp://other.example.com/a/b']) }),
        400, 'CodeConfigAlreadyExists');
    }
    // Another account may use the same destination; after Delete this account may again.
    await create(h.popClient(server, h.TENANT_B_KEY, 'POST'), liveTask({ DstUrl: dst }));
    await c.call(DELETE, { Region: REGION, TaskId: id });
    await create(c, liveTask({ DstUrl: dst }));
  });

  it('CodeNotEnoughResource past [relay] max_tasks (per account)', async () => {
    const c = h.openApiClient(small, h.DEFAULT_KEY, undefined);
    const first = await create(c, liveTask());
    await create(c, liveTask());
    for (const client of h.allClients(small)) {
      await expectError(client, CREATE, liveTask(), 400, 'CodeNotEnoughResource');
    }
    await create(h.openApiClient(small, h.TENANT_B_KEY, undefined), liveTask());
    await c.call(DELETE, { Region: REGION, TaskId: first });
    await create(c, liveTask());
  });

  it('the default policy refuses private hosts, file: sources and short retry intervals', async () => {
    for (const c of h.allClients(strict)) {
      await expectError(c, CREATE, liveTask({ SourceUrls: JSON.stringify(['rtmp://127.0.0.1:1935/live/in']) }), 400,
        'InvalidSourceUrls.Unsafe');
      await expectError(c, CREATE, liveTask({ SourceProtocol: 'hls', SourceUrls: JSON.stringify(['http://10.1.2.3/a.m3u8']) }), 400,
        'InvalidSourceUrls.Unsafe');
      await expectError(c, CREATE, liveTask({ SourceType: 'url', SourceUrls: JSON.stringify([`file://${mediaRoot}/a.mp4`]) }), 400,
        'InvalidSourceUrls.Unsafe', { messageIncludes: 'media_root' });
      await expectError(c, CREATE, liveTask({ DstUrl: 'rtmp://localhost/live/out' }), 400, 'InvalidDstUrl.Unsafe');
      await expectError(c, CREATE, liveTask({ CallbackUrl: 'http://192.168.1.1/hook' }), 400, 'InvalidCallbackUrl.Unsafe');
      await expectError(c, CREATE, liveTask({ RetryInterval: 59 }), 400, 'InvalidRetryInterval.Malformed');
    }
    // file: sources outside the media root are refused even where file: is allowed.
    await expectError(h.popClient(server, h.DEFAULT_KEY), CREATE,
      liveTask({ SourceType: 'url', SourceUrls: JSON.stringify(['file:///etc/passwd']) }), 400, 'InvalidSourceUrls.Unsafe');
    await expectError(h.popClient(server, h.DEFAULT_KEY), CREATE,
      liveTask({ SourceType: 'url', SourceUrls: JSON.stringify([`file://${mediaRoot}/../x.mp4`]) }), 400, 'InvalidSourceUrls.Unsafe');
  });
});

// ---------------------------------------------------------------------------------------
describe('accounts', () => {
  it('tasks are invisible to other accounts', async () => {
    const a = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const id = await create(a, liveTask({ TaskName: 'only-for-a' }));
    for (const b of h.allClients(server, h.TENANT_B_KEY)) {
      for (const action of [DESCRIBE, DELETE, STOP, RESTART, UPDATE]) {
        await expectError(b, action, { Region: REGION, TaskId: id }, 404, 'InvalidTask.NotFound');
      }
      const list = await b.call(LIST, { Region: REGION, TaskName: 'only-for-a' });
      assert.equal(list.body.Total, 0);
      assert.deepStrictEqual(list.body.TaskList, []);
    }
    assert.equal((await describeTask(a, id)).TaskStatus, 0);
    await a.call(DELETE, { Region: REGION, TaskId: id });
  });
});

// ---------------------------------------------------------------------------------------
describe('status rules without a running relay', () => {
  it('list: paging, order and fuzzy filters', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
    const tag = `paging-${Date.now()}`;
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await create(c, liveTask({ TaskName: `${tag}-${i % 2 ? 'odd' : 'even'}` })));
    const page = await c.call(LIST, { Region: REGION, TaskName: tag, PageNumber: 2, PageSize: 2 });
    assert.equal(page.body.PageNumber, 2);
    assert.equal(page.body.PageSize, 2);
    assert.equal(page.body.Total, 5);
    assert.deepStrictEqual(page.body.TaskList.map((t) => t.TaskId), ids.slice(2, 4), 'oldest first');
    assert.equal((await c.call(LIST, { Region: REGION, TaskName: `${tag}-odd` })).body.Total, 2);
    const byId = await c.call(LIST, { Region: REGION, TaskId: ids[3].slice(-12) });
    assert.deepStrictEqual(byId.body.TaskList.map((t) => t.TaskId), [ids[3]]);
    const dst = (await describeTask(c, ids[1])).TaskInfo.DstUrl;
    assert.deepStrictEqual((await c.call(LIST, { Region: REGION, DstUrl: dst })).body.TaskList.map((t) => t.TaskId), [ids[1]]);
    for (const id of ids) await c.call(DELETE, { Region: REGION, TaskId: id });
  });

  it('a started task: Stop takes it offline, Update applies, Restart brings it back', async () => {
    const c = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const p = liveTask({ StartTime: iso(Date.now() - 1000), SourceType: 'url', SourceUrls: JSON.stringify(['http://f.example.com/a.mp4', 'http://f.example.com/b.mp4']) });
    delete p.SourceProtocol;
    const id = await create(c, p);
    const info = taskInfo(id, p);
    assertTaskIdOnly(await c.call(STOP, { Region: REGION, TaskId: id }), id);
    assert.deepStrictEqual(await describeTask(c, id), taskState(id, info, { TaskStatus: 3, TaskInvalidReason: 'TriggerByUser' }));
    // Stopped: everything but Region; Offset and FileIndex wait for the restart.
    assertRetOk(await c.call(UPDATE, { Region: 'cn-shenzhen', TaskId: id, Offset: 12, FileIndex: 1, RepeatNumber: 2 }));
    const updated = Object.assign({}, info, { Offset: 12, FileIndex: 1, RepeatNumber: 2 });
    assert.deepStrictEqual(await describeTask(c, id),
      taskState(id, updated, { TaskStatus: 3, TaskInvalidReason: 'TriggerByUser', CurrentOffset: 0, CurrentFileIndex: 0 }));
    assertTaskIdOnly(await c.call(STOP, { Region: REGION, TaskId: id }), id);  // no effect
    assertTaskIdOnly(await c.call(RESTART, { Region: REGION, TaskId: id }), id);
    // Idle again at the update's position; its first attempt may already have failed (the host
    // does not resolve here), which shows as recovering (2).
    const restarted = await describeTask(c, id);
    assert.ok([0, 2].includes(restarted.TaskStatus), `TaskStatus ${restarted.TaskStatus}`);
    assert.deepStrictEqual(restarted, taskState(id, updated,
      { CurrentOffset: 12, CurrentFileIndex: 1, TaskStatus: restarted.TaskStatus }));
    await c.call(DELETE, { Region: REGION, TaskId: id });
  });

  it('an idle task takes every field, StartTime included', async () => {
    const c = h.popClient(server, h.DEFAULT_KEY, undefined);
    const p = liveTask();
    const id = await create(c, p);
    const start = iso(Date.now() + 2 * HOUR);
    assertRetOk(await c.call(UPDATE, { Region: REGION, TaskId: id, StartTime: start,
      SourceUrls: JSON.stringify(['rtmp://src2.example.com/live/in2']), CallbackUrl: 'http://127.0.0.1:9/x' }));
    const d = await describeTask(c, id);
    assert.equal(d.TaskInfo.StartTime, start);
    assert.deepStrictEqual(d.TaskInfo.SourceUrls, ['rtmp://src2.example.com/live/in2']);
    assert.equal(d.TaskInfo.CallbackURL, 'http://127.0.0.1:9/x');
    assert.equal(d.TaskStatus, 0);
    await c.call(DELETE, { Region: REGION, TaskId: id });
  });

  it('after EndTime the task is exited (OverEndTime), frees its DstUrl, then is removed', async () => {
    const c = h.openApiClient(server, h.DEFAULT_KEY, 'v2');
    const now = Date.now();
    const endMs = Math.floor(now / 1000) * 1000 + 2000;
    const p = liveTask({ StartTime: iso(now - 60000), EndTime: iso(endMs) });
    const id = await create(c, p);
    await waitFor('the task to exit', async () => (await describeTask(c, id)).TaskStatus === -1);
    assert.deepStrictEqual(await describeTask(c, id), taskState(id, taskInfo(id, p),
      { TaskStatus: -1, TaskExitTime: endMs / 1000, TaskExitReason: 'OverEndTime' }));
    const listed = await c.call(LIST, { Region: REGION, TaskId: id });
    assert.equal(listed.body.TaskList[0].TaskStatus, -1);
    assertTaskIdOnly(await c.call(STOP, { Region: REGION, TaskId: id }), id);  // no effect
    await expectError(c, RESTART, { Region: REGION, TaskId: id }, 409, 'InvalidTask.Exited');
    await expectError(c, UPDATE, { Region: REGION, TaskId: id, EndTime: iso(Date.now() + HOUR) }, 409, 'InvalidTask.Exited');
    const again = await create(c, liveTask({ DstUrl: p.DstUrl }));
    // Removed after [relay] exited_retention_s (3 s here).
    await waitFor('the exited task to be removed', async () => {
      const err = await h.expectSdkError(c.call(DESCRIBE, { Region: REGION, TaskId: id })).catch(() => null);
      return err && err.code === 'InvalidTask.NotFound';
    }, 8000);
    assert.equal((await c.call(LIST, { Region: REGION, TaskId: id })).body.Total, 0);
    await c.call(DELETE, { Region: REGION, TaskId: again });
  });
});

// ---------------------------------------------------------------------------------------
describe('persistence', () => {
  it('tasks survive a restart of liverec', async () => {
    const s1 = await h.startServer();
    let s2;
    try {
      const c1 = h.popClient(s1, h.DEFAULT_KEY, 'POST');
      const p = liveTask({ TaskName: 'survivor', CallbackUrl: 'https://hooks.example.net/r', ReqAuth: 'yes',
        AuthKey: 'SurvivorKey0123456789', NotifyItemSwitch: 'yes' });
      const id = await create(c1, p);
      const before = await describeTask(c1, id);
      await s1.stop({ keep: true });
      s2 = await h.startServer({ reuse: s1.tmp });
      const c2 = h.popClient(s2, h.DEFAULT_KEY, 'POST');
      assert.deepStrictEqual(await describeTask(c2, id), before);
      assert.equal(before.TaskInfo.AuthKey, 'SurvivorKey0123456789');
      await expectError(c2, CREATE, liveTask({ DstUrl: p.DstUrl }), 400, 'CodeConfigAlreadyExists');
    } finally {
      if (s2) await s2.stop();
      else await s1.stop();
    }
  });
});
