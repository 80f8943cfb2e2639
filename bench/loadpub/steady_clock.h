// SteadyClock: liverec's Clock on std::chrono::steady_clock, for pacing (ms since an arbitrary
// epoch, never going back). Thread-safety: any thread.
#pragma once

#include <chrono>

#include "base/clock.h"

namespace liverec::loadpub {

class SteadyClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace liverec::loadpub
