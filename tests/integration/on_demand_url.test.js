'use strict';
// On-demand recording by the ingest URL (OnDemand=2; docs/recording.md "On-demand recording by the
// ingest URL") with real ffmpeg publishers: a stream is recorded only when its URL carries
// record_config={"NeedRecord":true} (URL-encoded); NeedRecord false, no parameter or a value that
// is not such JSON record nothing, with the reason in the log.
const assert = require('node:assert/strict');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'ondemand-url.example.com';

describe('OnDemand=2: the ingest URL decides', () => {
  let server;
  let bucket;
  let flv;
  before(async () => {
    flv = m.makeTestFlv(3);
    server = await h.startServer({ extraToml: m.TESTING });
    bucket = path.join(server.dataDir, 'buckets', 'records');
    await h.popClient(server, h.DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      OnDemand: 2, DelayTime: 1, 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
      'RecordFormat.1.OssObjectPrefix': 'live/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
      'RecordFormat.1.SliceOssObjectPrefix': 'live/{StreamName}/ts/{UnixTimestamp}_{Sequence}',
    });
  });
  after(async () => { if (server) await server.stop(); });

  const url = (stream, query) =>
    `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${DOMAIN}${query ? `&${query}` : ''}`;
  const encoded = (value) => `record_config=${encodeURIComponent(value)}`;
  const playlists = (stream) => m.listFiles(path.join(bucket, 'live', stream), '.m3u8');

  it('records a stream whose URL asks for it, whole', async () => {
    const done = await m.push(flv, url('yes', encoded('{"NeedRecord":true}'))).done;
    assert.equal(done.code, 0, done.stderr);
    const [list] = await m.waitFor('the playlist of yes', () => {
      const found = playlists('yes');
      return found.length ? found : null;
    }, 20000);
    const seconds = Number(m.ffprobe(list).format.duration);
    assert.ok(Math.abs(seconds - 3) <= 0.5, `the playlist lasts ${seconds} s of 3 s pushed`);
    assert.equal(m.decodeAll(list).status, 0);
  });

  it('records nothing for NeedRecord false, no parameter, or a malformed one, and says why', async () => {
    const cases = [
      ['no', encoded('{"NeedRecord":false}'), /live\/no: not recorded \(OnDemand=2\): the ingest URL says NeedRecord false/],
      ['bare', '', /live\/bare: not recorded \(OnDemand=2\): the ingest URL has no record_config parameter/],
      ['junk', encoded('{NeedRecord:true'), /live\/junk: not recorded \(OnDemand=2\): record_config is not a JSON object/],
    ];
    for (const [stream, query] of cases) {
      const done = await m.push(flv, url(stream, query)).done;
      assert.equal(done.code, 0, `${stream}: the publish itself is accepted: ${done.stderr}`);
    }
    for (const [stream, , reason] of cases) assert.match(server.output(), reason, stream);
    await new Promise((r) => setTimeout(r, 2500));  // past DelayTime: a recording would have closed
    for (const [stream] of cases) {
      assert.deepEqual(m.listFiles(path.join(bucket, 'live', stream), '.ts'), [], `${stream}: no slice`);
      assert.deepEqual(playlists(stream), [], `${stream}: no playlist`);
    }
  });
});
