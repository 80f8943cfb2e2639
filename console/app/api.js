// Signed calls to liverec's API from the browser: the same RPC API, signature (V1, HMAC-SHA1) and
// account scoping as any SDK client (docs/api/README.md). The AccessKey secret is imported once
// as a non-extractable WebCrypto key: scripts can sign with it but never read it back, and the
// secret text itself is not kept (docs/console.md "Sign-in and safety").

const encoder = new TextEncoder();

// RFC 3986 encoding as the API signs it: encodeURIComponent plus ! ' ( ) * escaped.
export function percentEncode(text) {
  return encodeURIComponent(String(text)).replace(/[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

// The key that signs requests of the AccessKey whose secret is `secret`.
export function importSecret(secret) {
  return crypto.subtle.importKey('raw', encoder.encode(`${secret}&`),
    { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
}

// An answer of the API other than 2xx: the Alibaba error body's Code and Message.
export class ApiError extends Error {
  constructor(status, body) {
    const code = body && body.Code ? body.Code : `HTTP ${status}`;
    super(body && body.Message ? `${code}: ${body.Message}` : code);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

function isoSeconds(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function compareBytes(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Calls `action` with `params` (strings), signed with `credentials` ({keyId, key}); resolves with
// the JSON body, rejects with an ApiError (or a TypeError when the server cannot be reached).
export async function callApi(credentials, action, params = {}) {
  const all = {
    Action: action, Format: 'JSON', Version: '2016-11-01', AccessKeyId: credentials.keyId,
    SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0', Timestamp: isoSeconds(new Date()),
    SignatureNonce: crypto.randomUUID(), ...params,
  };
  const pairs = Object.keys(all).map((k) => [percentEncode(k), percentEncode(all[k])]);
  const canonical = pairs.slice().sort((x, y) => compareBytes(x[0], y[0]))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const stringToSign = `POST&${percentEncode('/')}&${percentEncode(canonical)}`;
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', credentials.key, encoder.encode(stringToSign)));
  const signature = btoa(String.fromCharCode(...mac));
  const body = `${pairs.map(([k, v]) => `${k}=${v}`).join('&')}&Signature=${percentEncode(signature)}`;
  const response = await fetch('/', {
    method: 'POST', body, cache: 'no-store', credentials: 'omit',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  let json = null;
  try {
    json = await response.json();
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}
