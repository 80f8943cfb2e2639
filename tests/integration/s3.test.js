'use strict';
// Recording into an S3 bucket: liverec with a `backend = "s3"` bucket records a real ffmpeg push
// into s3rver through a proxy that verifies every request's SigV4 signature
// (s3_sigv4_proxy.js); Debian's aws CLI lists and downloads what liverec stored. Also: a wrong
// secret is refused and reported while the slices wait in the spool.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { describe, it, before, after } = require('node:test');
const { startServer, popClient, DEFAULT_KEY, sleep } = require('../conformance/harness.js');
const m = require('./media.js');
const crypto = require('node:crypto');
const { startS3Peer, bucketToml, FRESH } = require('./s3_peer.js');

const MiB = 1024 * 1024;
const PUSHED_S = 30;
const SECRET_ENV = 'S3_TEST_SECRET_ACCESS_KEY'; // read by liverec through secret_access_key_env

function pe(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
const keyUrl = (base, key) => `${base}/${key.split('/').map(pe).join('/')}`;
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

async function addConfig(server, params) {
  const client = popClient(server, DEFAULT_KEY, 'POST');
  return client.call('AddLiveAppRecordConfig', Object.assign({
    OssEndpoint: 's3.test', OssBucket: 's3rec', DelayTime: 1, AppName: 'live', StreamName: '*',
  }, params));
}

describe('recording into an S3 bucket behind a SigV4-verifying proxy', () => {
  let peer;
  let server;
  let tmp;
  let listing;
  const DOMAIN = 's3.example.com';
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'liverec-s3-test-'));
    const flv = m.makeTestFlv(PUSHED_S);
    peer = await startS3Peer({ bucket: 'liverec-rec' });
    process.env[SECRET_ENV] = peer.secret;
    // The API names the bucket "s3rec" at OssEndpoint "s3.test"; at the service it is "liverec-rec".
    server = await startServer({ extraToml: m.TESTING +
      bucketToml(peer, { endpoint: 's3.test', name: 's3rec', secretEnv: SECRET_ENV, partSizeMb: 5 }) });
    await addConfig(server, { DomainName: DOMAIN,
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 10,
      'RecordFormat.2.Format': 'mp4', 'RecordFormat.2.SliceDuration': 10 });
    const pushed = await m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=${DOMAIN}`).done;
    assert.equal(pushed.code, 0, `ffmpeg push failed: ${pushed.stderr}`);
    // The MP4 counts once liverec has recorded it (a record_files row: after the multipart
    // upload completed) and the listing shows its whole size: s3rver lists an object while it
    // is still concatenating its parts.
    listing = await m.waitFor('the playlist, three slices and the whole MP4 in the bucket', () => {
      const objects = peer.ls('record/');
      const has = (ext, n) => objects.filter((o) => o.key.endsWith(ext)).length >= n;
      const files = m.dbRows(server, "SELECT object_key, bytes FROM record_files WHERE object_key LIKE '%.mp4'");
      const mp4 = objects.find((o) => o.key.endsWith('.mp4'));
      const whole = files.length === 1 && mp4 && mp4.key === files[0].object_key && mp4.size === Number(files[0].bytes);
      return has('.m3u8', 1) && has('.ts', 3) && whole ? objects : null;
    }, 40000, 1000);
  });
  after(async () => {
    if (server) await server.stop();
    if (peer) await peer.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('stores slices and playlist that aws s3 ls/cp see exactly as liverec indexed them', async () => {
    const rows = m.sliceIndex(server);
    assert.equal(rows.length, 3, JSON.stringify(rows));
    const slices = listing.filter((o) => o.key.endsWith('.ts'));
    assert.deepEqual(slices.map((o) => o.key).sort(), rows.map((r) => r.object_key).sort());
    let total = 0;
    for (const row of rows) {
      assert.equal(row.endpoint, 's3.test');
      assert.equal(row.bucket, 's3rec');
      assert.equal(slices.find((o) => o.key === row.object_key).size, row.bytes, `${row.object_key}: listed size`);
      const file = path.join(tmp, path.basename(row.object_key));
      const bytes = peer.cp(row.object_key, file);
      assert.equal(bytes.length, row.bytes, `${row.object_key}: downloaded size`);
      const direct = Buffer.from(await (await fetch(keyUrl(peer.publicUrl, row.object_key), FRESH)).arrayBuffer());
      assert.ok(direct.equals(bytes), `${row.object_key}: the public URL serves the same bytes`);
      // The body liverec signed (the SHA-256 of its spool file, checked by the proxy) is this.
      const put = (await peer.stats()).puts[`PUT ${keyUrl(`/${peer.bucket}`, row.object_key)}`];
      assert.equal(put, sha256(bytes), `${row.object_key}: the bytes liverec sent`);
      const decoded = m.decodeAll(file);
      assert.equal(decoded.status, 0, decoded.stderr);
      assert.equal(decoded.stderr, '', `decoding ${row.object_key}: ${decoded.stderr}`);
      const probed = Number(m.ffprobe(file).format.duration);
      assert.ok(Math.abs(probed * 1000 - row.duration_ms) <= 100, `${row.object_key}: ${probed} s vs ${row.duration_ms} ms`);
      total += probed;
    }
    assert.ok(Math.abs(total - PUSHED_S) <= 0.5, `slices sum to ${total} s`);

    const playlistKey = listing.find((o) => o.key.endsWith('.m3u8')).key;
    const text = peer.cp(playlistKey, path.join(tmp, 'cycle.m3u8')).toString('utf8');
    assert.match(text, /^#EXTM3U\n/);
    assert.match(text, /#EXT-X-ENDLIST\n$/);
    for (const row of rows) assert.ok(text.includes(`\n${path.basename(row.object_key)}\n`), text);
    // Relative segment URIs: the playlist plays from the bucket's public URL.
    const played = m.ffprobe(keyUrl(peer.publicUrl, playlistKey));
    assert.ok(Math.abs(Number(played.format.duration) - PUSHED_S) <= 0.5, `playlist lasts ${played.format.duration} s`);

    const stats = await peer.stats();
    assert.equal(stats.refused, 0, `refused: ${stats.refusals.join('; ')}`);
    assert.ok(stats.verified >= 10, `only ${stats.verified} verified requests`);
  });

  it('uploads the MP4 in 5 MiB parts; the object is the file liverec hashed, part by part', async () => {
    const mp4 = listing.find((o) => o.key.endsWith('.mp4'));
    assert.ok(mp4.size > 5 * MiB, `the MP4 (${mp4.size} bytes) must exceed one part`);
    const bytes = peer.cp(mp4.key, path.join(tmp, 'cycle.mp4'));
    assert.equal(bytes.length, mp4.size);
    const head = peer.aws(['s3api', 'head-object', '--bucket', peer.bucket, '--key', mp4.key]);
    assert.equal(head.status, 0, head.stderr);
    assert.equal(JSON.parse(head.stdout).ContentLength, mp4.size);
    // Each part's body had the SHA-256 liverec computed from its range of the MP4 file (signed,
    // and checked by the proxy): the downloaded object, cut at 5 MiB, is those parts in order,
    // so it is the file liverec uploaded, byte for byte.
    const stats = await peer.stats();
    const parts = Object.entries(stats.puts)
      .filter(([put]) => put.startsWith(`PUT ${keyUrl(`/${peer.bucket}`, mp4.key)}?partNumber=`))
      .map(([put, sha]) => [Number(/partNumber=(\d+)/.exec(put)[1]), sha]).sort((a, b) => a[0] - b[0]);
    assert.equal(parts.length, Math.ceil(mp4.size / (5 * MiB)), JSON.stringify(parts));
    for (const [n, sha] of parts) {
      assert.equal(sha256(bytes.subarray((n - 1) * 5 * MiB, n * 5 * MiB)), sha, `part ${n}`);
    }
    assert.equal(stats.puts[`PUT ${keyUrl(`/${peer.bucket}`, mp4.key)}`], undefined, 'not one single PUT');
    assert.equal(stats.completes, 1);
    assert.equal(stats.aborts, 0);
    const file = path.join(tmp, 'cycle.mp4');
    const decoded = m.decodeAll(file);
    assert.equal(decoded.status, 0, decoded.stderr);
    assert.ok(Math.abs(Number(m.ffprobe(file).format.duration) - PUSHED_S) <= 0.5);
  });

  it('gives presigned RecordUrls of the private bucket that play and expire; playlists through liverec', async () => {
    const client = popClient(server, DEFAULT_KEY, 'POST');
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const rows = m.sliceIndex(server);
    const range = { StartTime: iso(rows[0].start_ms - 60000), EndTime: iso(rows[rows.length - 1].end_ms + 60000) };
    const base = { DomainName: DOMAIN, AppName: 'live', StreamName: 's1' };
    const list = (await client.call('DescribeLiveStreamRecordIndexFiles', Object.assign({}, base, range)))
      .body.RecordIndexInfoList.RecordIndexInfo;
    assert.ok(list.length >= 1, JSON.stringify(list));
    const before = await peer.stats();
    for (const info of list) {
      if (info.OssObject.endsWith('.m3u8')) {
        // Served by liverec, which reads it at the service and presigns each segment.
        assert.ok(info.RecordUrl.startsWith(keyUrl(`${server.endpoint}/_playlists/s3.test/s3rec`, info.OssObject) +
          '?auth_key='), info.RecordUrl);
      } else {
        // Presigned at the service (SigV4 query authentication), not at the anonymous public_url.
        assert.ok(info.RecordUrl.startsWith(keyUrl(`${peer.endpoint}/${peer.bucket}`, info.OssObject) +
          '?X-Amz-Algorithm=AWS4-HMAC-SHA256&'), info.RecordUrl);
        assert.match(info.RecordUrl, /[?&]X-Amz-Expires=3600(&|$)/);
        const unsigned = await fetch(keyUrl(`${peer.endpoint}/${peer.bucket}`, info.OssObject), FRESH);
        assert.equal(unsigned.status, 403, 'the service refuses a read without the signature');
      }
      const decoded = m.decodeAll(info.RecordUrl);
      assert.equal(decoded.status, 0, `decoding ${info.RecordUrl}: ${decoded.stderr}`);
    }
    const after = await peer.stats();
    assert.ok(after.presigned > before.presigned, 'the reads went through presigned URLs the proxy verified');

    const created = (await client.call('CreateLiveStreamRecordIndexFiles', Object.assign({}, base, range, {
      OssEndpoint: 's3.test', OssBucket: 's3rec', OssObject: 'index/{AppName}/{StreamName}/whole.m3u8',
    }))).body.RecordInfo;
    assert.ok(created.RecordUrl.startsWith(`${server.endpoint}/_playlists/s3.test/s3rec/index/live/s1/whole.m3u8?auth_key=`),
      created.RecordUrl);
    assert.ok(peer.ls('index/').some((o) => o.key === 'index/live/s1/whole.m3u8'));
    const played = m.ffprobe(created.RecordUrl);
    assert.ok(Math.abs(Number(played.format.duration) - PUSHED_S) <= 0.5, `index file lasts ${played.format.duration} s`);
    const served = await (await fetch(created.RecordUrl, FRESH)).text();
    for (const line of served.split('\n').filter((l) => l && !l.startsWith('#'))) {
      assert.ok(line.startsWith(`${peer.endpoint}/${peer.bucket}/record/live/s1/`) && line.includes('X-Amz-Signature='),
        `segment presigned at the service: ${line}`);
    }
    const tampered = created.RecordUrl.replace(/auth_key=(\d+)/, (_, t) => `auth_key=${Number(t) + 1}`);
    assert.equal((await fetch(tampered, FRESH)).status, 403);
    assert.equal((await fetch(created.RecordUrl.split('?')[0], FRESH)).status, 403);
  });

  it('mints presigned URLs with `liverec url` that the service refuses once expired', async () => {
    const mp4 = peer.ls('record/').find((o) => o.key.endsWith('.mp4'));
    const url = server.signedUrl(mp4.key, { endpoint: 's3.test', bucket: 's3rec', expires: 1 });
    assert.match(url, /X-Amz-Expires=1(&|$)/);
    const res = await fetch(url, FRESH);
    assert.equal(res.status, 200, url);
    assert.equal(Number(res.headers.get('content-length')), mp4.size);
    await res.arrayBuffer();
    await sleep(2200);
    const expired = await fetch(url, FRESH);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /Request has expired/);
  });
});

describe('an S3 bucket whose secret is wrong', () => {
  let peer;
  let server;
  before(async () => {
    peer = await startS3Peer({ bucket: 'liverec-bad' });
    server = await startServer({ extraToml: m.TESTING +
      bucketToml(peer, { endpoint: 's3.test', name: 's3rec', secret: 'not-the-right-secret' }) });
    await addConfig(server, { DomainName: 'bad.example.com',
      'RecordFormat.1.Format': 'm3u8', 'RecordFormat.1.SliceDuration': 2 });
  });
  after(async () => {
    if (server) await server.stop();
    if (peer) await peer.stop();
  });

  it('is refused by the service; liverec says why and keeps the slices aside in its spool', async () => {
    const flv = m.makeTestFlv(4);
    const pushed = await m.push(flv, `rtmp://127.0.0.1:${server.rtmpPort}/live/s1?vhost=bad.example.com`).done;
    assert.equal(pushed.code, 0, pushed.stderr);
    await m.waitFor('liverec to report the refusal', () => /StorageAuthFailed/.test(server.output()), 20000, 200);
    const line = server.output().split('\n').find((l) => /StorageAuthFailed/.test(l));
    assert.match(line, /HTTP 403 SignatureDoesNotMatch/);
    assert.match(line, /bucket liverec-bad at http:\/\/127\.0\.0\.1:\d+/);

    const stats = await peer.stats();
    assert.ok(stats.refused >= 1);
    assert.equal(stats.verified, 0, 'nothing signed with the wrong secret got through');
    for (const refusal of stats.refusals) assert.match(refusal, /SignatureDoesNotMatch$/);
    assert.deepEqual(m.sliceIndex(server), [], 'nothing is indexed');
    // A refusal for good fails the recording alone; its slices are kept aside in the spool.
    assert.ok(m.listFiles(path.join(server.dataDir, 'spool', 'failed'), '.ts').length >= 1,
      'the slices are kept in spool/failed');
    assert.deepEqual(peer.ls(), [], 'the bucket stays empty');
  });
});
