// World: the simulated cluster's state kept in memory by the bench: its streams and relay tasks,
// which node runs each, and each node's lease holder. Seed (seed.h) writes the matching rows.
// Thread-safety: a StreamState or relay row is touched by one worker at a time (the node's
// schedule hands each entity to one worker); the rest is read-only once seeded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metadata/relay_task_repository.h"

namespace liverec::bench {

inline constexpr char kDomain[] = "sim.example.com";
inline constexpr char kApp[] = "live";
inline constexpr char kStreamLeaseKind[] = "stream";
inline constexpr char kRelayLeaseKind[] = "relay";

struct StreamState {
  std::string id;    // streams.id
  std::string name;  // stream name
  int node = 0;
  int64_t lease_epoch = 1;
  int64_t next_due_ms = 0;     // the end of its next slice (when it closes)
  int64_t session_end_ms = 0;  // when its publisher leaves (and comes back)
  std::string m3u8_cycle;      // the open cycles it last attached to
  std::string mp4_cycle;
};

struct RelayState {
  metadata::RelayTaskRow row;
  int node = 0;
  int64_t next_due_ms = 0;
};

struct World {
  std::string account_id;
  std::string config_json;           // the recording plan every cycle carries
  std::vector<std::string> holders;  // per node: its instance id (lease holder)
  std::vector<StreamState> streams;
  std::vector<RelayState> relays;
};

}  // namespace liverec::bench
