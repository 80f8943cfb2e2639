'use strict';
// A publisher back within DelayTime continues every format's files (issue 16): shaped like the
// bug, where the gap is shorter than DelayTime but the gap plus one SliceDuration is longer
// (m3u8 + MP4 + FLV, m3u8 slices of 5 s, DelayTime 6 s, a real-time push, a ~3 s gap, a second
// real-time push), into a local bucket and into an S3 bucket (s3rver) side by side; and a
// republish after a graceful restart of the server, within DelayTime. The record_* callbacks
// must tell the truth: started, paused, resumed, paused, and one file_created per format.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const { startReceiver } = require('./receiver.js');
const { startS3Peer, bucketToml } = require('./s3_peer.js');
const m = require('./media.js');

const PUSHED_S = 6;
const DELAY_S = 6;
const GAP_MS = 3000;  // + the next publisher's connect time: well under DelayTime
const SLICE_S = 5;    // the gap plus one slice is longer than DelayTime
const SECRET_ENV = 'DELAY_MERGE_TEST_S3_SECRET';  // LIVEREC_* variables are not passed on

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function configure(server, receiver, domain, bucket, endpoint) {
  const client = popClient(server, DEFAULT_KEY, 'POST');
  await client.call('AddLiveRecordNotifyConfig', { DomainName: domain, NotifyUrl: receiver.url,
    NeedStatusNotify: 'true' });
  await client.call('AddLiveAppRecordConfig', { DomainName: domain, AppName: 'live',
    StreamName: '*', OssEndpoint: endpoint, OssBucket: bucket, DelayTime: DELAY_S,
    'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': SLICE_S,
    'RecordFormat.2.Format': 'mp4', 'RecordFormat.3.Format': 'flv' });
}

// Cycles not closed yet: open, or closing (their files being written).
function openCycles(server) {
  return Number(m.dbRows(server, "SELECT count(*) AS n FROM record_cycles WHERE state <> 'closed'")[0].n);
}

function recordFiles(server, stream) {
  return m.dbRows(server, `SELECT f.object_key, f.duration_ms FROM record_files f
    JOIN streams s ON s.id = f.stream_id WHERE s.stream_name = '${stream}' ORDER BY f.object_key`);
}

function playlists(server, stream) {
  return m.dbRows(server, `SELECT i.object_key, i.duration_ms FROM index_files i
    JOIN streams s ON s.id = i.stream_id WHERE s.stream_name = '${stream}' AND i.source = 'cycle'`);
}

// Status events and file_created bodies the receiver got for `stream`, once all are in.
async function callbacksOf(receiver, stream, files) {
  return m.waitFor(`the callbacks of ${stream}`, () => {
    const mine = receiver.events.filter((e) => e.stream === stream);
    const statuses = mine.filter((e) => e.event).map((e) => e.event);
    const created = mine.filter((e) => !e.event && e.uri);
    return statuses.length >= 4 && created.length >= files ? { statuses, created } : null;
  }, 30000, 100);
}

// Two real-time pushes of `url` with a GAP_MS pause between them.
async function pushTwiceWithAGap(flv, url) {
  const first = await m.push(flv, url, { realtime: true }).done;
  assert.equal(first.code, 0, first.stderr);
  await sleep(GAP_MS);
  const second = await m.push(flv, url, { realtime: true }).done;
  assert.equal(second.code, 0, second.stderr);
}

describe('a return within DelayTime, before the first slice of the return closes', () => {
  let server;
  let receiver;
  let peer;
  let flv;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    receiver = await startReceiver();
    peer = await startS3Peer({ bucket: 'liverec-merge' });
    process.env[SECRET_ENV] = peer.secret;
    server = await startServer({ extraToml: m.TESTING + m.FAST_CALLBACKS +
      bucketToml(peer, { endpoint: 's3.test', name: 's3rec', secretEnv: SECRET_ENV, partSizeMb: 5 }) });
    await configure(server, receiver, 'local.example.com', 'records', 'local');
    await configure(server, receiver, 's3.example.com', 's3rec', 's3.test');
  });
  after(async () => {
    if (server) await server.stop();
    if (peer) await peer.stop();
    if (receiver) receiver.srv.close();
  });

  it('continues one m3u8, one MP4 and one FLV, in a local bucket and in S3', async () => {
    const rtmp = `rtmp://127.0.0.1:${server.rtmpPort}/live`;
    await Promise.all([
      pushTwiceWithAGap(flv, `${rtmp}/local?vhost=local.example.com`),
      pushTwiceWithAGap(flv, `${rtmp}/s3?vhost=s3.example.com`),
    ]);
    // Every cycle closes DelayTime after the second leave; only then are the files counted.
    await m.waitFor('every cycle closed', () => openCycles(server) === 0 || null, (DELAY_S + 30) * 1000, 250);
    for (const stream of ['local', 's3']) {
      const files = recordFiles(server, stream);
      const lists = playlists(server, stream);
      assert.deepEqual(files.map((f) => path.extname(f.object_key)).sort(), ['.flv', '.mp4'],
        `${stream}: one MP4 and one FLV: ${JSON.stringify(files)}`);
      assert.equal(lists.length, 1, `${stream}: one playlist: ${JSON.stringify(lists)}`);
      for (const f of [...files, ...lists]) {
        assert.ok(Math.abs(Number(f.duration_ms) / 1000 - 2 * PUSHED_S) <= 1,
          `${f.object_key} holds both publishes: ${f.duration_ms} ms`);
      }
      const { statuses, created } = await callbacksOf(receiver, stream, 3);
      assert.deepEqual(statuses, ['record_started', 'record_paused', 'record_resumed', 'record_paused']);
      assert.equal(created.length, 3, JSON.stringify(created));
    }
    // The local files play whole, with the discontinuity where the publisher came back.
    const bucket = path.join(server.dataDir, 'buckets', 'records');
    const [playlist] = m.listFiles(bucket, '.m3u8');
    const text = fs.readFileSync(playlist, 'utf8');
    assert.equal(text.split('#EXT-X-DISCONTINUITY').length - 1, 1, text);
    for (const file of [...m.listFiles(bucket, '.mp4'), ...m.listFiles(bucket, '.flv')]) {
      const d = Number(m.ffprobe(file).format.duration);
      assert.ok(Math.abs(d - 2 * PUSHED_S) <= 1, `${path.basename(file)} lasts ${d} s`);
    }
    // In S3: the same one playlist, one MP4 and one FLV.
    const objects = peer.ls('record/').map((o) => path.extname(o.key));
    assert.deepEqual(objects.filter((e) => e !== '.ts').sort(), ['.flv', '.m3u8', '.mp4'],
      JSON.stringify(objects));
  });
});

describe('a return within DelayTime after a graceful restart', () => {
  let server;
  let flv;
  let longer;
  // The return is pushed in real time and its only slice closes when it ends, 10 s later: after
  // DelayTime since the leave, so the files continue only if the return claimed them at once.
  const RESTART_DELAY_S = 10;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    longer = m.makeTestFlv(10);
    server = await startServer({ extraToml: m.TESTING });
    const client = popClient(server, DEFAULT_KEY, 'POST');
    await client.call('AddLiveAppRecordConfig', { DomainName: 'restart.example.com',
      AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      DelayTime: RESTART_DELAY_S, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 10,
      'RecordFormat.2.Format': 'mp4', 'RecordFormat.3.Format': 'flv' });
  });
  after(async () => { if (server) await server.stop(); });

  it('continues the same files across the restart', async () => {
    const url = () => `rtmp://127.0.0.1:${server.rtmpPort}/live/r1?vhost=restart.example.com`;
    const first = await m.push(flv, url()).done;
    assert.equal(first.code, 0, first.stderr);
    // ffmpeg's fast push can end before the server has read all of it (a slow server, e.g. the
    // sanitizer build): stop the server only once it logged the publish's end.
    await m.waitFor('the server to read the whole first publish',
      () => /restart\.example\.com\/live\/r1 ended \(/.test(server.output()) || null, 30000);
    const left = Date.now();
    const stopped = await server.stop({ keep: true });
    assert.equal(stopped.code, 0, `graceful stop: ${JSON.stringify(stopped)}`);
    server = await startServer({ reuse: server.tmp });
    assert.equal(openCycles(server), 3, 'the files wait across the restart');
    const back = Date.now();
    assert.ok(back - left < (RESTART_DELAY_S - 3) * 1000, `back ${back - left} ms after the leave`);
    const second = await m.push(longer, url(), { realtime: true }).done;
    assert.equal(second.code, 0, second.stderr);
    await m.waitFor('every cycle closed', () => openCycles(server) === 0 || null,
      (RESTART_DELAY_S + 30) * 1000, 250);
    const files = recordFiles(server, 'r1');
    assert.deepEqual(files.map((f) => path.extname(f.object_key)).sort(), ['.flv', '.mp4'],
      JSON.stringify(files));
    const lists = playlists(server, 'r1');
    assert.equal(lists.length, 1, JSON.stringify(lists));
    for (const f of [...files, ...lists]) {
      assert.ok(Math.abs(Number(f.duration_ms) / 1000 - (PUSHED_S + 10)) <= 1,
        `${f.object_key} holds both publishes: ${f.duration_ms} ms`);
    }
  });
});
