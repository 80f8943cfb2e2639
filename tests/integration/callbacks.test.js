'use strict';
// Recording callbacks end to end: a notify config points at a receiver on 127.0.0.1, real ffmpeg
// publishes (with callback_* arguments) into an MP4 recording, and the receiver sees the status
// events and exactly one delivered file_created per stored file, although it fails the first
// attempts. Contract: docs/callbacks.md (delivery and bodies).
const assert = require('node:assert/strict');
const http = require('node:http');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'cb.example.com';
const PUSHED_S = 6;
const FAILURES = 2; // every event's first two attempts get a 503

// Keeps every request; answers 503 to the first FAILURES attempts of each event id.
function startReceiver() {
  const requests = [];
  const seen = new Map();
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const id = req.headers['x-liverec-event-id'];
      const n = (seen.get(id) || 0) + 1;
      seen.set(id, n);
      const status = n <= FAILURES ? 503 : 200;
      requests.push({ id, kind: req.headers['x-liverec-event-kind'], body, status });
      res.writeHead(status);
      res.end(status === 200 ? 'ok' : 'busy');
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    srv, requests, url: `http://127.0.0.1:${srv.address().port}/record-hooks`,
  })));
}

describe('recording callbacks from a real recording', () => {
  let server;
  let receiver;
  let flv;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    receiver = await startReceiver();
    server = await startServer({ extraToml: `${m.TESTING}
${m.FAST_CALLBACKS}` });
    const client = popClient(server, DEFAULT_KEY, 'POST');
    await client.call('AddLiveRecordNotifyConfig', { DomainName: DOMAIN, NotifyUrl: receiver.url,
      NeedStatusNotify: 'true' });
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: '*', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1,
      'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.SliceDuration': 2 });
  });
  after(async () => {
    if (server) await server.stop();
    if (receiver) receiver.srv.close();
  });

  it('sends record_started, record_paused and one file_created with push_args, retried until accepted', async () => {
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=${DOMAIN}&callback_order=42&other=x`;
    const pushed = await m.push(flv, url).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    const bucket = path.join(server.dataDir, 'buckets', 'records');
    const mp4 = await m.waitFor('one MP4', () => {
      const files = m.listFiles(bucket, '.mp4');
      return files.length ? files : null;
    }, 30000);

    const delivered = (kind) => receiver.requests.filter((r) => r.kind === kind && r.status === 200);
    await m.waitFor('file_created accepted', () => delivered('file_created').length || null, 30000);
    await m.waitFor('status events accepted',
      () => (delivered('record_started').length && delivered('record_paused').length) || null, 30000);
    // Counted once every cycle is closed and every callback delivered: a second file or a repeated
    // delivery would be here by then.
    await m.waitSettled(server);
    assert.deepEqual(m.listFiles(bucket, '.mp4'), mp4, 'one MP4');

    const created = delivered('file_created');
    assert.equal(created.length, 1, 'one accepted delivery per file');
    const attempts = receiver.requests.filter((r) => r.id === created[0].id);
    assert.equal(attempts.length, FAILURES + 1, 'retried with the same event id until accepted');
    const body = JSON.parse(created[0].body);
    assert.equal(body.domain, DOMAIN);
    assert.equal(body.app, 'live');
    assert.equal(body.stream, 's1');
    assert.equal(body.uri, path.relative(bucket, mp4[0]).split(path.sep).join('/'));
    assert.ok(Math.abs(body.duration - PUSHED_S) <= 0.5, `duration ${body.duration}`);
    assert.ok(body.stop_time >= body.start_time);
    assert.deepEqual(body.push_args, { callback_order: '42' });

    const started = JSON.parse(delivered('record_started')[0].body);
    assert.deepEqual(started, { domain: DOMAIN, app: 'live', stream: 's1', event: 'record_started' });
    assert.equal(delivered('record_paused').length, 1);
    assert.equal(delivered('record_resumed').length, 0);
  });
});
