// DirectoryLock: one liverec server per data directory (and per spool). Two servers on one
// directory would share its database, credentials and spool and corrupt each other's work, so
// `serve` takes an exclusive lock on each before it opens anything in them.
//
// The lock is flock(2) on `<dir>/liverec.lock`, which holds the owner's PID and command line for
// the message a second server prints. The kernel releases the lock when its holder exits in any
// way (a crash, SIGKILL), so a lock file left behind is stale and the next start simply takes it:
// crash recovery never needs a hand. flock locks the open file, not the process: a second lock
// of the same directory within one process is refused too.
// Thread-safety: Acquire from any thread; a DirectoryLock is released by its destructor.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace liverec::server {

inline constexpr char kLockFileName[] = "liverec.lock";

class DirectoryLock {
 public:
  // Locks `dir` (which must exist). DirectoryInUse, naming the holder ("PID 123: liverec serve
  // --data-dir ./data"), when another open of the lock file holds it; InternalError when the
  // lock file cannot be opened or written.
  static Result<std::unique_ptr<DirectoryLock>> Acquire(const std::string& dir);

  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  DirectoryLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_;
};

// What `serve` locks: the data directory, and the spool too when it lies outside the data
// directory ([recording] spool_dir); both are created when missing. The first refusal is
// returned (DirectoryInUse), and nothing stays locked then.
Result<std::vector<std::unique_ptr<DirectoryLock>>> LockServerDirectories(
    const std::string& data_dir, const std::string& spool_dir);

// "PID 123: liverec serve --data-dir ./data" from a lock file's contents and, when that process
// still runs, its /proc/<pid>/cmdline; "PID 123" when its command line cannot be read; "a
// process whose PID is not written yet" when the file is empty.
std::string DescribeLockHolder(const std::string& lock_file_contents);

}  // namespace liverec::server
