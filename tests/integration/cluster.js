'use strict';
// Helpers for the cluster integration tests (PostgreSQL, docs/cluster.md): what a stream's
// recording left in the shared database (cycles, slices, files, leases), relay tasks and their
// leases, and a publish retried while another node still claims the stream. A stream is named by
// its stream name alone (the tests give each stream a name of its own). Every wait is bounded.
const m = require('./media.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The stream's record cycles, by sequence (m3u8 and MP4/FLV alike).
function cycles(server, stream) {
  return m.dbRows(server, `SELECT c.id, c.format, c.state, c.object_key, c.last_activity_ms,
    c.closed_at_ms FROM record_cycles c JOIN streams s ON s.id = c.stream_id
    WHERE s.stream_name = '${stream}' ORDER BY c.sequence`);
}

// The stream's rows in the slice index, by start.
function slices(server, stream) {
  return m.dbRows(server, `SELECT sl.start_ms, sl.end_ms, sl.object_key, sl.cycle_id,
    sl.discontinuity FROM slices sl JOIN streams s ON s.id = sl.stream_id
    WHERE s.stream_name = '${stream}' ORDER BY sl.start_ms`);
}

// The stream's MP4 files (record_files rows).
function mp4s(server, stream) {
  return m.dbRows(server, `SELECT f.object_key, f.duration_ms, f.cycle_id FROM record_files f
    JOIN streams s ON s.id = f.stream_id WHERE s.stream_name = '${stream}' AND f.format = 'mp4'`);
}

// The stream's m3u8 recordings of closed cycles (index_files rows).
function playlists(server, stream) {
  return m.dbRows(server, `SELECT i.id, i.object_key, i.duration_ms FROM index_files i
    JOIN streams s ON s.id = i.stream_id WHERE s.stream_name = '${stream}' AND i.source = 'cycle'`);
}

// The live holder of the stream's lease of `kind`, or null: 'publish' (named
// <domain>/<app>/<stream>) or 'record' (named <account id>/<stream id>).
function leaseHolder(server, kind, stream) {
  const rows = m.dbRows(server, `SELECT holder, expires_at_ms FROM leases
    WHERE kind = '${kind}' AND (name LIKE '%/${stream}' OR name IN
      (SELECT account_id || '/' || id FROM streams WHERE stream_name = '${stream}'))`);
  const live = rows.find((r) => r.holder && Number(r.expires_at_ms) > Date.now());
  return live ? live.holder : null;
}

// The holder string of node `nodeId` (its membership lease): what its stream and relay leases
// name.
function nodeHolder(server, nodeId) {
  const [row] = m.dbRows(server,
    `SELECT holder FROM leases WHERE kind = 'node' AND name = '${nodeId}'`);
  return row ? row.holder : null;
}

// The stream's cycles once all are closed: [m3u8 cycles..., mp4 cycles...] by sequence.
async function closedCycles(server, stream, timeoutMs) {
  return m.waitFor(`the cycles of ${stream} closed`, () => {
    const c = cycles(server, stream);
    return c.length > 0 && c.every((x) => x.state === 'closed') ? c : null;
  }, timeoutMs, 250);
}

// Pushes `file` to `url` (m.push with `opts`, real time by default), retrying a refused publish
// (the stream still claimed by a node that lost its publisher) for up to `retryMs`.
async function pushRetrying(file, url, retryMs, opts = { realtime: true }) {
  const until = Date.now() + retryMs;
  for (;;) {
    const started = Date.now();
    const r = await m.push(file, url, opts).done;
    if (r.code === 0 || Date.now() > until) return r;
    if (Date.now() - started > 3000) return r; // it was publishing: a real failure
    await sleep(250);
  }
}

// The node id holding each relay task's lease now (a live holder), by task id.
function relayHolders(server) {
  const held = server.dbRows("SELECT r.name AS task, n.name AS node, r.expires_at_ms AS expires " +
    "FROM leases r JOIN leases n ON n.kind = 'node' AND n.holder = r.holder " +
    "WHERE r.kind = 'relay' AND r.holder <> ''");
  const out = {};
  for (const row of held) {
    if (Number(row.expires) > Date.now()) out[row.task.split('/')[1]] = row.node;
  }
  return out;
}

// A relay task's state as its holder stored it: status, i (CurrentFileIndex), s (CurrentOffset),
// updated (ms).
function relayTask(server, id) {
  return server.dbRows('SELECT status, current_file_index AS i, current_offset_s AS s, ' +
    `updated_at_ms AS updated FROM relay_tasks WHERE id = '${id}'`)[0];
}

// A relay task's lease: holder, epoch, acquired (ms).
function relayLease(server, id) {
  return server.dbRows('SELECT holder, epoch, acquired_at_ms AS acquired FROM leases ' +
    `WHERE kind = 'relay' AND name LIKE '%/${id}'`)[0];
}

module.exports = { cycles, slices, mp4s, playlists, leaseHolder, nodeHolder, closedCycles,
  pushRetrying, relayHolders, relayTask, relayLease };
