// NodeRepos: what one simulated node writes through: its own PostgreSQL pool (counted), the
// repositories and the callback outbox of the real server, over that pool.
// Thread-safety: as the repositories (any thread).
#pragma once

#include <memory>

#include "base/clock.h"
#include "base/random.h"
#include "callbacks/outbox.h"
#include "counting_database.h"
#include "metadata/callback_outbox_repository.h"
#include "metadata/index_file_repository.h"
#include "metadata/lease_repository.h"
#include "metadata/recording_repository.h"
#include "metadata/relay_task_repository.h"

namespace liverec::bench {

struct NodeRepos {
  NodeRepos(std::unique_ptr<CountingDatabase> database, const Clock& clock)
      : db(std::move(database)),
        recordings(*db, clock, random),
        index_files(*db),
        outbox_rows(*db),
        outbox(outbox_rows, clock, random),
        leases(*db, clock),
        relays(*db) {}

  OsRandom random;
  std::unique_ptr<CountingDatabase> db;
  metadata::RecordingRepository recordings;
  metadata::IndexFileRepository index_files;
  metadata::CallbackOutboxRepository outbox_rows;
  callbacks::Outbox outbox;
  metadata::LeaseRepository leases;
  metadata::RelayTaskRepository relays;
};

}  // namespace liverec::bench
