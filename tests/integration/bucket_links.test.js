'use strict';
// The bucket file server follows no symbolic link (docs/object-keys.md): links planted in a
// bucket's directory answer 404, while real files are served whole and by range. The bucket is
// private (the default): every request here carries a valid token (server.signedUrl), so that a
// 404 is the link refused, not the request unsigned (that is 403: private_buckets.test.js).
const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('../conformance/harness.js');

describe('bucket files and symbolic links', () => {
  let server;
  let bucket;
  const body = Buffer.alloc(20000, 7);

  before(async () => {
    server = await startServer();
    bucket = path.join(server.dataDir, 'buckets', 'records');
    fs.mkdirSync(path.join(bucket, 'live', 's1'), { recursive: true });
    fs.writeFileSync(path.join(bucket, 'live', 's1', '0.ts'), body);
    fs.writeFileSync(path.join(server.tmp, 'credentials.json'), '{"secret":true}');
    fs.mkdirSync(path.join(server.tmp, 'outside'));
    fs.writeFileSync(path.join(server.tmp, 'outside', 'liverec.db'), 'secret');
    fs.symlinkSync(path.join(server.tmp, 'credentials.json'), path.join(bucket, 'creds.ts'));
    fs.symlinkSync(path.join(server.tmp, 'outside'), path.join(bucket, 'dir'));
    fs.symlinkSync('/etc/passwd', path.join(bucket, 'live', 'passwd.ts'));
    fs.symlinkSync(path.join(bucket, 'live', 's1', '0.ts'), path.join(bucket, 'live', 'in.ts'));
  });
  after(async () => { if (server) await server.stop(); });

  it('serves a real file whole and by range', async () => {
    const url = server.signedUrl('live/s1/0.ts');
    let res = await fetch(url);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), body);
    res = await fetch(url, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(body.length));
    res = await fetch(url, { headers: { Range: 'bytes=10-19' } });
    assert.equal(res.status, 206);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), body.subarray(10, 20));
  });

  it('answers 404 for every planted link, with no hint, even with a valid token', async () => {
    for (const key of ['creds.ts', 'dir/liverec.db', 'live/passwd.ts', 'live/in.ts']) {
      const url = server.signedUrl(key);
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(url, { method });
        const text = await res.text();
        assert.equal(res.status, 404, `${method} ${url}`);
        assert.ok(!text.includes('secret') && !text.includes('root:'), `${method} ${url}: ${text}`);
      }
    }
  });
});

