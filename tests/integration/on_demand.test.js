'use strict';
// On-demand recording (OnDemand=1) end to end: the domain's OnDemandUrl points at a receiver on
// 127.0.0.1 whose answer depends on the stream name; real ffmpeg publishes and the bucket shows
// what was recorded: a yes records every configured format, a no / 500 / timeout records
// nothing (and the push still completes), `Format` keeps a subset, `Interval` shortens cycles.
// Every decision is in DescribeLiveRecordNotifyRecords as an `on_demand` entry. A republish within
// DelayTime continues the same files. No fixed waits: "nothing recorded" is read from the server's
// log (it saw the publisher leave) and database (no recording ever started).
// Contract: docs/recording.md ("On-demand recording"), docs/callbacks.md.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'od.example.com';
const PUSHED_S = 6;

// What the receiver answers, by stream name. `hang` never answers.
const ANSWERS = {
  yes: { status: 200, body: { ApiVersion: '1.0', NeedRecord: true } },
  no: { status: 200, body: { NeedRecord: false } },
  mp4only: { status: 200, body: { NeedRecord: true, Format: ['MP4', 'cmaf'] } },
  short: { status: 200, body: { NeedRecord: true, Format: ['mp4'], Interval: { Mp4: 5 } } },
  fail: { status: 500, body: { NeedRecord: true } },
  garbage: { status: 200, body: 'NeedRecord: yes' },
  again: { status: 200, body: { NeedRecord: true } },
};

function startReceiver() {
  const requests = [];
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const query = Object.fromEntries(url.searchParams);
    requests.push({ method: req.method, path: url.pathname, query });
    const answer = ANSWERS[query.stream];
    if (!answer) return; // hang: never answer
    res.writeHead(answer.status, { 'Content-Type': 'application/json' });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({
    srv, requests, url: `http://127.0.0.1:${srv.address().port}/ondemand?token=t1`,
  })));
}

describe('on-demand recording (OnDemand=1)', () => {
  let server;
  let receiver;
  let flv;
  let bucket;
  let api;
  before(async () => {
    flv = m.makeTestFlv(PUSHED_S);
    receiver = await startReceiver();
    server = await h.startServer({ extraToml: `${m.TESTING}
[callbacks]
allow_private_addresses = true
on_demand_timeout_ms = 700
poll_interval_ms = 50
` });
    bucket = path.join(server.dataDir, 'buckets', 'records');
    const client = h.popClient(server, h.DEFAULT_KEY, 'POST');
    await client.call('AddLiveRecordNotifyConfig', { DomainName: DOMAIN,
      NotifyUrl: `http://127.0.0.1:${receiver.srv.address().port}/notify`, OnDemandUrl: receiver.url });
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: '*', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 1, OnDemand: 1,
      'RecordFormat.1.Format': 'mp4', 'RecordFormat.1.SliceDuration': 1,
      'RecordFormat.1.OssObjectPrefix': 'od/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
      'RecordFormat.2.Format': 'flv', 'RecordFormat.2.SliceDuration': 1,
      'RecordFormat.2.OssObjectPrefix': 'od/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}' });
    // live/again (more specific than live/*): m3u8 and MP4, waiting 6 s for a republish.
    await client.call('AddLiveAppRecordConfig', { DomainName: DOMAIN, AppName: 'live',
      StreamName: 'again', OssEndpoint: 'local', OssBucket: 'records', DelayTime: 6, OnDemand: 1,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1,
      'RecordFormat.1.OssObjectPrefix': 'od/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}',
      'RecordFormat.1.SliceOssObjectPrefix': 'od/{StreamName}/ts/{UnixTimestamp}_{Sequence}',
      'RecordFormat.2.Format': 'mp4', 'RecordFormat.2.SliceDuration': 1,
      'RecordFormat.2.OssObjectPrefix': 'od/{StreamName}/{Sequence}_{EscapedStartTime}_{EscapedEndTime}' });
    api = h.openApiClient(server, h.DEFAULT_KEY, undefined);
  });
  after(async () => {
    if (server) await server.stop();
    if (receiver) { receiver.srv.closeAllConnections(); receiver.srv.close(); }
  });

  const files = (stream, ext) => m.listFiles(path.join(bucket, 'od', stream), ext);
  const url = (stream) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${stream}?vhost=${DOMAIN}`;
  async function push(stream, realtime) {
    const pushed = await m.push(flv, url(stream), { realtime }).done;
    assert.equal(pushed.code, 0, `ffmpeg push of ${stream} failed: ${pushed.stderr}`);
  }
  // The on_demand history entry of `stream` (waits for it: it is written after the call).
  async function history(stream) {
    const range = { StartTime: h.isoSeconds(Date.now() - 600e3), EndTime: h.isoSeconds(Date.now() + 60e3) };
    return m.waitFor(`the on_demand entry of ${stream}`, async () => {
      const res = await api.call('DescribeLiveRecordNotifyRecords',
        Object.assign({ DomainName: DOMAIN, StreamName: stream }, range));
      const entries = res.body.CallbackList.filter((e) => e.NotifyType === 'on_demand');
      return entries.length ? entries : null;
    }, 15000);
  }
  // The server's database: a recording makes its stream's row when it starts
  // (Recorder::StartRecording), then a cycle per format.
  const quoted = (text) => `'${text.replace(/'/g, "''")}'`;
  const streamRows = (stream) => m.dbRows(server, 'SELECT id FROM streams WHERE ' +
    `domain_name = ${quoted(DOMAIN)} AND app_name = 'live' AND stream_name = ${quoted(stream)}`);
  const cycles = (stream) => m.dbRows(server, 'SELECT c.format, c.state FROM record_cycles c ' +
    'JOIN streams s ON s.account_id = c.account_id AND s.id = c.stream_id WHERE ' +
    `s.domain_name = ${quoted(DOMAIN)} AND s.app_name = 'live' AND s.stream_name = ${quoted(stream)} ` +
    'ORDER BY c.format');
  const allClosed = (stream) => { const c = cycles(stream); return c.length > 0 && c.every((x) => x.state === 'closed') && c; };
  // The server logged the publisher's departure, after telling the recorder (RtmpConnection::EndPublish).
  async function publishEnded(stream) {
    const line = new RegExp(`: ${DOMAIN.replace(/\./g, '\\.')}/live/${stream} ended \\(`);
    await m.waitFor(`the end of the publish of ${stream}`, () => line.test(server.output()), 15000);
  }
  const spoolEmpty = () => ['.ts', '.ts.part', '.json'].every((ext) =>
    m.listFiles(path.join(server.dataDir, 'spool'), ext).length === 0);
  // Once the server saw the publisher leave, an on-demand gate can no longer start a recording
  // (OnDemandGate::OnEnd); one that had started would have made the stream's row. So with no
  // row then, nothing is or will be recorded.
  async function assertNothingRecorded(stream) {
    await publishEnded(stream);
    assert.deepEqual(streamRows(stream), [], `a recording of ${stream} started`);
    assert.deepEqual([...files(stream, '.mp4'), ...files(stream, '.flv')], [], `${stream} was recorded`);
  }

  it('a yes records every configured format; the GET carries domain, app, stream, codec and vbitrate', async () => {
    await push('yes', true);
    await m.waitFor('the MP4 and the FLV', () => (files('yes', '.mp4').length && files('yes', '.flv').length) || null, 30000);
    // Counted once every cycle is closed and the spool empty: a file more would be here by then.
    await publishEnded('yes');
    await m.waitFor('every cycle closed, the spool empty', () => (allClosed('yes') && spoolEmpty()) || null, 30000);
    const mp4 = files('yes', '.mp4');
    const flvs = files('yes', '.flv');
    assert.equal(mp4.length, 1);
    assert.equal(flvs.length, 1);
    // Asked after the first second; recording starts at the keyframe before the answer (0 s).
    const d = Number(m.ffprobe(mp4[0]).format.duration);
    assert.ok(Math.abs(d - PUSHED_S) <= 0.5, `the MP4 lasts ${d} s of ${PUSHED_S} s pushed`);

    const asked = receiver.requests.filter((r) => r.query.stream === 'yes');
    assert.equal(asked.length, 1, 'asked once per publish');
    assert.equal(asked[0].method, 'GET');
    assert.equal(asked[0].path, '/ondemand');
    assert.equal(asked[0].query.token, 't1', 'the OnDemandUrl query is kept');
    assert.equal(asked[0].query.domain, DOMAIN);
    assert.equal(asked[0].query.app, 'live');
    assert.equal(asked[0].query.codec, 'h264');
    const kbps = Number(asked[0].query.vbitrate);
    assert.ok(kbps > 500 && kbps < 8000, `vbitrate ${asked[0].query.vbitrate} for a 2 Mbit/s stream`);

    assert.equal(streamRows('yes').length, 1, 'a recording makes its stream row');
    const [entry] = await history('yes');
    assert.equal(entry.NotifyResult, 'success');
    assert.equal(entry.NotifyUrl.split('?')[0], receiver.url.split('?')[0]);
    assert.equal(JSON.parse(entry.NotifyContent).Recorded, true);
    assert.equal(JSON.parse(entry.NotifyResponse).NeedRecord, true);
  });

  it('a no records nothing; the history says so', async () => {
    await push('no', false);
    const [entry] = await history('no');
    assert.equal(entry.NotifyResult, 'success', 'the call itself succeeded');
    const content = JSON.parse(entry.NotifyContent);
    assert.equal(content.Recorded, false);
    assert.match(content.Reason, /NeedRecord is false/);
    await assertNothingRecorded('no');
  });

  it('Format keeps only the configured formats it names', async () => {
    await push('mp4only', true);
    await m.waitFor('the MP4', () => files('mp4only', '.mp4').length || null, 30000);
    // Every cycle opens at the recording's first slice, and the MP4 closed after its last one.
    const opened = await m.waitFor('the closed cycle', () => allClosed('mp4only'), 10000);
    assert.deepEqual(opened.map((c) => c.format), ['mp4'], 'only the formats named are recorded');
    assert.equal(files('mp4only', '.mp4').length, 1);
    assert.deepEqual(files('mp4only', '.flv'), [], 'flv was not in Format');
    const [entry] = await history('mp4only');
    assert.deepEqual(JSON.parse(entry.NotifyContent).Formats.map((f) => f.Format), ['mp4']);
  });

  it('Interval overrides the cycle length', async () => {
    const long = m.makeTestFlv(12);
    const pushed = await m.push(long, url('short'), { realtime: true }).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    // 12 s in cycles of 5 s (cut at the 2 s keyframes): more than one MP4, each about a cycle.
    const mp4 = await m.waitFor('two MP4s', () => files('short', '.mp4').length >= 2 ? files('short', '.mp4') : null, 30000);
    // All recorded once the server saw the publisher leave and composed every slice it spooled.
    await publishEnded('short');
    await m.waitFor('every cycle closed, the spool empty', () => (allClosed('short') && spoolEmpty()) || null, 30000);
    const durations = files('short', '.mp4').map((f) => Number(m.ffprobe(f).format.duration));
    assert.ok(mp4.length >= 2);
    for (const d of durations) assert.ok(d <= 7, `a cycle of ${d} s with Interval 5 s`);
    const total = durations.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - 12) <= 1, `the cycles cover ${total} s of 12 s pushed`);
    const [entry] = await history('short');
    assert.deepEqual(JSON.parse(entry.NotifyContent).Formats, [{ Format: 'mp4', CycleDuration: 5 }]);
  });

  it('a 500 records nothing and fails in the history', async () => {
    await push('fail', false);
    const [entry] = await history('fail');
    assert.equal(entry.NotifyResult, 'failed');
    assert.match(entry.Description, /status is 500/);
    await assertNothingRecorded('fail');
  });

  it('an unparseable reply records nothing and fails in the history', async () => {
    await push('garbage', false);
    const [entry] = await history('garbage');
    assert.equal(entry.NotifyResult, 'failed');
    assert.match(entry.Description, /unparseable reply/);
    await assertNothingRecorded('garbage');
  });

  it('no answer within on_demand_timeout_ms records nothing and never holds up ingest', async () => {
    const started = Date.now();
    await push('hang', true);  // the push completes in real time although the receiver hangs
    assert.ok(Date.now() - started < (PUSHED_S + 4) * 1000, 'ingest was not held up');
    const [entry] = await history('hang');
    assert.equal(entry.NotifyResult, 'failed');
    assert.match(entry.Description, /the call failed/);
    await assertNothingRecorded('hang');
  });

  it('a republish within DelayTime continues the same files: one playlist with a discontinuity, one MP4', async () => {
    const clip = m.makeTestFlv(4);
    for (let i = 0; i < 2; i++) {  // the second at once: well within DelayTime (6 s)
      const pushed = await m.push(clip, url('again'), { realtime: true }).done;
      assert.equal(pushed.code, 0, `push ${i + 1}: ${pushed.stderr}`);
    }
    assert.equal(receiver.requests.filter((r) => r.query.stream === 'again').length, 2, 'each publish is asked');
    assert.deepEqual(files('again', '.m3u8'), [], 'the cycles wait DelayTime');
    const closed = await m.waitFor('both cycles closed', () => (allClosed('again').length === 2 && allClosed('again')) || null, 30000);
    assert.deepEqual(closed.map((c) => c.format), ['m3u8', 'mp4'], 'one cycle per format for both publishes');
    const playlists = files('again', '.m3u8');
    const mp4 = files('again', '.mp4');
    assert.equal(playlists.length, 1, 'both publishes in one playlist');
    assert.equal(mp4.length, 1, 'both publishes in one MP4');

    const lines = fs.readFileSync(playlists[0], 'utf8').split('\n');
    const segments = lines.filter((l) => l.endsWith('.ts'));
    const breaks = lines.filter((l) => l === '#EXT-X-DISCONTINUITY');
    assert.equal(breaks.length, 1, `one #EXT-X-DISCONTINUITY, at the republish:\n${lines.join('\n')}`);
    const at = lines.indexOf('#EXT-X-DISCONTINUITY');
    assert.ok(segments.indexOf(lines[at + 2]) > 0, 'it is not before the first segment');
    for (const [file, what] of [[playlists[0], 'playlist'], [mp4[0], 'MP4']]) {
      const d = Number(m.ffprobe(file).format.duration);
      assert.ok(Math.abs(d - 8) <= 1, `the ${what} lasts ${d} s of 2 x 4 s pushed`);
      const decoded = m.decodeAll(file);
      assert.equal(decoded.status, 0, decoded.stderr);
    }
  });
});
