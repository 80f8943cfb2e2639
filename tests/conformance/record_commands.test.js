'use strict';
// RealTimeRecordCommand through each official SDK client: the success shape on a live stream
// (pushed by a real ffmpeg), every parameter error, and the errors of the state machine.
// Contract: docs/api/record-commands.md; what the commands do to files is tested in
// tests/integration/manual.test.js.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const m = require('../integration/media.js');

const ACTION = 'RealTimeRecordCommand';
const DOMAIN = 'cmd.example.com';

let server;
let push;
before(async () => {
  server = await h.startServer({ extraToml: m.TESTING });
  await h.popClient(server, h.DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
    DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
    OnDemand: 7, DelayTime: 60, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
    'RecordFormat.1.OssObjectPrefix': 'cmd/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
    'RecordFormat.1.SliceOssObjectPrefix': 'cmd/{StreamName}/{UnixTimestamp}_{Sequence}',
  });
  push = m.push(m.makeTestFlv(16), `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=${DOMAIN}`,
    { realtime: true });
});
after(async () => {
  if (push) { push.child.kill('SIGTERM'); await push.done; }
  if (server) await server.stop();
});

const expectError = (client, params, status, code) => h.expectActionError(client, ACTION, params, status, code);
const cmd = (Command, StreamName = 's1') => ({ DomainName: DOMAIN, AppName: 'live', StreamName, Command });

describe('RealTimeRecordCommand', () => {
  it('each client: start, start again, stop, cancel_delay on a live stream', async () => {
    await m.waitFor('the stream to be live', async () => {
      const err = await h.expectSdkError(h.popClient(server, h.DEFAULT_KEY, 'POST').call(ACTION, cmd('stop')));
      return err.code !== 'InvalidStream.NotFound';
    }, 15000, 50);
    for (const c of h.allClients(server)) {
      const res = await c.call(ACTION, cmd('start'));
      assert.equal(res.status, 200, c.name);
      h.assertRequestId(res.body.RequestId);
      assert.deepEqual(Object.keys(res.body), ['RequestId'], `${c.name}: success body is just {RequestId}`);
      await expectError(c, cmd('start'), 409, 'TaskAlreadyStarted');
      assert.equal((await c.call(ACTION, cmd('stop'))).status, 200);
      await expectError(c, cmd('stop'), 409, 'InvalidTaskState');
      assert.equal((await c.call(ACTION, cmd('cancel_delay'))).status, 200);
      await expectError(c, cmd('cancel_delay'), 409, 'InvalidTaskState');
      await expectError(c, cmd('restart'), 409, 'InvalidTaskState');
    }
  });

  it('each client: missing and malformed parameters', async () => {
    for (const c of h.allClients(server)) {
      await expectError(c, { AppName: 'live', StreamName: 's1', Command: 'start' }, 400, 'MissingDomainName');
      await expectError(c, { DomainName: DOMAIN, StreamName: 's1', Command: 'start' }, 400, 'MissingAppName');
      await expectError(c, { DomainName: DOMAIN, AppName: 'live', Command: 'start' }, 400, 'MissingStreamName');
      await expectError(c, { DomainName: DOMAIN, AppName: 'live', StreamName: 's1' }, 400, 'MissingCommand');
      await expectError(c, cmd('pause'), 400, 'InvalidCommand.Malformed');
      await expectError(c, cmd('START'), 400, 'InvalidCommand.Malformed');
      await expectError(c, cmd('start', '*'), 400, 'InvalidStreamName.Malformed');
      await expectError(c, Object.assign(cmd('start'), { DomainName: 'bad_domain!' }), 400, 'InvalidDomainName.Malformed');
      await expectError(c, Object.assign(cmd('start'), { AppName: '*' }), 400, 'InvalidAppName.Malformed');
    }
  });

  it('a stream not publishing, and another account\'s domain', async () => {
    for (const c of h.allClients(server)) {
      await expectError(c, cmd('start', 'offline'), 404, 'InvalidStream.NotFound');
      await expectError(c, Object.assign(cmd('start'), { DomainName: 'b.example.com' }), 404, 'InvalidDomain.NotFound');
    }
    // The stream is only visible to the account that publishes it.
    const b = h.openApiClient(server, h.TENANT_B_KEY, undefined);
    await expectError(b, Object.assign(cmd('start'), { DomainName: 'b.example.com' }), 404, 'InvalidStream.NotFound');
  });
});
