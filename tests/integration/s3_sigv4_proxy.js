'use strict';
// A SigV4-verifying reverse proxy for the S3 integration tests, run as its own process:
//   node s3_sigv4_proxy.js TARGET_PORT ACCESS_KEY_ID SECRET REGION [LISTEN_PORT]
// s3rver does not check SigV4 signatures (only the access key id), so every request is checked
// here first: the signature is recomputed with @smithy/signature-v4 (the AWS SDK's signer, an
// implementation independent of libcurl's) from the request as received, and the body's SHA-256
// must be the signed x-amz-content-sha256. A request that fails is answered like S3 does (403
// SignatureDoesNotMatch / InvalidAccessKeyId, 400 XAmzContentSHA256Mismatch); one that passes is
// forwarded to s3rver on 127.0.0.1:TARGET_PORT (one request at a time per connection, bodies
// buffered: fine for tests). Listens on 127.0.0.1, LISTEN_PORT or a free port, printed as
// "listening PORT". GET /__proxy/stats (unsigned) answers the counters as JSON.
// Presigned URLs (query authentication: X-Amz-Algorithm in the query) are accepted for GET and
// HEAD: the signature is recomputed with the same signer's presign from the request as received
// (403 SignatureDoesNotMatch), X-Amz-Date + X-Amz-Expires must not be past (403 AccessDenied
// "Request has expired"), and a good one is forwarded without its X-Amz-* query parameters,
// signed again in the Authorization header as the proxy's own request (s3rver would read them
// itself, and verifies no V4 signature). A request with neither form of authentication is
// refused (403 AccessDenied), as before.
const http = require('node:http');
const crypto = require('node:crypto');
const path = require('node:path');
const { createRequire } = require('node:module');

const requireConf = createRequire(path.join(__dirname, '..', 'conformance', 'package.json'));
const { SignatureV4 } = requireConf('@smithy/signature-v4');
const { Hash } = requireConf('@smithy/hash-node');

const [targetPort, accessKeyId, secretAccessKey, region, listenPort] = process.argv.slice(2);
const signer = new SignatureV4({
  credentials: { accessKeyId, secretAccessKey },
  region,
  service: 's3',
  sha256: Hash.bind(null, 'sha256'),
  uriEscapePath: false, // S3: the path is signed as sent (already encoded once)
  applyChecksum: true,
});

// puts: "PUT <target>" -> SHA-256 of the verified body (objects and parts), for the tests to
// compare with what they download.
// presigned / presignedRefused: the query-authenticated requests among verified / refused.
const stats = {
  verified: 0, refused: 0, refusals: [], uploadParts: 0, completes: 0, aborts: 0, puts: {},
  presigned: 0, presignedRefused: 0,
};

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

function parseAuth(header) {
  const m = AUTH_RE.exec(header || '');
  if (!m) return null;
  return { keyId: m[1], date: m[2], region: m[3], service: m[4], signedHeaders: m[5], signature: m[6] };
}

function amzDate(text) {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(text || '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : null;
}

const refuse = (status, code, message) => ({ status, code, message });

// %XX-decoded; a malformed escape is kept as it is (and then fails the signature check).
function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// The query of a request target: [{raw, name, value}] in order, name and value decoded.
function parseQuery(url) {
  const q = url.indexOf('?');
  if (q < 0) return [];
  return url.slice(q + 1).split('&').filter((part) => part).map((raw) => {
    const eq = raw.indexOf('=');
    return {
      raw,
      name: decode(eq < 0 ? raw : raw.slice(0, eq)),
      value: eq < 0 ? '' : decode(raw.slice(eq + 1)),
    };
  });
}

const isPresigned = (req) => parseQuery(req.url).some((p) => p.name === 'X-Amz-Algorithm');

// Query authentication, as S3 checks it: null when the URL is signed right and not expired;
// else {status, code, message}.
async function verifyPresigned(req) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return refuse(403, 'AccessDenied', 'The proxy accepts presigned URLs for GET and HEAD only.');
  }
  if ('authorization' in req.headers) {
    return refuse(400, 'InvalidArgument', 'Only one auth mechanism allowed: the X-Amz-Algorithm query parameter or the Authorization header.');
  }
  const params = parseQuery(req.url);
  const get = (name) => {
    const found = params.filter((p) => p.name === name);
    return found.length === 1 ? found[0].value : undefined;
  };
  if (get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
    return refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(get('X-Amz-Credential') || '');
  const dateText = get('X-Amz-Date');
  const date = amzDate(dateText);
  const expiresText = get('X-Amz-Expires');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const signature = get('X-Amz-Signature');
  if (!credential || !date || !/^\d{1,6}$/.test(expiresText || '') || !signedHeaders || !signature) {
    return refuse(400, 'AuthorizationQueryParametersError',
      'X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature are required, once each.');
  }
  const expiresIn = Number(expiresText);
  if (expiresIn < 1 || expiresIn > 604800) {
    return refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be from 1 to 604800 seconds.');
  }
  if (credential[1] !== accessKeyId) {
    return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  if (credential[3] !== region || credential[4] !== 's3') {
    return refuse(400, 'AuthorizationQueryParametersError', `The credential scope must be ${region}/s3.`);
  }
  if (!dateText.startsWith(credential[2])) {
    return refuse(403, 'SignatureDoesNotMatch', 'X-Amz-Date is not of the credential scope.');
  }
  const signed = signedHeaders.split(';');
  const headers = {};
  for (const name of signed) {
    if (!(name in req.headers)) return refuse(403, 'SignatureDoesNotMatch', `Signed header ${name} was not sent.`);
    headers[name] = req.headers[name];
  }
  // S3's presigned payload is UNSIGNED-PAYLOAD: given to the signer as the header it reads the
  // payload hash from, neither signed nor moved into the query.
  const unsigned = !signed.includes('x-amz-content-sha256');
  if (unsigned) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  // Every other query parameter is signed as received; presign writes the X-Amz-* ones itself
  // (the credential from the proxy's own key id, the date and expiry from those received).
  const query = {};
  for (const p of params) {
    if (p.name === 'X-Amz-Signature') continue;
    if (p.name in query) query[p.name] = [].concat(query[p.name], p.value);
    else query[p.name] = p.value;
  }
  const q = req.url.indexOf('?');
  const request = {
    method: req.method, protocol: 'http:', hostname: (req.headers.host || '').split(':')[0],
    path: q >= 0 ? req.url.slice(0, q) : req.url, query, headers,
  };
  const expected = await signer.presign(request, {
    signingDate: date, expiresIn, signableHeaders: new Set(signed),
    unhoistableHeaders: new Set([...signed, 'x-amz-content-sha256']),
    unsignableHeaders: unsigned ? new Set(['x-amz-content-sha256']) : undefined,
  });
  if (expected.query['X-Amz-Signature'] !== signature || expected.query['X-Amz-SignedHeaders'] !== signedHeaders) {
    return refuse(403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  if (date.getTime() + expiresIn * 1000 < Date.now()) {
    return refuse(403, 'AccessDenied', 'Request has expired');
  }
  return null;
}

// A verified presigned request as the proxy sends it on: the target without the X-Amz-* query
// parameters, the client's headers with the proxy's own header signature.
async function forwardPresigned(req) {
  const q = req.url.indexOf('?');
  const path = q >= 0 ? req.url.slice(0, q) : req.url;
  const kept = parseQuery(req.url).filter((p) => !p.name.toLowerCase().startsWith('x-amz-'));
  const query = {};
  for (const p of kept) query[p.name] = p.value;
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name !== 'authorization' && !name.startsWith('x-amz-')) headers[name] = value;
  }
  headers.host = `127.0.0.1:${targetPort}`;
  headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  const signedRequest = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: '127.0.0.1', port: Number(targetPort), path, query, headers });
  return { path: kept.length ? `${path}?${kept.map((p) => p.raw).join('&')}` : path, headers: signedRequest.headers };
}

// null when the request is signed right; else {status, code, message}.
async function verify(req, body) {
  if (isPresigned(req)) return verifyPresigned(req);
  const auth = parseAuth(req.headers.authorization);
  if (!auth) return refuse(403, 'AccessDenied', 'Only AWS4-HMAC-SHA256 signed requests are accepted.');
  if (auth.keyId !== accessKeyId) {
    return refuse(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  if (auth.region !== region || auth.service !== 's3') {
    return refuse(400, 'AuthorizationHeaderMalformed', `The credential scope must be ${region}/s3.`);
  }
  const date = amzDate(req.headers['x-amz-date']);
  if (!date || !req.headers['x-amz-date'].startsWith(auth.date)) {
    return refuse(403, 'SignatureDoesNotMatch', 'x-amz-date is missing or not of the credential scope.');
  }
  const payload = req.headers['x-amz-content-sha256'];
  if (!payload) return refuse(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  if (payload !== 'UNSIGNED-PAYLOAD' && payload !== crypto.createHash('sha256').update(body).digest('hex')) {
    return refuse(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  }
  const signed = auth.signedHeaders.split(';');
  const headers = {};
  for (const name of signed) {
    if (!(name in req.headers)) return refuse(403, 'SignatureDoesNotMatch', `Signed header ${name} was not sent.`);
    headers[name] = req.headers[name];
  }
  const q = req.url.indexOf('?');
  const query = {};
  for (const p of parseQuery(req.url)) query[p.name] = p.value;
  const request = {
    method: req.method, protocol: 'http:', hostname: (req.headers.host || '').split(':')[0],
    path: q >= 0 ? req.url.slice(0, q) : req.url, query, headers, body,
  };
  const expected = parseAuth((await signer.sign(request, { signingDate: date, signableHeaders: new Set(signed) }))
    .headers.authorization);
  if (!expected || expected.signature !== auth.signature || expected.signedHeaders !== auth.signedHeaders) {
    return refuse(403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return null;
}

function errorXml(code, message, id) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
    `<RequestId>proxy-${id}</RequestId></Error>`;
}

let requestNumber = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const id = ++requestNumber;
    if (req.url === '/__proxy/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(stats));
      return;
    }
    const body = Buffer.concat(chunks);
    const presigned = isPresigned(req);
    let refusal;
    let forward = { path: req.url, headers: req.headers };
    try {
      refusal = await verify(req, body);
      if (!refusal && presigned) forward = await forwardPresigned(req);
    } catch (e) {
      refusal = { status: 500, code: 'InternalError', message: `proxy: ${e.message}` };
    }
    if (refusal) {
      stats.refused += 1;
      if (presigned) stats.presignedRefused += 1;
      stats.refusals.push(`${req.method} ${req.url}: ${refusal.code}`);
      const xml = errorXml(refusal.code, refusal.message, id);
      res.writeHead(refusal.status, { 'Content-Type': 'application/xml', 'x-amz-request-id': `proxy-${id}` });
      res.end(req.method === 'HEAD' ? undefined : xml);
      return;
    }
    stats.verified += 1;
    if (presigned) stats.presigned += 1;
    if (req.method === 'PUT') stats.puts[`PUT ${req.url}`] = req.headers['x-amz-content-sha256'];
    if (req.method === 'PUT' && /[?&]partNumber=/.test(req.url)) stats.uploadParts += 1;
    if (req.method === 'POST' && /[?&]uploadId=/.test(req.url)) stats.completes += 1;
    if (req.method === 'DELETE' && /[?&]uploadId=/.test(req.url)) stats.aborts += 1;
    const headers = Object.assign({}, forward.headers, { host: `127.0.0.1:${targetPort}`, 'content-length': body.length });
    delete headers.expect;
    delete headers['transfer-encoding'];
    const upstream = http.request({ host: '127.0.0.1', port: Number(targetPort), method: req.method, path: forward.path, headers },
      (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
    upstream.on('error', (e) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`proxy: s3rver: ${e.message}`);
    });
    upstream.end(body);
  });
});
server.keepAliveTimeout = 5000;
server.listen(Number(listenPort || 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
