'use strict';
// Stream publish/unpublish callbacks end to end (docs/api/streams.md): a streams
// notify config points at a receiver on 127.0.0.1 that fails every event's first attempt; real
// ffmpeg publishers push through an ingest alias (signed callbacks) and straight to a streaming
// domain (unsigned). The receiver gets exactly one accepted `publish` (with ip, id, app, appname,
// usrargs, width, height) and one accepted `publish_done` per publish, signed with
// md5("<ingest domain>|<timestamp>|<key>"); a publish shorter than 2 s gets no callback at all.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY, isoSeconds } = require('../conformance/harness.js');
const m = require('./media.js');

const INGEST = 'push.events.example.com';  // an alias of events.example.com
const DIRECT = 'direct.example.com';
const KEY = 'abcdefgh12345678ABCDEFGH';
const WAIT_MS = 30000;

// Keeps every request; answers 503 to the first attempt of each event id, 200 after.
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
      const status = n === 1 ? 503 : 200;
      const url = new URL(req.url, 'http://receiver');
      requests.push({ id, method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams),
        rawQuery: url.search, headers: req.headers, body, status, at: Date.now() });
      res.writeHead(status);
      res.end(status === 200 ? 'ok' : 'busy');
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    srv, requests, base: `http://127.0.0.1:${srv.address().port}`,
  })));
}

const accepted = (receiver, stream, action) => receiver.requests.filter(
  (r) => r.status === 200 && r.query.id === stream && r.query.action === action);

describe('stream publish/unpublish callbacks from real publishers', () => {
  let server;
  let receiver;
  let client;
  before(async () => {
    receiver = await startReceiver();
    server = await startServer({ extraToml: `
[callbacks]
allow_private_addresses = true
initial_backoff_ms = 200
max_backoff_ms = 400
poll_interval_ms = 50

[[domains]]
name = "events.example.com"
aliases = ["${INGEST}"]

[[domains]]
name = "${DIRECT}"
` });
    client = popClient(server, DEFAULT_KEY, 'POST');
    await client.call('SetLiveStreamsNotifyUrlConfig', { DomainName: INGEST,
      NotifyUrl: `${receiver.base}/streams?tenant=t1`, NotifyReqAuth: 'yes', NotifyAuthKey: KEY });
    await client.call('SetLiveStreamsNotifyUrlConfig', { DomainName: DIRECT,
      NotifyUrl: `${receiver.base}/direct` });
  });
  after(async () => {
    if (server) await server.stop();
    if (receiver) receiver.srv.close();
  });

  it('a signed publish and publish_done through an ingest alias, each accepted exactly once', async () => {
    const flv = m.makeTestFlv(5);
    const startedMs = Date.now();
    const pushed = await m.push(flv,
      `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=${INGEST}&token=abc%20d`, { realtime: true }).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    const endedMs = Date.now();
    await m.waitFor('publish and publish_done accepted', () =>
      (accepted(receiver, 's1', 'publish').length && accepted(receiver, 's1', 'publish_done').length) || null, WAIT_MS);
    // Counted once the outbox has nothing pending: a repeated delivery would be here by then.
    await m.waitSettled(server);

    for (const action of ['publish', 'publish_done']) {
      const ok = accepted(receiver, 's1', action);
      assert.equal(ok.length, 1, `one accepted ${action}`);
      const attempts = receiver.requests.filter((r) => r.id === ok[0].id);
      assert.equal(attempts.length, 2, `${action}: the failed first attempt, then one retry with the same event id`);
      for (const r of attempts) {
        assert.equal(r.method, 'GET');
        assert.equal(r.path, '/streams');
        assert.equal(r.body, '', 'no body');
        assert.equal(r.query.tenant, 't1', "the NotifyUrl's own query stays in front");
        assert.equal(r.headers['x-liverec-event-kind'], action);
        assert.equal(r.headers['content-type'], undefined);
        // ALI-LIVE-SIGNATURE = md5("<ingest domain>|<timestamp>|<key>"), the timestamp of the attempt.
        const ts = r.headers['ali-live-timestamp'];
        assert.match(ts, /^\d+$/);
        assert.ok(Math.abs(Number(ts) * 1000 - r.at) <= 5000, `timestamp ${ts} is the send time`);
        assert.equal(r.headers['ali-live-signature'],
          crypto.createHash('md5').update(`${INGEST}|${ts}|${KEY}`).digest('hex'));
      }
      const q = ok[0].query;
      assert.equal(q.action, action);
      assert.equal(q.ip, '127.0.0.1');
      assert.equal(q.id, 's1');
      assert.equal(q.app, INGEST, 'the domain the publisher named');
      assert.equal(q.appname, 'live');
      assert.equal(q.usrargs, `vhost=${INGEST}&token=abc%20d`, 'the publish query as sent');
      assert.ok(q.node && q.node.length > 0, 'node');
    }
    const publish = accepted(receiver, 's1', 'publish')[0].query;
    assert.equal(publish.width, '1280');
    assert.equal(publish.height, '720');
    assert.ok(Math.abs(Number(publish.time) * 1000 - startedMs) <= 3000, `publish time ${publish.time} is the publish start`);
    const done = accepted(receiver, 's1', 'publish_done')[0].query;
    assert.equal(done.width, undefined, 'no size on publish_done');
    assert.equal(done.height, undefined);
    assert.ok(Math.abs(Number(done.time) * 1000 - endedMs) <= 3000, `publish_done time ${done.time} is the end`);
    assert.ok(Number(done.time) >= Number(publish.time) + 4, 'the push lasted about 5 s');
    // The parameters come in the spec's order.
    const order = Object.keys(accepted(receiver, 's1', 'publish')[0].query).filter((k) => k !== 'tenant');
    assert.deepEqual(order, ['action', 'ip', 'id', 'app', 'appname', 'time', 'usrargs', 'node', 'height', 'width']);
  });

  it('a publish shorter than 2 s gets no callback; an unsigned config on a streaming domain', async () => {
    const short = m.makeTestFlv(1);
    const shortPush = await m.push(short, `rtmp://127.0.0.1:${server.rtmpPort}/live/s2?vhost=${INGEST}`,
      { realtime: true }).done;
    assert.equal(shortPush.code, 0, `ffmpeg push failed: ${shortPush.stderr}`);

    // A later publish on another domain: its events are enqueued after anything of s2's, so once
    // its publish_done is accepted, anything s2 had would have been attempted too.
    const flv = m.makeTestFlv(4);
    const pushed = await m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/s3?vhost=${DIRECT}`,
      { realtime: true }).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    await m.waitFor('s3 publish_done accepted', () => accepted(receiver, 's3', 'publish_done').length || null, WAIT_MS);
    await m.waitSettled(server);

    assert.ok(server.output().includes('events.example.com/live/s2 ended'),
      'the short publish was accepted and ended (server log)');
    assert.deepEqual(receiver.requests.filter((r) => r.query.id === 's2'), [], 'nothing for the short publish');
    const publish = accepted(receiver, 's3', 'publish');
    assert.equal(publish.length, 1);
    assert.equal(publish[0].path, '/direct');
    assert.equal(publish[0].query.app, DIRECT);
    assert.equal(publish[0].query.usrargs, `vhost=${DIRECT}`);
    assert.equal(publish[0].headers['ali-live-signature'], undefined, 'NotifyReqAuth=no: unsigned');
    assert.equal(publish[0].headers['ali-live-timestamp'], undefined);
    assert.equal(accepted(receiver, 's3', 'publish_done').length, 1);

    // Stream events are not part of the recording-callback history.
    const now = Date.now();
    const history = await client.call('DescribeLiveRecordNotifyRecords', { DomainName: DIRECT,
      StartTime: isoSeconds(now - 3600e3), EndTime: isoSeconds(now + 60e3) });
    assert.deepEqual(history.body.CallbackList, []);
    assert.equal(history.body.TotalNum, 0);
  });
});
