'use strict';
// Private buckets (docs/configuration.md "Bucket access"; docs/object-keys.md "Private buckets
// and signed URLs"): a local bucket is private unless declared `access = "public-read"`, and then
// answers only requests carrying a valid token of its own. On two streams recorded from real
// ffmpeg pushes and on files placed in the buckets' directories:
// - no token, a malformed one, an expired one, a tampered one: 403 `forbidden\n`, the same
//   answer whether the key exists or not, each refusal counted on /metrics by reason;
// - a token reaches exactly what it was made for: a segment token of one stream's playlist fails
//   on the other stream's slices (and on the stream's other slices), a prefix URL fails outside
//   its prefix, also through `..` segments;
// - a public-read bucket serves plain URLs, and its RecordUrls carry no token.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const h = require('../conformance/harness.js');
const m = require('./media.js');

const DOMAIN = 'private.example.com';
const PUSHED_S = 4;
// A bucket with a URL key given in the config: the test signs with it by the documented formula.
const KEYED_KEY = 'PrivateBucketsTestUrlKey0001';
const KEYED_EXPIRY_S = 120;
const EXTRA_TOML = `${m.TESTING}
[[buckets]]
endpoint = "local"
name = "open-recs"
access = "public-read"

[[buckets]]
endpoint = "local"
name = "keyed"
url_key = "${KEYED_KEY}"
url_expiry_s = ${KEYED_EXPIRY_S}
`;

const REFUSAL_REASONS = ['missing', 'malformed', 'expired', 'wrong_signature', 'outside_prefix'];

// GET or HEAD of `target` (an absolute URL, or a raw path sent as is: no normalisation of `..`).
function request(server, target, method = 'GET') {
  const url = target.startsWith('http') ? new URL(target) : null;
  const options = {
    host: '127.0.0.1', port: server.port, method, agent: false,
    path: url ? url.pathname + url.search : target,
  };
  return new Promise((resolve, reject) => {
    const req = http.request(options, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ method, status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(10000, () => req.destroy(new Error(`${method} ${options.path}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

// The refusal counters on /metrics, by reason (0 when not shown yet).
async function refusals(server) {
  const res = await fetch(`${server.endpoint}/metrics`, { signal: AbortSignal.timeout(10000) });
  assert.equal(res.status, 200, 'metrics are on by default');
  const text = await res.text();
  const out = {};
  for (const reason of REFUSAL_REASONS) {
    const line = new RegExp(`^liverec_bucket_requests_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
    out[reason] = line ? Number(line[1]) : 0;
  }
  return out;
}

// Runs `fn` and asserts the refusal counters moved by exactly `delta` ({reason: n}).
async function expectRefusals(server, delta, fn) {
  const before_ = await refusals(server);
  await fn();
  const after_ = await refusals(server);
  const moved = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, after_[r] - before_[r]]));
  const want = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, delta[r] || 0]));
  assert.deepEqual(moved, want, 'refusals counted by reason');
}

// Asserts the one answer of every refusal: 403 `forbidden\n` (for HEAD, no body).
function assertForbidden(res, what) {
  assert.equal(res.status, 403, `${what}: ${res.status} ${res.body}`);
  assert.equal(res.body.toString(), res.method === 'HEAD' ? '' : 'forbidden\n', what);
}

// `url` with its query replaced by `query` (a '?...' string).
function withQuery(url, query) {
  return h.unsignedUrl(url) + query;
}

// The type-A token query for `path` as docs/object-keys.md writes it.
function tokenFor(pathName, expires, rand, key) {
  const md5 = crypto.createHash('md5').update(`${pathName}-${expires}-${rand}-0-${key}`).digest('hex');
  return `auth_key=${expires}-${rand}-0-${md5}`;
}

describe('private buckets answer signed URLs only', () => {
  let server;
  let bucket;
  const slices = {};  // stream -> [key]
  const playlists = {};  // stream -> key of the cycle playlist

  before(async () => {
    server = await h.startServer({ extraToml: EXTRA_TOML });
    bucket = path.join(server.dataDir, 'buckets', 'records');
    await h.popClient(server, h.DEFAULT_KEY, 'POST').call('AddLiveAppRecordConfig', {
      DomainName: DOMAIN, AppName: 'live', StreamName: '*', OssEndpoint: 'local', OssBucket: 'records',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2, DelayTime: 1,
    });
    const flv = m.makeTestFlv(PUSHED_S);
    const pushed = await Promise.all(['A', 'B'].map((s) =>
      m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/${s}?vhost=${DOMAIN}`).done));
    for (const p of pushed) assert.equal(p.code, 0, p.stderr);
    await m.waitFor('both cycle playlists',
      () => m.listFiles(path.join(bucket, 'record', 'live'), '.m3u8').length === 2, 30000);
    await m.waitSettled(server);
    for (const s of ['A', 'B']) {
      const dir = path.join(bucket, 'record', 'live', s);
      slices[s] = m.listFiles(dir, '.ts').map((f) => path.relative(bucket, f));
      assert.ok(slices[s].length >= 2, `stream ${s}: ${slices[s].length} slices`);
      const lists = m.listFiles(dir, '.m3u8');
      assert.equal(lists.length, 1, `one cycle playlist of ${s}`);
      playlists[s] = path.relative(bucket, lists[0]);
    }
    // One slice of A in the bucket `keyed` too.
    const keyed = path.join(server.dataDir, 'buckets', 'keyed', slices.A[0]);
    fs.mkdirSync(path.dirname(keyed), { recursive: true });
    fs.copyFileSync(path.join(bucket, slices.A[0]), keyed);
  });
  after(async () => { if (server) await server.stop(); });

  it('no token: 403 forbidden for a recorded slice and for a key that does not exist, alike', async () => {
    const slice = `${server.endpoint}/records/${slices.A[0]}`;
    const missing = `${server.endpoint}/records/record/live/A/no-such-slice.ts`;
    const answers = {};
    await expectRefusals(server, { missing: 6 }, async () => {
      for (const url of [slice, missing, `${server.endpoint}/records/${playlists.A}`]) {
        for (const method of ['GET', 'HEAD']) {
          const res = await request(server, url, method);
          assertForbidden(res, `${method} ${url}`);
          answers[`${method} ${url}`] = { type: res.headers['content-type'], length: res.headers['content-length'] };
        }
      }
    });
    // Nothing tells an existing key from a missing one: same type and length.
    assert.deepEqual(answers[`GET ${slice}`], answers[`GET ${missing}`]);
    assert.deepEqual(answers[`HEAD ${slice}`], answers[`HEAD ${missing}`]);
    // The same key signed is there (and the missing one, signed, is a plain 404).
    const signed = await request(server, server.signedUrl(slices.A[0]));
    assert.equal(signed.status, 200);
    assert.ok(signed.body.equals(fs.readFileSync(path.join(bucket, slices.A[0]))), 'the slice itself');
    assert.equal((await request(server, server.signedUrl('record/live/A/no-such-slice.ts'))).status, 404);
  });

  it('a malformed token is refused', async () => {
    const good = server.signedUrl(slices.A[0]);
    const query = new URL(good).search;
    await expectRefusals(server, { malformed: 3 }, async () => {
      for (const bad of ['?auth_key=', '?auth_key=nonsense', `${query}&${query.slice(1)}`]) {
        const res = await request(server, withQuery(good, bad));
        assertForbidden(res, bad);
      }
    });
  });

  it('an expired URL is refused', async () => {
    // 3 s: time enough to read it once before it expires, even on a slow (sanitizer) build.
    const url = server.signedUrl(slices.A[0], { expires: 3 });
    const expiry = h.assertSignedUrl(url, `${server.endpoint}/records/${slices.A[0]}`, { lifetimeS: 3 });
    assert.equal((await request(server, url)).status, 200, 'valid before its expiry');
    // Valid while the server's clock (whole seconds) is at most the expiry.
    await m.waitFor('the expiry to pass', () => Date.now() >= (expiry + 1) * 1000 + 100, 10000, 50);
    await expectRefusals(server, { expired: 2 }, async () => {
      assertForbidden(await request(server, url), 'GET after the expiry');
      assertForbidden(await request(server, url, 'HEAD'), 'HEAD after the expiry');
    });
  });

  it('a tampered token is refused: any changed field fails the signature', async () => {
    const url = server.signedUrl(slices.A[0]);
    assert.equal((await request(server, url)).status, 200);
    const [, expires, rand, md5] = /auth_key=(\d+)-([0-9a-f]+)-0-([0-9a-f]{32})$/.exec(url);
    const flip = (hex, i) => hex.slice(0, i) + (hex[i] === '0' ? '1' : '0') + hex.slice(i + 1);
    const tampered = {
      'one hex digit of the md5': `?auth_key=${expires}-${rand}-0-${flip(md5, 7)}`,
      'a later expiry': `?auth_key=${Number(expires) + 3600}-${rand}-0-${md5}`,
      'an earlier expiry, still ahead': `?auth_key=${Number(expires) - 60}-${rand}-0-${md5}`,
      'another rand': `?auth_key=${expires}-${flip(rand, 0)}-0-${md5}`,
      'another uid': `?auth_key=${expires}-${rand}-1-${md5}`,
    };
    await expectRefusals(server, { wrong_signature: Object.keys(tampered).length + 2 }, async () => {
      for (const [what, query] of Object.entries(tampered)) {
        assertForbidden(await request(server, withQuery(url, query)), what);
      }
      // The token of one key on another key, and on the same key in another bucket.
      assertForbidden(await request(server, `${server.endpoint}/records/${slices.A[1]}${new URL(url).search}`),
        'the token of another slice');
      assertForbidden(await request(server, `${server.endpoint}/keyed/${slices.A[0]}${new URL(url).search}`),
        'the same key in another bucket');
    });
  });

  it('a token is made as documented: md5 over path, expiry, rand, uid and the bucket URL key', async () => {
    const key = slices.A[0];  // copied into `keyed` (before)
    const expires = Math.floor(Date.now() / 1000) + 60;
    const mine = tokenFor(`/keyed/${key}`, expires, 'cafe0123', KEYED_KEY);
    const res = await request(server, `${server.endpoint}/keyed/${key}?${mine}`);
    assert.equal(res.status, 200, 'a token the test signed with the configured url_key');
    // Not with another key, and not for another path.
    const otherKey = tokenFor(`/keyed/${key}`, expires, 'cafe0123', `x${KEYED_KEY.slice(1)}`);
    assertForbidden(await request(server, `${server.endpoint}/keyed/${key}?${otherKey}`), 'another url key');
    const otherPath = tokenFor(`/keyed/${key}x`, expires, 'cafe0123', KEYED_KEY);
    assertForbidden(await request(server, `${server.endpoint}/keyed/${key}?${otherPath}`), 'another path');
    // The RecordUrl of an index file made in the bucket: good for its url_expiry_s, the same md5.
    const created = await h.popClient(server, h.DEFAULT_KEY, 'POST').call('CreateLiveStreamRecordIndexFiles', {
      DomainName: DOMAIN, AppName: 'live', StreamName: 'A', OssEndpoint: 'local', OssBucket: 'keyed',
      OssObject: 'index/A.m3u8', StartTime: h.isoSeconds(Date.now() - 3600 * 1000), EndTime: h.isoSeconds(Date.now() + 60000),
    });
    const recordUrl = created.body.RecordInfo.RecordUrl;
    const expiry = h.assertSignedUrl(recordUrl, `${server.endpoint}/keyed/index/A.m3u8`, { lifetimeS: KEYED_EXPIRY_S });
    assert.ok(expiry >= Math.floor(Date.now() / 1000) + KEYED_EXPIRY_S - 30, `RecordUrl good for url_expiry_s: ${recordUrl}`);
    const [, rand, md5] = /auth_key=\d+-([0-9a-f]+)-0-([0-9a-f]{32})$/.exec(recordUrl);
    assert.equal(`auth_key=${expiry}-${rand}-0-${md5}`, tokenFor('/keyed/index/A.m3u8', expiry, rand, KEYED_KEY),
      'the RecordUrl token is the documented md5');
  });

  it("a segment token of one stream's playlist reads that segment only, not the other stream's slices", async () => {
    const url = server.signedUrl(playlists.A);
    const res = await request(server, url);
    assert.equal(res.status, 200);
    const stored = fs.readFileSync(path.join(bucket, playlists.A), 'utf8');
    const segments = h.assertSignedPlaylist(res.body.toString(), stored, "A's playlist served");
    assert.equal(segments.length, slices.A.length);
    for (const [i, seg] of segments.entries()) {
      const resolved = new URL(seg, url);
      assert.equal(decodeURIComponent(resolved.pathname), `/records/${slices.A[i]}`);
      assert.equal((await request(server, resolved.href)).status, 200, `A's segment ${i} with its token`);
    }
    const token = new URL(segments[0], url).search;
    await expectRefusals(server, { wrong_signature: slices.B.length + 1 }, async () => {
      for (const key of slices.B) {
        assertForbidden(await request(server, `${server.endpoint}/records/${key}${token}`), `B's ${key} with A's token`);
      }
      assertForbidden(await request(server, `${server.endpoint}/records/${slices.A[1]}${token}`),
        "A's second slice with the first one's token");
    });
  });

  it('a prefix URL reads every key under its prefix and nothing outside, also through ..', async () => {
    const prefixUrl = server.signedUrl('record/live/A/', { prefix: true });
    const parsed = new URL(prefixUrl);
    assert.equal(parsed.pathname, '/records/record/live/A/');
    assert.match(parsed.search, /^\?auth_prefix=[^&]+&auth_key=\d+-[0-9a-f]+-0-[0-9a-f]{32}$/);
    const at = (key) => `${server.endpoint}/records/${key}${parsed.search}`;
    for (const key of [...slices.A, playlists.A]) assert.equal((await request(server, at(key))).status, 200, key);
    const bSlice = fs.readFileSync(path.join(bucket, slices.B[0]));
    await expectRefusals(server, { outside_prefix: slices.B.length + 2 }, async () => {
      for (const key of [...slices.B, playlists.B]) assertForbidden(await request(server, at(key)), `B's ${key}`);
      // A key that only starts like the prefix's last segment.
      assertForbidden(await request(server, `${server.endpoint}/records/record/live/AB/x.ts${parsed.search}`), 'live/AB/');
    });
    // Dot segments sent as they are (fetch would remove them): the path starts with the prefix,
    // so the token may pass, but the bucket serves no path with `..` (404): never B's slice.
    const name = path.basename(slices.B[0]);
    for (const raw of [`/records/record/live/A/../B/${name}`, `/records/record/live/A/%2e%2e/B/${name}`]) {
      const res = await request(server, `${raw}${parsed.search}`);
      assert.ok([403, 404].includes(res.status), `${raw}: ${res.status}`);
      assert.ok(!res.body.equals(bSlice), `${raw} does not serve B's slice`);
    }
  });

  it('a public-read bucket serves plain URLs; its URLs and RecordUrls carry no token', async () => {
    const open = path.join(server.dataDir, 'buckets', 'open-recs');
    fs.mkdirSync(path.join(open, 'pub'), { recursive: true });
    fs.writeFileSync(path.join(open, 'pub', 'hello.txt'), 'hello');
    await expectRefusals(server, {}, async () => {
      const plain = await request(server, `${server.endpoint}/open-recs/pub/hello.txt`);
      assert.equal(plain.status, 200);
      assert.equal(plain.body.toString(), 'hello');
      const head = await request(server, `${server.endpoint}/open-recs/pub/hello.txt`, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal((await request(server, `${server.endpoint}/open-recs/pub/nothing.txt`)).status, 404,
        'a missing key of a public bucket is a plain 404');
    });
    assert.equal(server.signedUrl('pub/hello.txt', { bucket: 'open-recs' }), `${server.endpoint}/open-recs/pub/hello.txt`,
      '`liverec url` gives the plain URL');
    const created = await h.popClient(server, h.DEFAULT_KEY, 'POST').call('CreateLiveStreamRecordIndexFiles', {
      DomainName: DOMAIN, AppName: 'live', StreamName: 'B', OssEndpoint: 'local', OssBucket: 'open-recs',
      OssObject: 'index/B.m3u8', StartTime: h.isoSeconds(Date.now() - 3600 * 1000), EndTime: h.isoSeconds(Date.now() + 60000),
    });
    assert.equal(created.body.RecordInfo.RecordUrl, `${server.endpoint}/open-recs/index/B.m3u8`);
    assert.equal((await request(server, created.body.RecordInfo.RecordUrl)).status, 200);
    // The default bucket stays private beside it.
    assert.equal((await request(server, `${server.endpoint}/records/${slices.B[0]}`)).status, 403);
  });
});
