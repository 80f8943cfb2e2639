'use strict';
// HEVC ingest: liverec's own publisher sends HEVC in both FLV conventions (codec id 12 and
// Enhanced RTMP hvc1); liverec records playable HEVC slices and playlists.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const { TESTING } = m;

describe('recording HEVC + AAC from liverec-publish', () => {
  let server;
  let mp4;
  const PUSHED_S = 12;
  before(async () => {
    mp4 = m.makeTestHevcMp4(PUSHED_S);
    server = await startServer({ extraToml: TESTING });
    await popClient(server, DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
      DomainName: 'hevc.example.com', AppName: 'live', StreamName: '*', OssEndpoint: 'local',
      OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 5,
      DelayTime: 1,
    });
  });
  after(async () => { if (server) await server.stop(); });

  for (const mode of ['enhanced', 'codec12']) {
    it(`records playable HEVC slices published as ${mode}`, async () => {
      const stream = `h-${mode}`;
      const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=hevc.example.com`;
      const r = await m.publish(mp4, url, ['--hevc-mode', mode]);
      assert.equal(r.code, 0, `liverec-publish failed: ${r.stdout}\n${r.stderr}`);
      const dir = path.join(server.dataDir, 'buckets', 'records', 'record', 'live', stream);
      const playlists = await m.waitFor('the cycle playlist',
        () => { const p = m.listFiles(dir, '.m3u8'); return p.length ? p : null; }, 30000);
      const slices = m.listFiles(dir, '.ts');
      assert.ok(slices.length >= 2, `only ${slices.length} slices`);
      let total = 0;
      for (const slice of slices) {
        const probe = m.ffprobe(slice);
        const video = probe.streams.find((s) => s.codec_type === 'video');
        assert.equal(video.codec_name, 'hevc');
        assert.equal(video.width, 640);
        assert.equal(video.height, 360);
        assert.equal(probe.streams.find((s) => s.codec_type === 'audio').codec_name, 'aac');
        const decoded = m.decodeAll(slice);
        assert.equal(decoded.status, 0, decoded.stderr);
        total += Number(probe.format.duration);
      }
      assert.ok(Math.abs(total - PUSHED_S) <= 0.5, `slices sum to ${total} s, pushed ${PUSHED_S} s`);
      const key = path.relative(path.join(server.dataDir, 'buckets', 'records'), playlists[0]);
      const played = m.decodeAll(server.signedUrl(key));
      assert.equal(played.status, 0, played.stderr);
      const rows = m.sliceIndex(server).filter((row) => row.object_key.includes(`/${stream}/`));
      assert.equal(rows.length, slices.length);
      for (const row of rows) assert.equal(row.video_codec, 'hevc');
      assert.ok(fs.readFileSync(playlists[0], 'utf8').endsWith('#EXT-X-ENDLIST\n'));
    });
  }
});
