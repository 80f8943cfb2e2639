'use strict';
// RTMP play is refused at once (docs/recording.md, "RTMP: publish only"): ffprobe of a stream on
// liverec fails within seconds with liverec's reason instead of hanging, the log names the refused
// play, and a publisher of the same stream is not disturbed.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const { describe, it, before, after } = require('node:test');
const { startServer } = require('../conformance/harness.js');
const m = require('./media.js');

const REASON = 'liverec records streams and does not serve RTMP playback';
const FAIL_WITHIN_MS = 5000;

// Runs ffprobe on `url`, killed after `timeoutMs`; resolves {code, signal, stderr, ms}.
function probe(url, timeoutMs = 20000) {
  const started = Date.now();
  const child = spawn('ffprobe', ['-v', 'error', '-show_streams', url],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, ms: Date.now() - started });
    });
  });
}

function assertRefused(result) {
  assert.equal(result.signal, null, `ffprobe hung and was killed after ${result.ms} ms`);
  assert.notEqual(result.code, 0, 'ffprobe succeeded, but liverec serves no playback');
  assert.ok(result.ms < FAIL_WITHIN_MS, `ffprobe took ${result.ms} ms to fail`);
  assert.ok(result.stderr.includes(`Server error: ${REASON}`),
    `ffprobe did not report liverec's reason: ${result.stderr}`);
}

describe('RTMP play', () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { if (server) await server.stop(); });

  it('is refused at once with the reason, and the refusal is logged', async () => {
    const result = await probe(`rtmp://127.0.0.1:${server.rtmpPort}/live/src?vhost=play.example.com`);
    assertRefused(result);
    await m.waitFor('the refusal in the log',
      () => server.output().includes(`play of play.example.com/live/src refused: ${REASON}`), 5000);
  });

  it('of a stream being published leaves its publisher alone', async () => {
    const flv = m.makeTestFlv(6);
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=play.example.com`;
    const pushing = m.push(flv, url, { realtime: true, timeoutMs: 60000 });
    await m.waitFor('the publisher to be live',
      () => server.output().includes('publishing play.example.com/live/s1'), 10000);
    assertRefused(await probe(url));
    const pushed = await pushing.done;
    assert.equal(pushed.code, 0, `the publisher was disturbed: ${pushed.stderr}`);
    assert.ok(server.output().includes('play.example.com/live/s1 ended (unpublished)'),
      'the publish did not end normally');
  });
});
