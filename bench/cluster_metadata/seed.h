// Seed: a fresh database for one run, migrated, holding what the cluster has at the start of the
// measured traffic: the account, N streams (each with its publish session's phase), their
// ownership leases (kind 'stream', held by their node) and open cycles, M URL relay tasks with
// their leases (kind 'relay'), and, for the cycles that will reach their CycleDuration during the
// run, the slices (m3u8) and held slices (MP4) they hold, so their closes read and delete what a
// real close does. Cycle ages are uniform over the CycleDuration, so closes arrive at the steady
// rate N / CycleDuration from the first second. Rows are written with multi-row INSERTs (the
// repositories write one row per call; seeding 100 000 cycles that way would take minutes).
// Thread-safety: plain functions, one caller.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "base/status.h"
#include "metadata/sql_database.h"
#include "sim_options.h"
#include "world.h"

namespace liverec::bench {

// Creates the database `name` on the server of `admin_url` (dropping one left by an earlier
// run) and returns the URL naming it.
Result<std::string> CreateDatabase(const std::string& admin_url, const std::string& name);
Status DropDatabase(const std::string& admin_url, const std::string& name);

// The recording plan a cycle of `stream` carries (record_cycles.config_json): m3u8 and, with
// options.mp4, MP4, at the options' durations, with the default object templates.
std::string PlanJson(const SimOptions& options, const std::string& account_id,
                     const StreamState& stream);

// Migrates `db` and writes the rows above; fills `world`. `t0_ms`: when the schedule starts (the
// first slices close in [t0, t0 + slice_s)); world.holders: each node's instance id, set before.
Status Seed(metadata::SqlDatabase& db, const Clock& clock, RandomSource& random,
            const SimOptions& options, int64_t t0_ms, World& world);

}  // namespace liverec::bench
