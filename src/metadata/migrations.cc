#include "metadata/migrations.h"

#include <fmt/format.h>

namespace liverec::metadata {
namespace {

// Conventions: every tenant-owned table has account_id first in its key and indexes; times are
// BIGINT UTC milliseconds (suffix _ms), durations INTEGER seconds (suffix _s); ids are TEXT
// UUIDv7 made by the application (unique across nodes, ordered by creation).
constexpr std::string_view kInitialSchema = R"sql(
CREATE TABLE accounts (
  id            TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  created_at_ms BIGINT NOT NULL
);

CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  secret        TEXT NOT NULL,
  enabled       INTEGER NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX access_keys_by_account ON access_keys (account_id, created_at_ms);

CREATE TABLE domains (
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  domain_name   TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, domain_name)
);
CREATE UNIQUE INDEX domains_by_name ON domains (domain_name);

CREATE TABLE domain_aliases (
  account_id  TEXT NOT NULL,
  alias       TEXT NOT NULL,
  domain_name TEXT NOT NULL,
  PRIMARY KEY (account_id, alias),
  FOREIGN KEY (account_id, domain_name) REFERENCES domains (account_id, domain_name) ON DELETE CASCADE
);
CREATE UNIQUE INDEX domain_aliases_by_alias ON domain_aliases (alias);

CREATE TABLE buckets (
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  endpoint      TEXT NOT NULL,
  bucket_name   TEXT NOT NULL,
  backend       TEXT NOT NULL,
  location      TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, endpoint, bucket_name)
);
CREATE UNIQUE INDEX buckets_by_name ON buckets (endpoint, bucket_name);

CREATE TABLE record_configs (
  account_id    TEXT NOT NULL REFERENCES accounts(id),
  id            TEXT NOT NULL,
  domain_name   TEXT NOT NULL,
  app_name      TEXT NOT NULL,
  stream_name   TEXT NOT NULL,
  oss_endpoint  TEXT NOT NULL,
  oss_bucket    TEXT NOT NULL,
  on_demand     INTEGER NOT NULL,
  delay_time_s  INTEGER NOT NULL,
  start_time_ms BIGINT,
  end_time_ms   BIGINT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX record_configs_by_triplet
  ON record_configs (account_id, domain_name, app_name, stream_name);
CREATE INDEX record_configs_by_creation ON record_configs (account_id, domain_name, id);

CREATE TABLE record_formats (
  account_id              TEXT NOT NULL,
  config_id               TEXT NOT NULL,
  transcoded              INTEGER NOT NULL,
  position                INTEGER NOT NULL,
  format                  TEXT NOT NULL,
  oss_object_prefix       TEXT NOT NULL,
  slice_oss_object_prefix TEXT NOT NULL,
  cycle_duration_s        INTEGER NOT NULL,
  slice_duration_s        INTEGER NOT NULL,
  PRIMARY KEY (account_id, config_id, transcoded, position),
  FOREIGN KEY (account_id, config_id) REFERENCES record_configs (account_id, id) ON DELETE CASCADE
);

CREATE TABLE record_transcode_templates (
  account_id  TEXT NOT NULL,
  config_id   TEXT NOT NULL,
  position    INTEGER NOT NULL,
  template_id TEXT NOT NULL,
  PRIMARY KEY (account_id, config_id, position),
  FOREIGN KEY (account_id, config_id) REFERENCES record_configs (account_id, id) ON DELETE CASCADE
);
)sql";

// Recording: streams ever seen (with their never-reused {Sequence} counters), cycles (one per
// recording file being built, with a snapshot of the config it started with), and the slice
// index. record_cycles_by_state is node-wide maintenance (closing cycles past DelayTime), the
// one index not led by account_id.
constexpr std::string_view kRecordingSchema = R"sql(
CREATE TABLE streams (
  account_id           TEXT NOT NULL REFERENCES accounts(id),
  id                   TEXT NOT NULL,
  domain_name          TEXT NOT NULL,
  app_name             TEXT NOT NULL,
  stream_name          TEXT NOT NULL,
  first_seen_ms        BIGINT NOT NULL,
  last_publish_ms      BIGINT NOT NULL,
  next_slice_sequence  BIGINT NOT NULL,
  next_cycle_sequence  BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX streams_by_name ON streams (account_id, domain_name, app_name, stream_name);

CREATE TABLE record_cycles (
  account_id       TEXT NOT NULL,
  id               TEXT NOT NULL,
  stream_id        TEXT NOT NULL,
  config_id        TEXT NOT NULL,
  format           TEXT NOT NULL,
  sequence         BIGINT NOT NULL,
  config_json      TEXT NOT NULL,
  state            TEXT NOT NULL,
  live             INTEGER NOT NULL,
  start_ms         BIGINT,
  end_ms           BIGINT,
  last_activity_ms BIGINT NOT NULL,
  object_key       TEXT,
  closed_at_ms     BIGINT,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, stream_id) REFERENCES streams (account_id, id)
);
CREATE INDEX record_cycles_by_stream ON record_cycles (account_id, stream_id, state);
CREATE INDEX record_cycles_by_state ON record_cycles (state, last_activity_ms);

CREATE TABLE slices (
  account_id    TEXT NOT NULL,
  stream_id     TEXT NOT NULL,
  start_ms      BIGINT NOT NULL,
  end_ms        BIGINT NOT NULL,
  duration_ms   BIGINT NOT NULL,
  bytes         BIGINT NOT NULL,
  endpoint      TEXT NOT NULL,
  bucket        TEXT NOT NULL,
  object_key    TEXT NOT NULL,
  video_codec   TEXT NOT NULL,
  audio_codec   TEXT NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  sequence      BIGINT NOT NULL,
  cycle_id      TEXT,
  discontinuity INTEGER NOT NULL,
  PRIMARY KEY (account_id, stream_id, start_ms),
  FOREIGN KEY (account_id, stream_id) REFERENCES streams (account_id, id)
);
CREATE INDEX slices_by_cycle ON slices (account_id, cycle_id, start_ms);
)sql";

// Index files: M3U8 playlists made by CreateLiveStreamRecordIndexFiles and those of closed
// record cycles. index_files_by_creation serves the retention job across accounts.
constexpr std::string_view kIndexFileSchema = R"sql(
CREATE TABLE index_files (
  account_id    TEXT NOT NULL,
  id            TEXT NOT NULL,
  stream_id     TEXT NOT NULL,
  source        TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  bucket        TEXT NOT NULL,
  object_key    TEXT NOT NULL,
  format        TEXT NOT NULL,
  start_ms      BIGINT NOT NULL,
  end_ms        BIGINT NOT NULL,
  duration_ms   BIGINT NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, stream_id) REFERENCES streams (account_id, id)
);
CREATE INDEX index_files_by_stream ON index_files (account_id, stream_id, start_ms);
CREATE INDEX index_files_by_creation ON index_files (created_at_ms);
CREATE INDEX slices_by_age ON slices (start_ms);
)sql";

// The slice index clustered on its key. In SQLite a rowid table keeps the rows in insertion
// order, i.e. the slices of all streams interleaved by time, and a range query walks the key
// index and then searches the table once per slice. WITHOUT ROWID stores each stream's slices
// contiguously in (account, stream, start) order, so a range is one sequential leaf walk.
// PostgreSQL has no clustered tables; there a covering index serves the content query.
constexpr std::string_view kClusteredSlicesPortable = R"sql(
CREATE INDEX slices_content ON slices (account_id, stream_id, start_ms)
  INCLUDE (end_ms, duration_ms, endpoint, bucket, cycle_id);
)sql";

constexpr std::string_view kClusteredSlicesSqlite = R"sql(
CREATE TABLE slices_clustered (
  account_id    TEXT NOT NULL,
  stream_id     TEXT NOT NULL,
  start_ms      BIGINT NOT NULL,
  end_ms        BIGINT NOT NULL,
  duration_ms   BIGINT NOT NULL,
  bytes         BIGINT NOT NULL,
  endpoint      TEXT NOT NULL,
  bucket        TEXT NOT NULL,
  object_key    TEXT NOT NULL,
  video_codec   TEXT NOT NULL,
  audio_codec   TEXT NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  sequence      BIGINT NOT NULL,
  cycle_id      TEXT,
  discontinuity INTEGER NOT NULL,
  PRIMARY KEY (account_id, stream_id, start_ms),
  FOREIGN KEY (account_id, stream_id) REFERENCES streams (account_id, id)
) WITHOUT ROWID;
INSERT INTO slices_clustered
  SELECT account_id, stream_id, start_ms, end_ms, duration_ms, bytes, endpoint, bucket,
         object_key, video_codec, audio_codec, width, height, sequence, cycle_id, discontinuity
  FROM slices ORDER BY account_id, stream_id, start_ms;
DROP TABLE slices;
ALTER TABLE slices_clustered RENAME TO slices;
CREATE INDEX slices_by_cycle ON slices (account_id, cycle_id, start_ms);
CREATE INDEX slices_by_age ON slices (start_ms);
)sql";

// Recording callbacks (docs/callbacks.md): one notify config per domain, and the callback outbox —
// every event to deliver, with its delivery state; it doubles as the delivery history that
// DescribeLiveRecordNotifyRecords shows. callback_outbox_due is node-wide (the deliverer picks
// due events of every account), the one index not led by account_id.
constexpr std::string_view kCallbackSchema = R"sql(
CREATE TABLE notify_configs (
  account_id         TEXT NOT NULL REFERENCES accounts(id),
  domain_name        TEXT NOT NULL,
  notify_url         TEXT NOT NULL,
  on_demand_url      TEXT NOT NULL,
  need_status_notify INTEGER NOT NULL,
  notify_req_auth    INTEGER NOT NULL,
  notify_auth_key    TEXT NOT NULL,
  created_at_ms      BIGINT NOT NULL,
  updated_at_ms      BIGINT NOT NULL,
  PRIMARY KEY (account_id, domain_name)
);

CREATE TABLE callback_outbox (
  account_id       TEXT NOT NULL,
  id               TEXT NOT NULL,
  domain_name      TEXT NOT NULL,
  app_name         TEXT NOT NULL,
  stream_name      TEXT NOT NULL,
  kind             TEXT NOT NULL,
  url              TEXT NOT NULL,
  method           TEXT NOT NULL,
  body             TEXT NOT NULL,
  sign_key         TEXT NOT NULL,
  state            TEXT NOT NULL,
  attempts         INTEGER NOT NULL,
  next_attempt_ms  BIGINT NOT NULL,
  last_attempt_ms  BIGINT,
  last_status      INTEGER NOT NULL,
  last_error       TEXT NOT NULL,
  last_headers     TEXT NOT NULL,
  last_response    TEXT NOT NULL,
  created_at_ms    BIGINT NOT NULL,
  delivered_at_ms  BIGINT,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX callback_outbox_due ON callback_outbox (state, next_attempt_ms);
CREATE INDEX callback_outbox_by_domain ON callback_outbox (account_id, domain_name, last_attempt_ms);
)sql";

// MP4/FLV recording (docs/recording.md): the spool slices each open MP4/FLV cycle will compose
// (held_slices; a slice shared by several cycles has one row per cycle, and its spool file is
// deleted when its last row goes), and the MP4/FLV files stored (record_files; kept apart from
// index_files, which lists m3u8 playlists only). Cycles already have a format column.
constexpr std::string_view kComposedFilesSchema = R"sql(
CREATE TABLE held_slices (
  account_id    TEXT NOT NULL,
  cycle_id      TEXT NOT NULL,
  slice_id      TEXT NOT NULL,
  stream_id     TEXT NOT NULL,
  start_ms      BIGINT NOT NULL,
  end_ms        BIGINT NOT NULL,
  video_codec   TEXT NOT NULL,
  audio_codec   TEXT NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  resumed       INTEGER NOT NULL,
  torn          INTEGER NOT NULL,
  PRIMARY KEY (account_id, cycle_id, slice_id)
);
CREATE INDEX held_slices_by_slice ON held_slices (account_id, slice_id);
CREATE INDEX held_slices_by_stream ON held_slices (account_id, stream_id, end_ms);

CREATE TABLE record_files (
  account_id    TEXT NOT NULL,
  id            TEXT NOT NULL,
  stream_id     TEXT NOT NULL,
  cycle_id      TEXT NOT NULL,
  part          INTEGER NOT NULL,
  first_slice   INTEGER NOT NULL,
  slice_count   INTEGER NOT NULL,
  format        TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  bucket        TEXT NOT NULL,
  object_key    TEXT NOT NULL,
  start_ms      BIGINT NOT NULL,
  end_ms        BIGINT NOT NULL,
  duration_ms   BIGINT NOT NULL,
  width         INTEGER NOT NULL,
  height        INTEGER NOT NULL,
  bytes         BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX record_files_by_cycle ON record_files (account_id, cycle_id, part);
CREATE INDEX record_files_by_stream ON record_files (account_id, stream_id, start_ms);
)sql";

// The content query (DescribeLiveStreamRecordContent) reads five narrow columns of every slice in
// its range; on SQLite the clustered table's rows are ~300 bytes, so a covering index of ~110
// bytes per slice walks a third of the pages (docs/benchmarks.md, P7). On PostgreSQL the
// covering index of migration 4 served it (migration 12: the primary key's).
constexpr std::string_view kSliceSpansPortable = "SELECT 1;";
constexpr std::string_view kSliceSpansSqlite = R"sql(
CREATE INDEX slices_spans ON slices (account_id, stream_id, start_ms, end_ms, duration_ms,
                                     endpoint, bucket);
)sql";

// Stream publish/unpublish callbacks (docs/api/streams.md): one config per (account, ingest
// domain), and two outbox columns for GET deliveries: the query string sent after the URL, and
// the name signed in ALI-LIVE-SIGNATURE ('' = the URL's host, as recording callbacks sign).
constexpr std::string_view kStreamsNotifySchema = R"sql(
CREATE TABLE streams_notify_configs (
  account_id           TEXT NOT NULL REFERENCES accounts(id),
  domain_name          TEXT NOT NULL,
  notify_url           TEXT NOT NULL,
  notify_req_auth      INTEGER NOT NULL,
  notify_auth_key      TEXT NOT NULL,
  exception_notify_url TEXT NOT NULL,
  switch_notify_url    TEXT NOT NULL,
  created_at_ms        BIGINT NOT NULL,
  updated_at_ms        BIGINT NOT NULL,
  PRIMARY KEY (account_id, domain_name)
);

ALTER TABLE callback_outbox ADD COLUMN query_string TEXT NOT NULL DEFAULT '';
ALTER TABLE callback_outbox ADD COLUMN sign_host TEXT NOT NULL DEFAULT '';
)sql";

// Pull-to-push relay tasks (docs/api/relay.md): TaskInfo, the scheduler's state and progress.
// source_urls is a JSON array of strings. DstUrl uniqueness among an account's live tasks is
// checked in the insert transaction (liveness depends on the time, which an index cannot
// express); relay_tasks_by_dst serves that check, relay_tasks_by_end the purge of ended tasks.
constexpr std::string_view kRelayTasksSchema = R"sql(
CREATE TABLE relay_tasks (
  account_id         TEXT NOT NULL REFERENCES accounts(id),
  id                 TEXT NOT NULL,
  region             TEXT NOT NULL,
  task_name          TEXT NOT NULL,
  start_time_ms      BIGINT NOT NULL,
  end_time_ms        BIGINT NOT NULL,
  source_type        TEXT NOT NULL,
  source_protocol    TEXT NOT NULL,
  source_urls        TEXT NOT NULL,
  dst_url            TEXT NOT NULL,
  callback_url       TEXT NOT NULL,
  repeat_number      INTEGER NOT NULL,
  offset_s           BIGINT NOT NULL,
  file_index         INTEGER NOT NULL,
  retry_count        INTEGER NOT NULL,
  retry_interval_s   INTEGER NOT NULL,
  status             INTEGER NOT NULL,
  invalid_reason     TEXT NOT NULL,
  exit_time_ms       BIGINT NOT NULL,
  exit_reason        TEXT NOT NULL,
  current_file_index INTEGER NOT NULL,
  current_offset_s   BIGINT NOT NULL,
  remaining_repeats  INTEGER NOT NULL,
  retries_used       INTEGER NOT NULL,
  next_attempt_ms    BIGINT NOT NULL,
  restarts           INTEGER NOT NULL,
  revision           INTEGER NOT NULL,
  created_at_ms      BIGINT NOT NULL,
  updated_at_ms      BIGINT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX relay_tasks_by_dst ON relay_tasks (account_id, dst_url);
CREATE INDEX relay_tasks_by_end ON relay_tasks (end_time_ms);
)sql";

// Each recording file's file_created callback, made crash-proof (docs/callbacks.md): a file row
// is written unannounced (0) and marked once its event is in callback_outbox; at start every
// unannounced row is announced again (its event id is derived from the row, so the outbox keeps
// one). Rows from before count as announced. The partial indexes hold only the few unannounced
// rows, so the scan at start costs nothing.
constexpr std::string_view kAnnouncedFilesSchema = R"sql(
ALTER TABLE index_files ADD COLUMN announced INTEGER NOT NULL DEFAULT 1;
ALTER TABLE record_files ADD COLUMN announced INTEGER NOT NULL DEFAULT 1;
CREATE INDEX index_files_unannounced ON index_files (account_id, id) WHERE announced = 0;
CREATE INDEX record_files_unannounced ON record_files (account_id, id) WHERE announced = 0;
)sql";

// Replay protection shared by the nodes of a cluster (NonceRepository): one row per accepted
// signature nonce, keyed by a hash of (AccessKeyId, nonce), with the minute of the request's
// timestamp; rows are deleted once a replay would fail the timestamp check anyway. The one row of
// signature_nonce_floor (made by the first node that needs it, never by the migration, so that a
// migrated database stays empty for `liverec db copy`) refuses requests stamped before it once
// the table went over its cap. Only PostgreSQL installations write these tables.
constexpr std::string_view kSignatureNonceSchema = R"sql(
CREATE TABLE signature_nonces (
  nonce_hash TEXT PRIMARY KEY,
  minute_ms  BIGINT NOT NULL
);
CREATE INDEX signature_nonces_by_minute ON signature_nonces (minute_ms);
CREATE TABLE signature_nonce_floor (
  id       INTEGER PRIMARY KEY,  -- always 1
  floor_ms BIGINT NOT NULL
);
)sql";

// PostgreSQL keeps a table's rows in insertion order: the slices of all streams interleaved by
// time, so a 4-day playlist (11 520 slices) visits one heap page per slice — 90 MB of 8 kB pages
// per request on a 100-stream index, more than shared_buffers holds (docs/benchmarks.md, P6 on
// PostgreSQL). The primary key's index carries every other column instead (INCLUDE), so every
// range query over a stream is an index-only scan of contiguous index pages — what SQLite's
// WITHOUT ROWID table gives (migration 4) — and slices_content, now a narrower copy of it, goes.
// Index tuples stay far below the B-tree limit (~2.7 kB): object keys are at most 255 bytes.
constexpr std::string_view kCoveringSliceKeyPostgres = R"sql(
ALTER TABLE slices DROP CONSTRAINT slices_pkey;
ALTER TABLE slices ADD CONSTRAINT slices_pkey PRIMARY KEY (account_id, stream_id, start_ms)
  INCLUDE (end_ms, duration_ms, bytes, endpoint, bucket, object_key, video_codec, audio_codec,
           width, height, sequence, cycle_id, discontinuity);
DROP INDEX slices_content;
)sql";
constexpr std::string_view kCoveringSliceKeySqlite = "SELECT 1;";

// Cluster mode (docs/cluster.md). `leases`: named leases with fencing epochs (LeaseRepository);
// holder '' = free. `nodes`: each node's registration and load, written at start and at every
// heartbeat (NodeRepository); a node is live while its lease ('node', node_id) is.
constexpr std::string_view kClusterSchema = R"sql(
CREATE TABLE leases (
  kind           TEXT NOT NULL,
  name           TEXT NOT NULL,
  holder         TEXT NOT NULL,
  epoch          BIGINT NOT NULL,
  expires_at_ms  BIGINT NOT NULL,
  acquired_at_ms BIGINT NOT NULL,
  renewed_at_ms  BIGINT NOT NULL,
  PRIMARY KEY (kind, name)
);

CREATE TABLE nodes (
  node_id         TEXT PRIMARY KEY,
  advertise_http  TEXT NOT NULL,
  advertise_rtmp  TEXT NOT NULL,
  version         TEXT NOT NULL,
  started_at_ms   BIGINT NOT NULL,
  heartbeat_at_ms BIGINT NOT NULL,
  live_streams    BIGINT NOT NULL,
  relays_running  BIGINT NOT NULL
);
)sql";

// Commands reach the owner (docs/cluster.md "Live streams and commands across nodes").
// `online_streams`: one row per stream live on a node, written by that node
// (OnlineStreamRepository) with its membership holder; a row counts only while that holder holds
// the node's lease. `stream_commands`: a command for a stream live on another node
// (StreamCommandRepository): the target node claims it, runs it and writes its result; purged after
// a while.
// A node renews all its leases of a kind in one statement (LeaseRepository::RenewAllOf):
// found by holder, not by scanning every lease of the kind.
constexpr std::string_view kLeaseHolderIndex = R"sql(
CREATE INDEX leases_by_holder ON leases (kind, holder);
)sql";

// In a cluster, what a node is about to store for a slice (docs/cluster.md "Slices caught by a
// node's death"): written before the slice's objects, deleted once they are indexed, so that the
// node that takes the stream over indexes what a dead node stored but could not index.
constexpr std::string_view kSliceIntentsSchema = R"sql(
CREATE TABLE slice_intents (
  account_id      TEXT NOT NULL,
  stream_id       TEXT NOT NULL,
  slice_id        TEXT NOT NULL,
  start_ms        BIGINT NOT NULL,
  end_ms          BIGINT NOT NULL,
  endpoint        TEXT NOT NULL,
  bucket          TEXT NOT NULL,
  key_base        TEXT NOT NULL,
  video_codec     TEXT NOT NULL,
  audio_codec     TEXT NOT NULL,
  width           INTEGER NOT NULL,
  height          INTEGER NOT NULL,
  sequence        BIGINT NOT NULL,
  m3u8_cycle_id   TEXT NOT NULL,
  discontinuity   INTEGER NOT NULL,
  held_cycle_ids  TEXT NOT NULL,
  resumed         INTEGER NOT NULL,
  torn            INTEGER NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  PRIMARY KEY (account_id, stream_id, slice_id)
);
)sql";

constexpr std::string_view kStreamCommandsSchema = R"sql(
CREATE TABLE online_streams (
  account_id      TEXT NOT NULL,
  domain_name     TEXT NOT NULL,
  app_name        TEXT NOT NULL,
  stream_name     TEXT NOT NULL,
  node_id         TEXT NOT NULL,
  holder          TEXT NOT NULL,
  ingest_domain   TEXT NOT NULL,
  client_ip       TEXT NOT NULL,
  server_ip       TEXT NOT NULL,
  publish_time_ms BIGINT NOT NULL,
  video_codec     TEXT NOT NULL,
  audio_codec     TEXT NOT NULL,
  width           INTEGER NOT NULL,
  height          INTEGER NOT NULL,
  frame_rate      INTEGER NOT NULL,
  video_kbps      INTEGER NOT NULL,
  audio_kbps      INTEGER NOT NULL,
  updated_at_ms   BIGINT NOT NULL,
  PRIMARY KEY (account_id, domain_name, app_name, stream_name, node_id)
);
CREATE INDEX online_streams_by_node ON online_streams (node_id, holder);

CREATE TABLE stream_commands (
  id            TEXT PRIMARY KEY,
  target_node   TEXT NOT NULL,
  origin_node   TEXT NOT NULL,
  account_id    TEXT NOT NULL,
  domain_name   TEXT NOT NULL,
  app_name      TEXT NOT NULL,
  stream_name   TEXT NOT NULL,
  kind          TEXT NOT NULL,
  payload       TEXT NOT NULL,
  state         TEXT NOT NULL,
  result_code   TEXT NOT NULL,
  result_arg    TEXT NOT NULL,
  result_detail TEXT NOT NULL,
  result        TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  deadline_ms   BIGINT NOT NULL,
  done_at_ms    BIGINT NOT NULL
);
CREATE INDEX stream_commands_pending ON stream_commands (target_node, state);
CREATE INDEX stream_commands_by_age ON stream_commands (created_at_ms);
)sql";

constexpr std::string_view kStreamBlocksSchema = R"sql(
CREATE TABLE stream_blocks (
  account_id    TEXT NOT NULL,
  domain_name   TEXT NOT NULL,
  app_name      TEXT NOT NULL,
  stream_name   TEXT NOT NULL,
  resume_at_ms  BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, domain_name, app_name, stream_name)
);
)sql";

constexpr std::string_view kPublishSessionsSchema = R"sql(
CREATE TABLE publish_sessions (
  id             TEXT PRIMARY KEY,
  account_id     TEXT NOT NULL,
  domain_name    TEXT NOT NULL,
  app_name       TEXT NOT NULL,
  stream_name    TEXT NOT NULL,
  publish_domain TEXT NOT NULL,
  client_addr    TEXT NOT NULL,
  edge_node_addr TEXT NOT NULL,
  node           TEXT NOT NULL,
  publish_ms     BIGINT NOT NULL,
  stop_ms        BIGINT NOT NULL
);
CREATE INDEX publish_sessions_by_domain ON publish_sessions (account_id, domain_name, publish_ms);
CREATE INDEX publish_sessions_by_stop ON publish_sessions (stop_ms, node);
)sql";

constexpr std::string_view kSnapshotsSchema = R"sql(
CREATE TABLE snapshot_configs (
  account_id           TEXT NOT NULL,
  domain_name          TEXT NOT NULL,
  app_name             TEXT NOT NULL,
  time_interval_s      BIGINT NOT NULL,
  oss_endpoint         TEXT NOT NULL,
  oss_bucket           TEXT NOT NULL,
  overwrite_oss_object TEXT NOT NULL,
  sequence_oss_object  TEXT NOT NULL,
  callback             TEXT NOT NULL,
  created_at_ms        BIGINT NOT NULL,
  updated_at_ms        BIGINT NOT NULL,
  PRIMARY KEY (account_id, domain_name, app_name)
);
CREATE TABLE snapshots (
  account_id    TEXT NOT NULL,
  domain_name   TEXT NOT NULL,
  app_name      TEXT NOT NULL,
  stream_name   TEXT NOT NULL,
  oss_endpoint  TEXT NOT NULL,
  oss_bucket    TEXT NOT NULL,
  oss_object    TEXT NOT NULL,
  is_overlay    BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, oss_bucket, oss_object)
);
CREATE INDEX snapshots_by_stream ON snapshots (account_id, domain_name, app_name, stream_name,
                                               created_at_ms);
CREATE INDEX snapshots_by_time ON snapshots (created_at_ms);
)sql";

// DescribeLiveDomainRecordUsageData (docs/api/usage.md): each node's recording usage per minute
// (record_fmt '' = streams recorded in any format), and the hourly (period_s 3600) and daily
// (86400) roll-ups summed over the nodes (domain_name '' = all the account's domains), with how
// far each roll-up has got.
constexpr std::string_view kRecordUsageSchema = R"sql(
CREATE TABLE record_usage_minutes (
  account_id  TEXT NOT NULL,
  minute_ms   BIGINT NOT NULL,
  domain_name TEXT NOT NULL,
  record_fmt  TEXT NOT NULL,
  node        TEXT NOT NULL,
  peak        BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, minute_ms, domain_name, record_fmt, node)
);
CREATE INDEX record_usage_minutes_by_time ON record_usage_minutes (minute_ms);
CREATE TABLE record_usage_rollups (
  period_s    BIGINT NOT NULL,
  account_id  TEXT NOT NULL,
  start_ms    BIGINT NOT NULL,
  domain_name TEXT NOT NULL,
  record_fmt  TEXT NOT NULL,
  peak        BIGINT NOT NULL,
  duration_ms BIGINT NOT NULL,
  PRIMARY KEY (period_s, account_id, start_ms, domain_name, record_fmt)
);
CREATE INDEX record_usage_rollups_by_time ON record_usage_rollups (period_s, start_ms);
CREATE TABLE record_usage_marks (
  period_s BIGINT PRIMARY KEY,
  until_ms BIGINT NOT NULL
);
)sql";

// Pull-to-push callbacks signed with the task's own key, and the item-switch callback of url
// tasks (docs/api/relay.md): ReqAuth (0/1), AuthKey, NotifyItemSwitch (0/1). Tasks from before
// send unsigned callbacks and no item switches, as they did.
constexpr std::string_view kRelayAuthSchema = R"sql(
ALTER TABLE relay_tasks ADD COLUMN req_auth INTEGER NOT NULL DEFAULT 0;
ALTER TABLE relay_tasks ADD COLUMN auth_key TEXT NOT NULL DEFAULT '';
ALTER TABLE relay_tasks ADD COLUMN notify_item_switch INTEGER NOT NULL DEFAULT 0;
)sql";

// The keys signing the URL tokens of private buckets (docs/configuration.md "Bucket access"),
// for buckets whose config gives none: made once, shared by every node.
constexpr std::string_view kBucketUrlKeysSchema = R"sql(
CREATE TABLE bucket_url_keys (
  account_id    TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  bucket_name   TEXT NOT NULL,
  url_key       TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (account_id, endpoint, bucket_name)
);
)sql";

// Each node's upload lag in its row (docs/cluster.md "Running two nodes on one PostgreSQL").
constexpr std::string_view kNodeUploadLagSchema = R"sql(
ALTER TABLE nodes ADD COLUMN upload_lag_ms BIGINT NOT NULL DEFAULT 0;
)sql";

// Whether each stream live on another node is being recorded (DescribeLiveStreamsOnlineList's
// RecordStatus, docs/api/streams.md): written by the node the stream is live on with the rest of
// its row; '' in the rows of nodes from before.
constexpr std::string_view kOnlineRecordStatusSchema = R"sql(
ALTER TABLE online_streams ADD COLUMN record_status TEXT NOT NULL DEFAULT '';
)sql";

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "accounts, keys, domains, buckets, record configs", kInitialSchema},
      {2, "streams, record cycles, slice index", kRecordingSchema},
      {3, "index files", kIndexFileSchema},
      {4, "slice index clustered by stream and time", kClusteredSlicesPortable,
       kClusteredSlicesSqlite},
      {5, "notify configs, callback outbox", kCallbackSchema},
      {6, "held slices and MP4/FLV record files", kComposedFilesSchema},
      {7, "covering index for recorded-content queries", kSliceSpansPortable, kSliceSpansSqlite},
      {8, "stream notify configs, GET callbacks", kStreamsNotifySchema},
      {9, "pull-to-push relay tasks", kRelayTasksSchema},
      {10, "announced flag of recording files", kAnnouncedFilesSchema},
      {11, "signature nonces shared by the nodes", kSignatureNonceSchema},
      {12, "slice key covering every column on PostgreSQL", kCoveringSliceKeyPostgres,
       kCoveringSliceKeySqlite},
      {13, "cluster leases and nodes", kClusterSchema},
      {14, "online streams and stream commands across nodes", kStreamCommandsSchema},
      {15, "leases found by holder", kLeaseHolderIndex},
      {16, "slice intents of cluster nodes", kSliceIntentsSchema},
      {17, "forbidden streams (ForbidLiveStream)", kStreamBlocksSchema},
      {18, "publish sessions (DescribeLiveStreamsPublishList)", kPublishSessionsSchema},
      {19, "recording usage (DescribeLiveDomainRecordUsageData)", kRecordUsageSchema},
      {20, "snapshot configs and snapshots", kSnapshotsSchema},
      {21, "relay task callback signing and item switches", kRelayAuthSchema},
      {22, "URL keys of private buckets", kBucketUrlKeysSchema},
      {23, "upload lag of cluster nodes", kNodeUploadLagSchema},
      {24, "recording state of online streams", kOnlineRecordStatusSchema},
  };
  return kMigrations;
}

Result<int> SchemaVersion(SqlDatabase& db) {
  auto rows = db.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!rows) return Error(rows.error());
  return static_cast<int>(AsInt(rows->at(0).at(0)));
}

Result<int> StoredSchemaVersion(SqlDatabase& db) {
  std::string_view exists =
      db.Dialect() == "sqlite"
          ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
          : "SELECT COUNT(*) FROM pg_catalog.pg_class WHERE oid = to_regclass('schema_migrations')";
  auto rows = db.Query(exists);
  if (!rows) return Error(rows.error());
  if (AsInt(rows->at(0).at(0)) == 0) return 0;
  return SchemaVersion(db);
}

namespace {

Status ApplyMigrationsLocked(SqlDatabase& db, const Clock& clock, int up_to) {
  LIVEREC_RETURN_IF_ERROR(db.ExecuteScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at_ms BIGINT NOT NULL);"));
  auto current = SchemaVersion(db);
  if (!current) return current.error();
  int latest = AllMigrations().back().version;
  if (*current > latest) {
    return Status(ErrorCode::kInternalError, "",
                  fmt::format("the database schema is version {}, newer than this liverec ({}); "
                              "run a newer liverec",
                              *current, latest));
  }
  for (const auto& migration : AllMigrations()) {
    if (migration.version <= *current) continue;
    if (migration.version > up_to) break;
    // Scripts run outside InTransaction (which cannot take multi-statement scripts), wrapped in
    // BEGIN/COMMIT so a failed migration leaves nothing half-applied.
    std::string script = fmt::format(
        "BEGIN;\n{}\nINSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ({}, "
        "'{}', {});\nCOMMIT;",
        db.Dialect() == "sqlite" && !migration.sqlite_sql.empty() ? migration.sqlite_sql
                                                                  : migration.sql,
        migration.version, migration.name, clock.NowMs());
    Status status = db.ExecuteScript(script);
    if (!status.ok()) {
      (void)db.ExecuteScript("ROLLBACK;");
      return status.WithContext(
          fmt::format("migration {} ({})", migration.version, migration.name));
    }
  }
  return Status::Ok();
}

}  // namespace

Status ApplyMigrations(SqlDatabase& db, const Clock& clock) {
  return ApplyMigrationsUpTo(db, clock, AllMigrations().back().version);
}

Status ApplyMigrationsUpTo(SqlDatabase& db, const Clock& clock, int version) {
  return db.WithAdvisoryLock(kMigrationLockKey,
                             [&] { return ApplyMigrationsLocked(db, clock, version); });
}

}  // namespace liverec::metadata
