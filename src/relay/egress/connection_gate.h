// ConnectionGate: what the relay worker asks right before it opens a source or the destination
// — how to connect to it (connect_plan.h), or why not — and where the refusals of connections
// libavformat tries later (a redirect, a playlist's segment) are noted, so that the attempt's
// failure can say what was refused. One gate per relay attempt.
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <string>

#include <tl/expected.hpp>

#include "relay/egress/connect_plan.h"

namespace liverec::relay::egress {

class ConnectionGate {
 public:
  virtual ~ConnectionGate() = default;

  // The plan for `url`, or why it may not be opened (the caller reports that refusal; it is
  // logged, not kept for TakeRefusals).
  virtual tl::expected<ConnectPlan, std::string> Plan(const std::string& url) = 0;
  // A connection was refused: `what` names it ("GET http://host:port/path"), `why` the rule.
  virtual void NoteRefusal(const std::string& what, const std::string& why) = 0;
  // The refusals noted since the last call, "; "-joined, or "".
  virtual std::string TakeRefusals() = 0;
};

}  // namespace liverec::relay::egress
