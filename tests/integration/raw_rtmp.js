'use strict';
// A minimal raw RTMP publisher for tests that need control over what goes into each TCP write,
// which ffmpeg does not give: handshake, connect, createStream, then the caller builds the bytes
// (publish, @setDataFrame, FLV tags as RTMP messages) and writes them in as many socket writes as
// it likes. Also an FLV file reader (header + tags). No dependencies; every wait is bounded.
// Adobe RTMP specification 1.0: handshake §5.2, chunks §5.3, commands §7.2; AMF0.
const net = require('node:net');
const crypto = require('node:crypto');

const CHUNK_SIZE = 4096; // what this client announces and chunks at
const CSID = { control: 2, command: 3, audio: 4, data: 5, video: 6, publish: 8 };
const TYPE = { setChunkSize: 1, audio: 8, video: 9, dataAmf0: 18, commandAmf0: 20 };

// ---- FLV (header + tags) ----

// The tags of an FLV file: [{type (8 audio, 9 video, 18 script), timestamp (ms), data}].
function parseFlv(buf) {
  if (buf.toString('latin1', 0, 3) !== 'FLV') throw new Error('not an FLV file');
  let at = buf.readUInt32BE(5) + 4; // header, then PreviousTagSize0
  const tags = [];
  while (at + 11 <= buf.length) {
    const type = buf[at] & 0x1f;
    const size = buf.readUIntBE(at + 1, 3);
    const timestamp = buf.readUIntBE(at + 4, 3) | (buf[at + 7] << 24);
    if (at + 11 + size > buf.length) break; // a truncated last tag
    tags.push({ type, timestamp, data: buf.subarray(at + 11, at + 11 + size) });
    at += 11 + size + 4;
  }
  return tags;
}

// ---- AMF0 ----

function amfEncode(v) {
  if (v === null) return Buffer.from([0x05]);
  if (typeof v === 'number') {
    const b = Buffer.alloc(9);
    b[0] = 0x00;
    b.writeDoubleBE(v, 1);
    return b;
  }
  if (typeof v === 'boolean') return Buffer.from([0x01, v ? 1 : 0]);
  if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    const h = Buffer.alloc(3);
    h[0] = 0x02;
    h.writeUInt16BE(s.length, 1);
    return Buffer.concat([h, s]);
  }
  const parts = [Buffer.from([0x03])];
  for (const [k, val] of Object.entries(v)) {
    const key = Buffer.from(k, 'utf8');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(key.length);
    parts.push(len, key, amfEncode(val));
  }
  parts.push(Buffer.from([0, 0, 0x09]));
  return Buffer.concat(parts);
}

// Decodes the AMF0 values of a command payload (the types a server's answers use).
function amfDecodeAll(buf) {
  const values = [];
  let at = 0;
  const str = (long) => {
    const n = long ? buf.readUInt32BE(at) : buf.readUInt16BE(at);
    at += long ? 4 : 2;
    const s = buf.toString('utf8', at, at + n);
    at += n;
    return s;
  };
  const props = () => {
    const o = {};
    for (;;) {
      const key = str(false);
      if (key === '' && buf[at] === 0x09) { at += 1; return o; }
      o[key] = value();
    }
  };
  const value = () => {
    const marker = buf[at++];
    switch (marker) {
      case 0x00: at += 8; return buf.readDoubleBE(at - 8);
      case 0x01: return buf[at++] !== 0;
      case 0x02: return str(false);
      case 0x03: return props();
      case 0x05: case 0x06: return null;
      case 0x08: at += 4; return props();
      case 0x0a: {
        const n = buf.readUInt32BE(at);
        at += 4;
        return Array.from({ length: n }, value);
      }
      case 0x0c: return str(true);
      default: throw new Error(`AMF0 marker ${marker} not supported`);
    }
  };
  while (at < buf.length) values.push(value());
  return values;
}

// ---- chunks ----

// One message as chunks of CHUNK_SIZE: a type 0 header, then type 3 continuations.
function encodeMessage({ csid, type, streamId = 0, timestamp = 0, payload }) {
  const extended = timestamp >= 0xffffff;
  const ext = Buffer.alloc(extended ? 4 : 0);
  if (extended) ext.writeUInt32BE(timestamp);
  const head = Buffer.alloc(12);
  head[0] = csid; // fmt 0; csid < 64
  head.writeUIntBE(extended ? 0xffffff : timestamp, 1, 3);
  head.writeUIntBE(payload.length, 4, 3);
  head[7] = type;
  head.writeUInt32LE(streamId, 8);
  const parts = [head, ext, payload.subarray(0, CHUNK_SIZE)];
  for (let at = CHUNK_SIZE; at < payload.length; at += CHUNK_SIZE) {
    parts.push(Buffer.from([0xc0 | csid]), ext, payload.subarray(at, at + CHUNK_SIZE));
  }
  return Buffer.concat(parts);
}

function commandMessage(streamId, csid, values) {
  return encodeMessage({ csid, type: TYPE.commandAmf0, streamId,
    payload: Buffer.concat(values.map(amfEncode)) });
}

// Reassembles the server's messages from its chunks (all header types, its set chunk size).
class ChunkReader {
  constructor() {
    this.pending = Buffer.alloc(0);
    this.chunkSize = 128;
    // csid -> {timestamp, delta, length, type, streamId, extended, parts, got}
    this.streams = new Map();
  }

  // Returns the messages completed by `data`: [{type, streamId, timestamp, payload}].
  push(data) {
    this.pending = Buffer.concat([this.pending, data]);
    const out = [];
    for (;;) {
      const used = this.readChunk(out);
      if (used === 0) break;
      this.pending = this.pending.subarray(used);
    }
    return out;
  }

  readChunk(out) {
    const b = this.pending;
    if (b.length < 1) return 0;
    const fmt = b[0] >> 6;
    let csid = b[0] & 0x3f;
    let at = 1;
    if (csid < 2) {
      const size = csid === 0 ? 1 : 2;
      if (b.length < 1 + size) return 0;
      csid = 64 + b[1] + (size === 2 ? b[2] * 256 : 0);
      at += size;
    }
    const headerSize = [11, 7, 3, 0][fmt];
    if (b.length < at + headerSize) return 0;
    const s = Object.assign({ timestamp: 0, delta: 0, length: 0, type: 0, streamId: 0,
      extended: false, parts: [], got: 0 }, this.streams.get(csid));
    const fresh = s.got === 0;
    let field = null;
    if (fmt <= 2) field = b.readUIntBE(at, 3);
    if (fmt <= 1) { s.length = b.readUIntBE(at + 3, 3); s.type = b[at + 6]; }
    if (fmt === 0) s.streamId = b.readUInt32LE(at + 7);
    at += headerSize;
    if (field !== null) s.extended = field === 0xffffff;
    if (s.extended) {
      if (b.length < at + 4) return 0;
      if (field !== null) field = b.readUInt32BE(at);
      at += 4;
    }
    if (fmt === 0) { s.timestamp = field; s.delta = 0; }
    else if (field !== null) { s.delta = field; s.timestamp += field; }
    else if (fresh) s.timestamp += s.delta;
    const n = Math.min(this.chunkSize, s.length - s.got);
    if (b.length < at + n) return 0;
    s.parts = fresh ? [] : s.parts;
    s.parts.push(Buffer.from(b.subarray(at, at + n)));
    s.got += n;
    if (s.got === s.length) {
      const payload = Buffer.concat(s.parts);
      s.parts = [];
      s.got = 0;
      if (s.type === TYPE.setChunkSize) this.chunkSize = payload.readUInt32BE(0) & 0x7fffffff;
      out.push({ type: s.type, streamId: s.streamId, timestamp: s.timestamp, payload });
    }
    this.streams.set(csid, s);
    return at + n;
  }
}

// ---- the publisher ----

class RawRtmpPublisher {
  constructor(socket, timeoutMs) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    this.reader = new ChunkReader();
    this.commands = []; // the server's commands: [name, transactionId, ...args]
    this.waiters = [];
    this.closed = new Promise((resolve) => socket.once('close', resolve));
    this.error = null;
    socket.on('error', (err) => { this.error = err; this.wake(); });
    socket.on('close', () => this.wake());
  }

  // Connects, shakes hands, announces CHUNK_SIZE and sends connect(app, tcUrl); resolves once the
  // server answered it with _result.
  static async open({ host = '127.0.0.1', port, app, tcUrl, timeoutMs = 10000 }) {
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    const client = new RawRtmpPublisher(socket, timeoutMs);
    await client.handshake();
    socket.on('data', (d) => {
      for (const msg of client.reader.push(d)) {
        if (msg.type === TYPE.commandAmf0) client.commands.push(amfDecodeAll(msg.payload));
      }
      client.wake();
    });
    const chunkSize = Buffer.alloc(4);
    chunkSize.writeUInt32BE(CHUNK_SIZE);
    socket.write(Buffer.concat([
      encodeMessage({ csid: CSID.control, type: TYPE.setChunkSize, payload: chunkSize }),
      commandMessage(0, CSID.command, ['connect', 1, {
        app, type: 'nonprivate', flashVer: 'FMLE/3.0 (compatible; raw_rtmp)', tcUrl }]),
    ]));
    const answer = await client.waitCommand((c) => c[1] === 1, 'the answer to connect');
    if (answer[0] !== '_result') throw new Error(`connect refused: ${JSON.stringify(answer)}`);
    return client;
  }

  // C0+C1, then S0+S1+S2, then C2 (the echo of S1).
  async handshake() {
    const c1 = Buffer.concat([Buffer.alloc(8), crypto.randomBytes(1528)]);
    this.socket.write(Buffer.concat([Buffer.from([3]), c1]));
    let got = Buffer.alloc(0);
    await this.bounded('S0+S1+S2', new Promise((resolve, reject) => {
      const onData = (d) => {
        got = Buffer.concat([got, d]);
        if (got.length < 1 + 2 * 1536) return;
        this.socket.off('data', onData);
        resolve();
      };
      this.socket.on('data', onData);
      this.socket.once('close', () => reject(new Error('closed during the handshake')));
    }));
    if (got[0] !== 3) throw new Error(`S0 is version ${got[0]}`);
    if (got.length > 1 + 2 * 1536) throw new Error('data before C2');
    this.socket.write(got.subarray(1, 1 + 1536));
  }

  // createStream; resolves the message stream id the server made.
  async createStream() {
    this.socket.write(commandMessage(0, CSID.command, ['createStream', 2, null]));
    const answer = await this.waitCommand((c) => c[1] === 2, 'the answer to createStream');
    if (answer[0] !== '_result' || typeof answer[3] !== 'number') {
      throw new Error(`createStream refused: ${JSON.stringify(answer)}`);
    }
    return answer[3];
  }

  // The bytes of publish(name, 'live') on stream `streamId`.
  static publishBytes(streamId, name) {
    return commandMessage(streamId, CSID.publish, ['publish', 0, null, name, 'live']);
  }

  // The bytes of the FLV tags as RTMP messages on `streamId`: audio (8), video (9), and a script
  // tag (onMetaData) as @setDataFrame data (18), each with its tag's timestamp.
  static tagBytes(streamId, tags) {
    return Buffer.concat(tags.map((tag) => {
      if (tag.type === TYPE.dataAmf0) {
        const payload = Buffer.concat([amfEncode('@setDataFrame'), tag.data]);
        return encodeMessage({ csid: CSID.data, type: TYPE.dataAmf0, streamId,
          timestamp: tag.timestamp, payload });
      }
      const csid = tag.type === TYPE.audio ? CSID.audio : CSID.video;
      return encodeMessage({ csid, type: tag.type, streamId, timestamp: tag.timestamp,
        payload: tag.data });
    }));
  }

  // One socket.write; resolves once Node handed the bytes to the kernel.
  write(bytes) {
    return this.bounded('a write', new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve()));
    }));
  }

  // Resolves the info object of the first onStatus whose code is `code`; throws on another code.
  async waitStatus(code) {
    const status = await this.waitCommand((c) => c[0] === 'onStatus', `onStatus ${code}`);
    const info = status[3] || {};
    if (info.code !== code) throw new Error(`onStatus ${JSON.stringify(info)}, not ${code}`);
    return info;
  }

  // deleteStream, then the end of the connection; resolves when the socket closed.
  async close(streamId) {
    await this.write(commandMessage(0, CSID.command, ['deleteStream', 3, null, streamId]));
    this.socket.end();
    await this.bounded('the connection to close', this.closed);
  }

  destroy() { this.socket.destroy(); }

  // Takes (removes) the first command received that matches `pred`, waiting for it.
  waitCommand(pred, what) {
    return this.bounded(what, new Promise((resolve, reject) => {
      const check = () => {
        const i = this.commands.findIndex(pred);
        if (i >= 0) {
          resolve(this.commands.splice(i, 1)[0]);
        } else if (this.error || this.socket.destroyed) {
          reject(new Error(`connection lost waiting for ${what}: ${this.error || 'closed'}`));
        } else {
          return false;
        }
        return true;
      };
      if (!check()) this.waiters.push(check);
    }));
  }

  wake() { this.waiters = this.waiters.filter((check) => !check()); }

  bounded(what, promise) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(
        new Error(`timed out after ${this.timeoutMs} ms waiting for ${what}`)), this.timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

module.exports = { parseFlv, RawRtmpPublisher, amfDecodeAll, amfEncode, encodeMessage,
  ChunkReader };
