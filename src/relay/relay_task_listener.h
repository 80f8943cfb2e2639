// RelayTaskListener: how the API tells the relay scheduler's driver that a user changed a task.
// The API stores the change first (metadata::RelayTaskRepository) and then calls the listener;
// the driver hands the stored row to RelayScheduler::Upsert / Remove on its own thread. No
// listener is set until a relay runner exists (docs/api/relay.md "What runs today").
// Thread-safety: implementations are called from API worker threads, concurrently.
#pragma once

#include "relay/relay_task.h"

namespace liverec::relay {

class RelayTaskListener {
 public:
  virtual ~RelayTaskListener() = default;
  // Created, updated, stopped or restarted: `task` is the row as stored.
  virtual void TaskChanged(const RelayTask& task) = 0;
  // Deleted by the user: `task` is the row as it was before deletion.
  virtual void TaskDeleted(const RelayTask& task) = 0;
};

}  // namespace liverec::relay
