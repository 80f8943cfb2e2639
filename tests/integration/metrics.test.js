'use strict';
// /metrics, /healthz and JSON logs of the real server (docs/operations.md): a scrape before and
// after API calls and a real ffmpeg push shows the counters and gauges move; every scrape is
// checked against the text exposition format 0.0.4; every log line is a JSON object.
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY, SdkError } = require('../conformance/harness.js');
const m = require('./media.js');

const SAMPLE_RE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/y;

// Parses a scrape strictly: HELP and TYPE before each family's samples, sample names of the
// family (with _bucket/_sum/_count for histograms), label syntax and escapes, numeric values,
// cumulative buckets ending in +Inf == _count. Returns Map 'name{labels}' -> number.
function parseExposition(text) {
  assert.ok(text.endsWith('\n'), 'the text ends with a newline');
  const samples = new Map();
  const types = new Map();
  let family = null;
  const buckets = new Map();
  for (const line of text.slice(0, -1).split('\n')) {
    let match;
    if ((match = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line))) {
      assert.ok(!types.has(match[1]), `${match[1]} appears once`);
      family = { name: match[1], type: null };
      continue;
    }
    if ((match = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$/.exec(line))) {
      assert.equal(match[1], family && family.name, `TYPE follows HELP for ${match[1]}`);
      family.type = match[2];
      types.set(match[1], match[2]);
      continue;
    }
    match = SAMPLE_RE.exec(line);
    assert.ok(match, `sample line: ${JSON.stringify(line)}`);
    const [, name, labelText, valueText] = match;
    assert.ok(family && family.type, `${name} comes after its HELP and TYPE`);
    const suffixes = family.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    assert.ok(suffixes.some((s) => name === family.name + s), `${name} belongs to ${family.name}`);
    const labels = [];
    if (labelText !== undefined) {
      LABEL_RE.lastIndex = 0;
      while (LABEL_RE.lastIndex < labelText.length) {
        const l = LABEL_RE.exec(labelText);
        assert.ok(l, `labels of ${JSON.stringify(line)}`);
        labels.push(`${l[1]}="${l[2]}"`);
      }
    }
    const value = Number(valueText.replace('+Inf', 'Infinity'));
    assert.ok(!Number.isNaN(value), `value of ${JSON.stringify(line)}`);
    if (family.type === 'counter') assert.ok(value >= 0, `counter ${name} is not negative`);
    const key = labels.length ? `${name}{${labels.join(',')}}` : name;
    assert.ok(!samples.has(key), `${key} appears once`);
    samples.set(key, value);
    if (name.endsWith('_bucket')) {
      const series = `${name}{${labels.filter((l) => !l.startsWith('le=')).join(',')}}`;
      const previous = buckets.get(series) || [];
      if (previous.length) assert.ok(value >= previous[previous.length - 1], `${series} is cumulative`);
      previous.push(value);
      buckets.set(series, previous);
      if (labels.some((l) => l === 'le="+Inf"')) {
        const count = series.replace('_bucket{', '_count{').replace('{}', '');
        buckets.set(series, { inf: value, count });
      }
    }
  }
  for (const [series, b] of buckets) {
    assert.ok(b.inf !== undefined, `${series} ends with le="+Inf"`);
    assert.equal(samples.get(b.count), b.inf, `${b.count} equals the +Inf bucket`);
  }
  return samples;
}

async function scrape(server) {
  const res = await fetch(`${server.endpoint}/metrics`, { signal: AbortSignal.timeout(10000) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

describe('metrics, health and JSON logs', () => {
  let server;
  let flv;
  before(async () => {
    flv = m.makeTestFlv(4);
    server = await startServer({ extraToml: `${m.TESTING}\n[log]\nformat = "json"\n` });
  });
  after(async () => { if (server) await server.stop(); });

  it('healthz answers ok and /metrics only GET', async () => {
    const health = await fetch(`${server.endpoint}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok\n');
    const post = await fetch(`${server.endpoint}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET');
  });

  it('counters and gauges move with API calls and a real push', async () => {
    const before = await scrape(server);
    assert.equal(before.get('liverec_streams_live'), 0);
    assert.equal(before.get('liverec_rtmp_received_bytes_total'), 0);
    assert.equal(before.get('liverec_slices_stored_total'), 0);
    assert.equal(before.get('liverec_spool_backlog_slices'), 0);
    assert.equal(before.get('liverec_callback_outbox_pending_events'), 0);
    for (const status of ['-1', '0', '1', '2', '3']) {
      assert.equal(before.get(`liverec_relay_tasks{status="${status}"}`), 0);
    }
    const started = before.get('process_start_time_seconds');
    assert.ok(Math.abs(started - Date.now() / 1000) < 120, `start time ${started}`);
    assert.ok([...before.keys()].some((k) => /^liverec_build_info\{version="\d+\.\d+\.\d+",commit="[0-9a-f]*"\}$/.test(k)));

    const client = popClient(server, DEFAULT_KEY, 'POST');
    await client.call('AddLiveAppRecordConfig', {
      DomainName: 'metrics.example.com', AppName: 'live', StreamName: '*', OssEndpoint: 'local',
      OssBucket: 'records', 'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2,
      DelayTime: 1,
    });
    await assert.rejects(client.call('DescribeLiveRecordConfig', {}),
      (err) => err instanceof SdkError && err.code === 'MissingDomainName');
    const afterApi = await scrape(server);
    const ok = 'liverec_api_requests_total{action="AddLiveAppRecordConfig",code="OK"}';
    const missing = 'liverec_api_requests_total{action="DescribeLiveRecordConfig",code="MissingDomainName"}';
    assert.equal(afterApi.get(ok), (before.get(ok) || 0) + 1);
    assert.equal(afterApi.get(missing), (before.get(missing) || 0) + 1);
    assert.equal(afterApi.get('liverec_api_request_duration_seconds_count{action="AddLiveAppRecordConfig"}'), 1);

    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=metrics.example.com`;
    const pushing = m.push(flv, url, { realtime: true });
    const live = await m.waitFor('the stream live and recording in /metrics', async () => {
      const s = await scrape(server);
      return s.get('liverec_streams_live') === 1 && s.get('liverec_streams_recording') === 1 ? s : null;
    }, 15000, 200);
    assert.ok(live.get('liverec_rtmp_connections') >= 1);
    const pushed = await pushing.done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);

    const done = await m.waitFor('every slice stored and the stream gone', async () => {
      const s = await scrape(server);
      return s.get('liverec_streams_live') === 0 && s.get('liverec_slices_stored_total') >= 2 &&
        s.get('liverec_spool_backlog_slices') === 0 ? s : null;
    }, 20000, 200);
    const stored = m.sliceIndex(server).length;
    assert.equal(done.get('liverec_slices_stored_total'), stored, 'one count per indexed slice');
    assert.equal(done.get('liverec_slice_store_duration_seconds_count'), stored);
    assert.equal(done.get('liverec_slice_store_failures_total'), 0);
    const flvBytes = require('node:fs').statSync(flv).size;
    const received = done.get('liverec_rtmp_received_bytes_total');
    assert.ok(received > flvBytes * 0.9 && received < flvBytes * 1.5,
      `received ${received} bytes for a ${flvBytes}-byte FLV`);
  });

  it('logs one JSON object per line on stderr', () => {
    const lines = server.output().split('\n').filter((l) => l.startsWith('{'));
    assert.ok(lines.length >= 3, `JSON log lines: ${lines.length}`);
    for (const line of lines) {
      const entry = JSON.parse(line);
      assert.deepEqual(Object.keys(entry), ['time', 'level', 'logger', 'message']);
      assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(['trace', 'debug', 'info', 'warn', 'error', 'critical'].includes(entry.level));
    }
    assert.ok(lines.map((l) => JSON.parse(l).message).some((msg) => /publishing metrics\.example\.com\/live\/s1/.test(msg)));
  });
});
