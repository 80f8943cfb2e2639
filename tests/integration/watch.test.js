'use strict';
// Watch playlists (docs/api/watch.md): DescribeLiveStreamWatchUrl hands out the URL of a stream's
// EVENT playlist, built from the slice index as each request comes, signed with the key of the
// bucket the slices are in. While a real ffmpeg publisher pushes in real time, the playlist grows
// by appending (what was listed stays as it was), each segment URL is signed and fetches the
// slice, and ffprobe reads the playlist; the token reaches nothing else: no token, another
// stream, another start or a changed query are refused with the buckets' 403; a public-read
// bucket's watch URL needs no token; the API's errors for what cannot be watched.
const assert = require('node:assert/strict');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'watch.example.com';
const EXTRA_TOML = `${m.TESTING}
[[buckets]]
endpoint = "local"
name = "open-recs"
access = "public-read"
`;

async function get(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10000) });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

// The segment URIs of a playlist's text.
function segments(text) {
  return text.split('\n').filter((line) => line && !line.startsWith('#'));
}

describe('watch playlists', () => {
  let server;
  let api;
  let pushing;

  before(async () => {
    server = await h.startServer({ extraToml: EXTRA_TOML });
    api = h.popClient(server, h.DEFAULT_KEY, 'POST');
    for (const [app, bucket] of [['live', 'records'], ['open', 'open-recs']]) {
      await api.call('AddLiveAppRecordConfig', {
        DomainName: DOMAIN, AppName: app, StreamName: '*', OssEndpoint: 'local', OssBucket: bucket,
        'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 1, DelayTime: 1,
      });
    }
    pushing = m.push(m.makeTestFlv(14), `rtmp://127.0.0.1:${server.rtmpPort}/live/cam?vhost=${DOMAIN}`,
      { realtime: true });
    await m.waitFor('two slices of cam indexed', () => m.sliceIndex(server).length >= 2, 30000);
  });
  after(async () => {
    if (pushing) {
      pushing.child.kill('SIGKILL');
      await pushing.done;
    }
    if (server) await server.stop();
  });

  it('grows while the publisher pushes, each segment signed and fetched, and plays in ffprobe', async () => {
    const res = await api.call('DescribeLiveStreamWatchUrl', { DomainName: DOMAIN, AppName: 'live', StreamName: 'cam' });
    const body = res.body;
    assert.match(body.WatchUrl, new RegExp(`^${server.endpoint}/_watch/local/records/${DOMAIN}/live/cam/\\d+\\.m3u8\\?auth_key=\\d+-[0-9a-f]+-0-[0-9a-f]{32}$`));
    assert.equal(body.OssEndpoint, 'local');
    assert.equal(body.OssBucket, 'records');
    const start = Date.parse(body.StartTime);
    assert.equal(Date.parse(body.EndTime) - start, 6 * 3600 * 1000, 'a window of 6 hours');
    assert.equal(start, Math.floor(m.sliceIndex(server)[0].start_ms / 1000) * 1000, 'from the run\'s first slice');

    const first = await get(body.WatchUrl);
    assert.equal(first.status, 200);
    assert.equal(first.type, 'application/vnd.apple.mpegurl');
    const text1 = first.body.toString();
    assert.match(text1, /#EXT-X-PLAYLIST-TYPE:EVENT\n/);
    assert.doesNotMatch(text1, /#EXT-X-ENDLIST/);
    const uris1 = segments(text1);
    assert.ok(uris1.length >= 2, text1);
    for (const uri of uris1) {
      assert.match(uri, new RegExp(`^${server.endpoint}/records/record/live/cam/.+\\.ts\\?auth_key=`));
      const slice = await get(uri);
      assert.equal(slice.status, 200, uri);
      assert.equal(slice.body[0], 0x47, 'a TS packet');
      assert.equal((await get(h.unsignedUrl(uri))).status, 403, 'the slice itself is private');
    }
    await m.waitFor('more slices', () => m.sliceIndex(server).length >= uris1.length + 2, 30000);
    const text2 = (await get(body.WatchUrl)).body.toString();
    const uris2 = segments(text2);
    assert.ok(uris2.length >= uris1.length + 2, `grew: ${uris1.length} -> ${uris2.length}`);
    // An EVENT playlist only appends: the same slices, in the same order (tokens are new).
    assert.deepEqual(uris2.slice(0, uris1.length).map(h.unsignedUrl), uris1.map(h.unsignedUrl));
    const probe = m.ffprobe(body.WatchUrl);
    assert.deepEqual(probe.streams.map((s) => s.codec_name).sort(), ['aac', 'h264']);
  });

  it('the token reaches this stream from this start only', async () => {
    const { body } = await api.call('DescribeLiveStreamWatchUrl', { DomainName: DOMAIN, AppName: 'live', StreamName: 'cam' });
    const url = new URL(body.WatchUrl);
    const refused = [
      h.unsignedUrl(body.WatchUrl),
      body.WatchUrl.replace('/cam/', '/other/'),
      body.WatchUrl.replace(/\/(\d+)\.m3u8/, (_, s) => `/${Number(s) - 3600}.m3u8`),
      body.WatchUrl.replace('/records/', '/keyed/'),
      `${url.origin}${url.pathname}?auth_key=${url.searchParams.get('auth_key').replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`,
    ];
    for (const target of refused) {
      const res = await get(target);
      assert.equal(res.status, 403, target);
      assert.equal(res.body.toString(), 'forbidden\n');
    }
    // A path that is not a watch playlist at all: 404 like a missing object.
    assert.equal((await get(`${server.endpoint}/_watch/local/records/x.m3u8`)).status, 404);
    // Lifetime: the token's expiry is the one asked for.
    const short = await api.call('DescribeLiveStreamWatchUrl', {
      DomainName: DOMAIN, AppName: 'live', StreamName: 'cam', ExpireSeconds: 60 });
    const expires = Number(/auth_key=(\d+)-/.exec(short.body.WatchUrl)[1]);
    assert.ok(Math.abs(expires - (Date.now() / 1000 + 60)) <= 5, `expires ${expires}`);
  });

  it('a public-read bucket\'s watch URL carries no token and its segments are plain', async () => {
    const pushed = await m.push(m.makeTestFlv(3), `rtmp://127.0.0.1:${server.rtmpPort}/open/pub?vhost=${DOMAIN}`).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    await m.waitFor('open/pub slices', () => m.sliceIndex(server).some((s) => s.bucket === 'open-recs'), 30000);
    const { body } = await api.call('DescribeLiveStreamWatchUrl', { DomainName: DOMAIN, AppName: 'open', StreamName: 'pub' });
    assert.match(body.WatchUrl, /\/_watch\/local\/open-recs\/.+\/open\/pub\/\d+\.m3u8$/);
    const text = (await get(body.WatchUrl)).body.toString();
    const uris = segments(text);
    assert.ok(uris.length >= 1, text);
    for (const uri of uris) {
      assert.doesNotMatch(uri, /auth_key/);
      assert.equal((await get(uri)).status, 200);
    }
  });

  it('answers what cannot be watched with the API\'s errors', async () => {
    const base = { DomainName: DOMAIN, AppName: 'live', StreamName: 'cam' };
    await h.expectActionError(api, 'DescribeLiveStreamWatchUrl', { ...base, StreamName: 'never' }, 400, 'InvalidStream.NotFound');
    await h.expectActionError(api, 'DescribeLiveStreamWatchUrl', { ...base, StartTime: '2999-01-01T00:00:00Z' }, 400, 'InvalidStartTime.Mismatch');
    await h.expectActionError(api, 'DescribeLiveStreamWatchUrl', { ...base, StartTime: 'yesterday' }, 400, 'InvalidStartTime.Malformed');
    await h.expectActionError(api, 'DescribeLiveStreamWatchUrl', { ...base, ExpireSeconds: 0 }, 400, 'InvalidParameter');
    const hourAgo = new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const early = await api.call('DescribeLiveStreamWatchUrl', { ...base, StartTime: hourAgo });
    assert.equal(early.body.StartTime, hourAgo, 'a StartTime before the first slice starts the playlist there');
    const other = h.popClient(server, h.TENANT_B_KEY, 'POST');
    const err = await h.expectSdkError(other.call('DescribeLiveStreamWatchUrl', base));
    assert.ok(err.status === 403 || err.status === 404, `another account: ${err.status} ${err.code}`);
  });
});
