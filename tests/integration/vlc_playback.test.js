'use strict';
// A recorded m3u8 plays in VLC (Debian's vlc-bin + vlc-plugin-base, 3.0): VLC opens the cycle
// playlist from liverec's HTTP endpoint (a signed URL) with its HLS module, demuxes every slice
// with its own MPEG-TS demuxer, decodes every frame and transcodes it into a file (MPEG-4 video,
// PCM audio in AVI) whose frames ffprobe counts. For H.264 + AAC and HEVC + AAC, with slices of liverec's own
// TS muxer and of libavformat's: both give VLC the same frames (within one: VLC's count of one
// input varies by a frame between runs), all of them but the last few.
// VLC's transcoding leaves out the last 3 frames of any input (197 of 200 from the source FLV or
// MP4 itself, or from ffmpeg's HLS of it); from liverec's playlists 1-2 more (196 and 195 of
// 200, the same with either muxer, so not the muxer's doing; where VLC stops is not yet
// explained: hls.js plays every frame of the same playlists, tests/integration/hls_playback).
// VLC refuses to run as root; as root the test runs it as `nobody` (setpriv).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const CVLC = '/usr/bin/cvlc';
const PUSHED_S = 8;
const FRAMES = PUSHED_S * 25;
// What VLC leaves out at the end of a liverec playlist (above): 3 + up to 2.
const VLC_TAIL_FRAMES = 5;

// Runs VLC on `url`, transcoding into `out` (AVI); the frame count and picture size of the
// result, or { error }.
function playInVlc(url, dir) {
  const out = path.join(dir, `vlc-${Date.now()}-${Math.random().toString(36).slice(2)}.avi`);
  const vlc = [CVLC, '-q', '--play-and-exit', '--no-interact', url, '--sout',
    `#transcode{vcodec=mp4v,vb=800,acodec=s16l}:std{access=file,mux=avi,dst=${out}}`];
  const asNobody = process.getuid && process.getuid() === 0;
  const argv = asNobody
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', 'env', `HOME=${dir}`, ...vlc]
    : vlc;
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0 || !fs.existsSync(out)) {
    return { error: `vlc exit ${r.status} ${r.signal || ''}: ${(r.stderr || '').slice(-2000)}` };
  }
  const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries',
    'stream=codec_type,nb_read_frames,width,height', '-of', 'json', out], { encoding: 'utf8' });
  if (probe.status !== 0) return { error: `ffprobe: ${probe.stderr}` };
  const streams = JSON.parse(probe.stdout).streams;
  const video = streams.find((s) => s.codec_type === 'video') || {};
  const audio = streams.find((s) => s.codec_type === 'audio') || {};
  return {
    frames: Number(video.nb_read_frames || 0), width: video.width, height: video.height,
    audioFrames: Number(audio.nb_read_frames || 0),
  };
}

// The video frames of a file, as ffprobe counts them.
function videoFrames(file) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v',
    '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return parseInt(r.stdout, 10) || 0;  // a TS lists its stream under its program too
}

// Records H.264 + AAC (ffmpeg) and HEVC + AAC (liverec-publish) on a fresh server whose slices
// `muxer` writes, and plays each stream's cycle playlist in VLC.
async function recordAndPlay(muxer, h264, hevc, dir) {
  const server = await startServer({ extraToml: `${m.TESTING}\n[recording]\nts_muxer = "${muxer}"\n` });
  try {
    await popClient(server, DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
      DomainName: 'vlc.example.com', AppName: 'live', StreamName: '*', OssEndpoint: 'local',
      OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 4,
      DelayTime: 1,
    });
    const url = (stream) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=vlc.example.com`;
    const [pushed, published] = await Promise.all([
      m.push(h264, url('h264')).done,
      m.publish(hevc, url('hevc'), ['--hevc-mode', 'enhanced']),
    ]);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.equal(published.code, 0, `${published.stdout}\n${published.stderr}`);
    const bucket = path.join(server.dataDir, 'buckets', 'records');
    const result = {};
    for (const stream of ['h264', 'hevc']) {
      const dirOf = path.join(bucket, 'record', 'live', stream);
      const playlist = (await m.waitFor(`the ${stream} cycle playlist`,
        () => { const p = m.listFiles(dirOf, '.m3u8'); return p.length ? p : null; }, 30000))[0];
      const key = path.relative(bucket, playlist);
      // A signed URL, as users play it (the bucket is private; the playlist served brings the
      // slices' tokens).
      result[stream] = playInVlc(server.signedUrl(key), dir);
      // What the slices hold, as ffprobe counts it: every frame pushed.
      result[stream].sliceFrames = m.listFiles(dirOf, '.ts').reduce((sum, slice) => sum + videoFrames(slice), 0);
    }
    return result;
  } finally {
    await server.stop();
  }
}

describe('a recorded m3u8 in VLC', () => {
  let dir;
  before(() => {
    assert.ok(fs.existsSync(CVLC), `${CVLC} missing (scripts/install-deps.sh installs vlc-bin)`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-vlc-'));
    fs.chmodSync(dir, 0o777);  // VLC may run as nobody
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('plays every frame of H.264 and HEVC slices of the own TS muxer, as of libavformat', async (t) => {
    const h264 = m.makeTestFlv(PUSHED_S);
    const hevc = m.makeTestHevcMp4(PUSHED_S);
    const own = await recordAndPlay('own', h264, hevc, dir);
    const libav = await recordAndPlay('libavformat', h264, hevc, dir);
    const report = JSON.stringify({ own, libav });
    t.diagnostic(report);
    const sizes = { h264: [1280, 720], hevc: [640, 360] };
    for (const result of [own, libav]) {
      for (const stream of ['h264', 'hevc']) {
        const r = result[stream];
        assert.equal(r.error, undefined, report);
        assert.equal(r.sliceFrames, FRAMES, report);
        assert.deepEqual([r.width, r.height], sizes[stream], report);
        assert.ok(r.frames >= FRAMES - VLC_TAIL_FRAMES && r.frames <= FRAMES, report);
        assert.ok(r.audioFrames > 0, report);
      }
    }
    // The same frames through VLC from either muxer's slices, within the one frame by which
    // VLC's count of one input varies between runs (195 or 196 for the same HEVC playlist).
    for (const stream of ['h264', 'hevc']) {
      assert.ok(Math.abs(own[stream].frames - libav[stream].frames) <= 1, report);
    }
  });
});
