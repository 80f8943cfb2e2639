'use strict';
// A full disk under a live recording (issue 17, item 5; docs/recording.md "When the disk is
// full"): the spool is a small tmpfs of its own, filled while a stream is recorded, then freed.
//  - /healthz answers 503 naming the spool while it is full, and ok again once it is not;
//  - the slices the full disk cut short or lost are counted in /metrics, and the warning about it
//    is rate-limited (not one per packet);
//  - the playlist marks the gap with #EXT-X-DISCONTINUITY, and every slice in it plays;
//  - recording goes on by itself once the disk takes writes again.
// Mounting a tmpfs needs root (CI and `make test` run as root); without it the test fails, it
// does not skip.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY } = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'diskfull.example.com';
const SPOOL_MB = 24;

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
}

// Appends zeros to `file` until the file system refuses (ENOSPC).
function fill(file) {
  const fd = fs.openSync(file, 'a');
  const block = Buffer.alloc(256 * 1024);
  try {
    for (let i = 0; i < 4 * SPOOL_MB * 4; ++i) fs.writeSync(fd, block);
    throw new Error('the spool never filled up');
  } catch (e) {
    if (e.code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

async function metric(server, name) {
  const res = await fetch(`${server.endpoint}/metrics`, { signal: AbortSignal.timeout(10000) });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

async function health(server) {
  const res = await fetch(`${server.endpoint}/healthz`, { signal: AbortSignal.timeout(10000) });
  return { status: res.status, body: await res.text() };
}

describe('a full disk under a recording', () => {
  let server;
  let mount;
  let flv;
  let keepFull;
  before(async () => {
    flv = m.makeTestFlv(24);
    mount = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-spool-'));
    run('mount', ['-t', 'tmpfs', '-o', `size=${SPOOL_MB}m`, 'liverec-test-spool', mount]);
    server = await startServer({ extraToml: `${m.TESTING}
[recording]
spool_dir = "${mount}"
` });
    const client = popClient(server, DEFAULT_KEY, 'POST');
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: '*', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2 });
  });
  after(async () => {
    clearInterval(keepFull);
    if (server) await server.stop();
    if (mount) {
      spawnSync('umount', [mount]);
      fs.rmSync(mount, { recursive: true, force: true });
    }
  });

  it('says so in /healthz and /metrics, marks the gap, and records again once there is room', async () => {
    const stream = 'full';
    const dir = path.join(server.dataDir, 'buckets', 'records', 'record', 'live', stream);
    const pushing = m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${DOMAIN}`,
      { realtime: true });
    await m.waitFor('two slices stored', () => m.listFiles(dir, '.ts').length >= 2 || null, 20000);
    assert.equal((await health(server)).status, 200);

    // The disk stays full: room the server frees (slices stored in the bucket leave the spool)
    // is taken again at once, as by another process writing to the same disk.
    const filler = path.join(mount, 'filler');
    fill(filler);
    keepFull = setInterval(() => fill(filler), 20);
    const unhealthy = await m.waitFor('healthz to say the spool is full', async () => {
      const h = await health(server);
      return h.status === 503 ? h : null;
    }, 10000);
    assert.match(unhealthy.body, /^unavailable: spool (disk full|cannot write)/);
    // The slice being written is cut short (or, when the disk filled between two of its writes'
    // batches, lost); the next keyframe's slices find no room either.
    await m.waitFor('slices cut short or lost', async () =>
      (await metric(server, 'liverec_slices_cut_short_total')) +
        (await metric(server, 'liverec_slices_lost_total')) >= 2 || null, 30000);

    clearInterval(keepFull);
    fs.rmSync(filler);
    await m.waitFor('healthz ok again', async () => (await health(server)).status === 200 || null,
      10000);
    const pushed = await pushing.done;
    assert.equal(pushed.code, 0, pushed.stderr);

    const [playlist] = await m.waitFor('the playlist', () => {
      const files = m.listFiles(dir, '.m3u8');
      return files.length === 1 ? files : null;
    }, 20000);
    const text = fs.readFileSync(playlist, 'utf8');
    assert.match(text, /#EXT-X-DISCONTINUITY\n#EXTINF/, text);
    const segments = text.split('\n').filter((l) => l && !l.startsWith('#'));
    const afterGap = text.split('#EXT-X-DISCONTINUITY')[1].split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(afterGap.length >= 2, `slices recorded after the disk had room again:\n${text}`);
    let seconds = 0;
    for (const segment of segments) {
      const probe = m.ffprobe(path.join(path.dirname(playlist), segment));
      assert.ok(probe.streams.some((s) => s.codec_type === 'video'), segment);
      seconds += Number(probe.format.duration);
    }
    // 24 s published; about 3-6 s of it while the disk was full.
    assert.ok(seconds > 12 && seconds < 23, `${seconds} s recorded:\n${text}`);
    // One warning of a kind per 10 s, not one per packet or slice.
    const warnings = server.output().split('\n').filter((l) => /\[warning\] recorder: /.test(l));
    assert.ok(warnings.length >= 1 && warnings.length <= 8, warnings.join('\n'));
  });
});
