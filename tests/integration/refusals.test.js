'use strict';
// One stream's trouble never takes another stream's recording with it (issue 17 item 1):
//  - a stream name that would make object keys of 256 bytes or more is refused when it is
//    published (record_error with the reason), and nothing of it reaches the spool;
//  - a bucket that refuses a stream's slices for good (here: a file where the stream's folder
//    should be, ObjectKeyConflict) fails that recording alone: record_error, its slices kept in
//    <spool>/failed/, a metric, the bucket not marked unreachable; other streams into the same
//    bucket record, before and after it.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const { startReceiver } = require('./receiver.js');
const m = require('./media.js');

const DOMAIN = 'refusals.example.com';

describe('refusals that concern one stream only', () => {
  let server;
  let receiver;
  let flv;
  let bucket;
  before(async () => {
    flv = m.makeTestFlv(4);
    receiver = await startReceiver();
    server = await startServer({ extraToml: `${m.TESTING}
[recording]
spool_max_mb = 20

${m.FAST_CALLBACKS}` });
    const client = popClient(server, DEFAULT_KEY, 'POST');
    await client.call('AddLiveRecordNotifyConfig', { DomainName: DOMAIN, NotifyUrl: receiver.url,
      NeedStatusNotify: 'true' });
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: '*', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2 });
    bucket = path.join(server.dataDir, 'buckets', 'records');
  });
  after(async () => {
    if (server) await server.stop();
    if (receiver) receiver.srv.close();
  });

  const url = (stream) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${DOMAIN}`;
  const errorsOf = (stream) => receiver.events.filter((e) => e.stream === stream && e.event === 'record_error');
  async function recorded(stream) {
    const pushed = await m.push(flv, url(stream)).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    return m.waitFor(`the playlist of ${stream}`, () => {
      const files = m.listFiles(path.join(bucket, 'record', 'live', stream), '.m3u8');
      return files.length === 1 ? files : null;
    }, 20000);
  }

  it('refuses a stream name that makes invalid keys at publish, and records the others', async () => {
    const long = 'L'.repeat(230);
    const pushed = await m.push(flv, url(long)).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    const [error] = await m.waitFor('record_error for the long name', () => {
      const e = errorsOf(long);
      return e.length ? e : null;
    }, 10000);
    assert.match(error.reason, /object keys would be invalid: slice names \(SliceOssObjectPrefix\)/);
    assert.match(error.reason, /shorter than 256/);
    assert.match(server.output(), /not recorded: the stream's object keys would be invalid/);
    assert.deepEqual(m.listFiles(path.join(server.dataDir, 'spool'), '.ts'), []);
    await recorded('after-long');
  });

  it('fails a recording its bucket refuses for good, alone, and keeps its slices', async () => {
    fs.mkdirSync(path.join(bucket, 'record', 'live'), { recursive: true });
    fs.writeFileSync(path.join(bucket, 'record', 'live', 'blocked'), 'not a folder');
    const pushed = await m.push(flv, url('blocked')).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    const [error] = await m.waitFor('record_error for the refused stream', () => {
      const e = errorsOf('blocked');
      return e.length ? e : null;
    }, 20000);
    assert.match(error.reason, /ObjectKeyConflict/);
    // record_paused comes once every slice of the publish went through the stream's lane.
    await m.waitFor('record_paused for the refused stream', () => receiver.events.some(
      (e) => e.stream === 'blocked' && e.event === 'record_paused') || null, 20000);
    const kept = m.listFiles(path.join(server.dataDir, 'spool', 'failed'), '.ts');
    assert.ok(kept.length >= 1, 'its slices are kept in spool/failed');
    for (const file of kept) {
      assert.ok(fs.existsSync(file.replace(/\.ts$/, '.json')), `${file}: its sidecar is kept`);
      assert.match(fs.readFileSync(file.replace(/\.ts$/, '.reason.txt'), 'utf8'), /ObjectKeyConflict/);
      assert.ok(m.decodeAll(file).status === 0, `${file} is whole media`);
    }
    assert.equal(errorsOf('blocked').length, 1, 'one record_error per failed recording');
    assert.match(server.output(), /recording failed, the bucket local\/records refuses its slices/);
    const metrics = await (await fetch(`${server.endpoint}/metrics`)).text();
    assert.match(metrics, /^liverec_recordings_failed_total 1$/m);
    assert.match(metrics, new RegExp(`^liverec_slices_set_aside_total ${kept.length}$`, 'm'));
    // The bucket is not taken for unreachable: the next stream into it records.
    assert.ok(!/is unreachable/.test(server.output()), 'no outage reported');
    await recorded('after-blocked');
  });
});
