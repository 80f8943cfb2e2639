'use strict';
// Callback delivery end to end: the durable outbox of a running liverec, a receiver on
// 127.0.0.1 that fails the first attempts, the retry with backoff, exactly one delivered row per
// event, the stable X-Liverec-Event-Id, ALI-LIVE-* signing (docs/callbacks.md), the history in
// DescribeLiveRecordNotifyRecords, and a pending event surviving a restart.
// Contract: docs/callbacks.md, docs/api/notify-configs.md.
//
// Events are written into the outbox table the way callbacks::Outbox::Enqueue writes them
// (the recorder is what enqueues them in production; this file tests delivery on its own).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const h = require('./harness');

const EXTRA_TOML = `
[callbacks]
allow_private_addresses = true
initial_backoff_ms = 200
max_backoff_ms = 400
poll_interval_ms = 50
`;
const KEY = 'abcdefgh12345678ABCD';
const DOMAIN = 'delivery.example.com';
const WAIT_MS = 20000;

let server;
let tmp;
let receiver;

// A receiver that answers each event's n-th attempt from a script (default 200) and keeps every
// request.
function startReceiver() {
  const requests = [];
  const script = new Map(); // event id -> [status, ...] for its attempts in order
  const srv = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const id = req.headers['x-liverec-event-id'];
      requests.push({ method: req.method, url: req.url, headers: req.headers, body, at: Date.now() });
      const answers = script.get(id) || [];
      const status = answers.length ? answers.shift() : 200;
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'try again');
    });
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => resolve({
      srv, requests, script, url: `http://127.0.0.1:${srv.address().port}/hooks/record`,
      forEvent: (id) => requests.filter((r) => r.headers['x-liverec-event-id'] === id),
    }));
  });
}

function q(s) { return `'${String(s).replace(/'/g, "''")}'`; }

// Writes the row Outbox::Enqueue writes: pending, due now, unsigned unless signKey.
function enqueue(srv, { id, body, signKey = '', stream = 's1', url }) {
  const [{ id: account }] = srv.dbRows("SELECT id FROM accounts WHERE name = 'default'");
  const now = Date.now();
  assert.equal(srv.dbExec(`INSERT INTO callback_outbox (account_id, id, domain_name, app_name, stream_name, kind, url, method,
    body, sign_key, state, attempts, next_attempt_ms, last_attempt_ms, last_status, last_error, last_headers,
    last_response, created_at_ms, delivered_at_ms) VALUES (${q(account)}, ${q(id)}, ${q(DOMAIN)}, 'live', ${q(stream)},
    'file_created', ${q(url)}, 'POST', ${q(body)}, ${q(signKey)}, 'pending', 0, ${now}, NULL, 0, '', '{}', '', ${now}, NULL)`), 1);
}

function eventRow(srv, id) {
  const [row] = srv.dbRows(`SELECT state, attempts FROM callback_outbox WHERE id = ${q(id)}`);
  return row ? { state: row.state, attempts: row.attempts } : { state: undefined, attempts: NaN };
}

function uuidv7() {
  const b = crypto.randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function waitFor(what, predicate) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; server output:\n${server.output().slice(-2000)}`);
    await h.sleep(25);
  }
}

function fileCreatedBody(stream) {
  return JSON.stringify({ domain: DOMAIN, app: 'live', stream, uri: `record/live/${stream}/a.mp4`, duration: 12.5,
    start_time: 1767225600, stop_time: 1767225613, push_args: { callback_id: '42' } });
}

before(async () => {
  receiver = await startReceiver();
  server = await h.startServer({ extraToml: EXTRA_TOML });
  tmp = server.tmp;
  const c = h.popClient(server, h.DEFAULT_KEY, 'POST');
  await c.call('AddLiveRecordNotifyConfig', { DomainName: DOMAIN, NotifyUrl: receiver.url, NotifyReqAuth: 'true', NotifyAuthKey: KEY });
});
after(async () => {
  if (server && !server.exited()) await server.stop();
  else if (tmp) require('node:fs').rmSync(tmp, { recursive: true, force: true });
  if (receiver) receiver.srv.close();
});

describe('delivery through the outbox', () => {
  it('a failed attempt is retried with backoff until a 2xx, with the same event id, exactly once delivered', async () => {
    const id = uuidv7();
    const body = fileCreatedBody('retry');
    receiver.script.set(id, [500, 503]);
    enqueue(server, { id, body, signKey: KEY, stream: 'retry', url: receiver.url });
    await waitFor('delivery', () => eventRow(server, id).state === 'delivered');
    const reqs = receiver.forEvent(id);
    assert.equal(reqs.length, 3, 'two failures, then one success');
    reqs.forEach((r, i) => {
      assert.equal(r.method, 'POST');
      assert.equal(r.url, '/hooks/record');
      assert.equal(r.body, body, 'the body is sent unchanged');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-liverec-event-id'], id, 'the event id is stable across attempts');
      assert.equal(r.headers['x-liverec-event-kind'], 'file_created');
      assert.equal(r.headers['x-liverec-attempt'], String(i + 1));
      const ts = r.headers['ali-live-timestamp'];
      assert.match(ts, /^\d{10}$/);
      assert.ok(Math.abs(Number(ts) * 1000 - r.at) < 5000, 'timestamp is the send time');
      const expected = crypto.createHash('md5').update(`127.0.0.1|${ts}|${KEY}`).digest('hex');
      assert.equal(r.headers['ali-live-signature'], expected, 'md5(host|timestamp|key), host without port');
    });
    assert.ok(reqs[1].at - reqs[0].at >= 180, `backoff before the 2nd attempt (${reqs[1].at - reqs[0].at} ms)`);
    assert.ok(reqs[2].at - reqs[1].at >= 350, `doubled backoff before the 3rd attempt (${reqs[2].at - reqs[1].at} ms)`);
    assert.deepEqual(eventRow(server, id), { state: 'delivered', attempts: 3 });
    // Nothing more is sent for a delivered event (the deliverer polls every 50 ms).
    await h.sleep(500);
    assert.equal(receiver.forEvent(id).length, 3);

    // The history shows it.
    const c = h.openApiClient(server, h.DEFAULT_KEY, undefined);
    const range = { StartTime: h.isoSeconds(Date.now() - 600e3), EndTime: h.isoSeconds(Date.now() + 60e3) };
    const res = await c.call('DescribeLiveRecordNotifyRecords', Object.assign({ DomainName: DOMAIN, StreamName: 'retry' }, range));
    assert.equal(res.body.TotalNum, 1);
    const entry = res.body.CallbackList[0];
    assert.equal(entry.DomainName, DOMAIN);
    assert.equal(entry.AppName, 'live');
    assert.equal(entry.StreamName, 'retry');
    assert.equal(entry.NotifyUrl, receiver.url);
    assert.equal(entry.NotifyType, 'file_created');
    h.assertTime(entry.NotifyTime, { aroundMs: Date.now() });
    assert.equal(entry.NotifyContent, body);
    assert.equal(JSON.parse(entry.NotifyHeader)['X-Liverec-Event-Id'], id);
    assert.equal(entry.NotifyResponse, 'ok');
    assert.equal(entry.NotifyResult, 'success');
    assert.match(entry.Description, /delivered after 3 attempts/);
    assert.equal(entry.StorageType, 'oss');
    const failed = await c.call('DescribeLiveRecordNotifyRecords', Object.assign({ DomainName: DOMAIN, StreamName: 'retry', Status: 'failed' }, range));
    assert.equal(failed.body.TotalNum, 0);
    const vod = await c.call('DescribeLiveRecordNotifyRecords', Object.assign({ DomainName: DOMAIN, StorageType: 'vod' }, range));
    assert.equal(vod.body.TotalNum, 0, 'nothing is stored in VOD');
  });

  it('a pending event survives a restart and is delivered once after it', async () => {
    const id = uuidv7();
    const body = fileCreatedBody('restart');
    receiver.script.set(id, [500]);
    enqueue(server, { id, body, stream: 'restart', url: receiver.url });
    await waitFor('first attempt', () => eventRow(server, id).attempts === 1);
    // Stop before the retry can succeed: make the receiver fail anything until the restart.
    receiver.script.set(id, new Array(1000).fill(500));
    const exit = await server.stop({ keep: true });
    assert.deepEqual(exit, { code: 0, signal: null });
    const row = eventRow(server, id);
    assert.equal(row.state, 'pending', 'still pending after the stop');
    const before = receiver.forEvent(id).length;

    // A second event written while liverec is down is picked up at start too.
    const offline = uuidv7();
    enqueue(server, { id: offline, body: fileCreatedBody('offline'), stream: 'offline', url: receiver.url });
    receiver.script.set(id, []);
    server = await h.startServer({ reuse: tmp });
    await waitFor('delivery after restart', () => eventRow(server, id).state === 'delivered'
      && eventRow(server, offline).state === 'delivered');
    const reqs = receiver.forEvent(id);
    assert.equal(reqs.length, before + 1, 'exactly one attempt after the restart, which succeeded');
    assert.ok(reqs.every((r) => r.headers['x-liverec-event-id'] === id));
    assert.equal(reqs[reqs.length - 1].headers['x-liverec-attempt'], String(before + 1));
    assert.equal(reqs[0].headers['ali-live-signature'], undefined, 'unsigned event: no signature header');
    assert.equal(receiver.forEvent(offline).length, 1);
    await h.sleep(300);
    assert.equal(receiver.forEvent(id).length, before + 1, 'no duplicate after delivery');
    assert.equal(receiver.forEvent(offline).length, 1);
  });
});
