#include "cluster/one_node_job.h"

#include <spdlog/spdlog.h>

namespace liverec::cluster {

Result<bool> RunOnOneNode(metadata::SqlDatabase& db, const OneNodeJob& job,
                          const std::function<Status()>& body) {
  auto ran = db.TryWithAdvisoryLock(job.lock_key, body);
  if (ran && !*ran) spdlog::debug("{}: another node runs it now; skipped", job.name);
  return ran;
}

}  // namespace liverec::cluster
