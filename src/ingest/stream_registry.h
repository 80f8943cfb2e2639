// StreamRegistry: which streams are live on this node. A second publisher of a live stream is
// refused. Thread-safety: any thread.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace liverec::ingest {

class StreamRegistry {
 public:
  // True if `key` was not live and now is.
  bool TryAcquire(const std::string& key);
  void Release(const std::string& key);
  bool IsLive(const std::string& key) const;
  std::vector<std::string> LiveKeys() const;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> live_;
};

}  // namespace liverec::ingest
