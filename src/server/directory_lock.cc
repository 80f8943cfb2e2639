#include "server/directory_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace liverec::server {
namespace {

Status SystemError(const std::string& what) {
  return Status(ErrorCode::kInternalError, "", fmt::format("{}: {}", what, std::strerror(errno)));
}

std::string ReadAll(int fd) {
  std::string contents;
  char buffer[4096];
  off_t offset = 0;
  for (ssize_t n; (n = pread(fd, buffer, sizeof(buffer), offset)) > 0; offset += n) {
    contents.append(buffer, static_cast<size_t>(n));
  }
  return contents;
}

// The command line of a running process, arguments joined by spaces; "" when unreadable.
std::string CommandLineOf(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return raw;
}

bool WriteOwner(int fd) {
  std::string owner = fmt::format("{}\n", getpid());
  std::string command = CommandLineOf("self");
  if (!command.empty()) owner += command + "\n";
  if (ftruncate(fd, 0) != 0) return false;
  return pwrite(fd, owner.data(), owner.size(), 0) == static_cast<ssize_t>(owner.size()) &&
         fsync(fd) == 0;
}

// Whether `inner` is `outer` or lies below it, once both are made absolute and normal.
bool IsWithin(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  std::error_code ec;
  auto a = std::filesystem::weakly_canonical(inner, ec);
  auto b = std::filesystem::weakly_canonical(outer, ec);
  auto relative = a.lexically_relative(b);
  return !relative.empty() && *relative.begin() != "..";
}

}  // namespace

std::string DescribeLockHolder(const std::string& lock_file_contents) {
  std::istringstream in(lock_file_contents);
  std::string pid;
  std::getline(in, pid);
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
    return "a process whose PID is not written yet";
  }
  std::string command = CommandLineOf(pid);
  return command.empty() ? "PID " + pid : fmt::format("PID {}: {}", pid, command);
}

Result<std::unique_ptr<DirectoryLock>> DirectoryLock::Acquire(const std::string& dir) {
  std::string path = dir + "/" + kLockFileName;
  // Never O_TRUNC: the file may hold the owner's PID, which only the owner rewrites.
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Error(SystemError("cannot open " + path));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      Status error = SystemError("cannot lock " + path);
      close(fd);
      return Error(error);
    }
    std::string holder = DescribeLockHolder(ReadAll(fd));
    close(fd);
    return Error(ErrorCode::kDirectoryInUse, "",
                 fmt::format("{} is locked by {} ({}). Stop that server, or give this one "
                             "another data directory (--data-dir) or spool.",
                             dir, holder, path));
  }
  if (!WriteOwner(fd)) {
    Status error = SystemError("cannot write " + path);
    close(fd);
    return Error(error);
  }
  return std::unique_ptr<DirectoryLock>(new DirectoryLock(std::move(path), fd));
}

Result<std::vector<std::unique_ptr<DirectoryLock>>> LockServerDirectories(
    const std::string& data_dir, const std::string& spool_dir) {
  std::vector<std::string> dirs{data_dir};
  if (!IsWithin(spool_dir, data_dir)) dirs.push_back(spool_dir);
  std::vector<std::unique_ptr<DirectoryLock>> locks;
  for (const auto& dir : dirs) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Error(ErrorCode::kInvalidConfiguration, "",
                   fmt::format("cannot create {}: {}", dir, ec.message()));
    }
    auto lock = DirectoryLock::Acquire(dir);
    if (!lock) return Error(lock.error());
    locks.push_back(std::move(*lock));
  }
  return locks;
}

DirectoryLock::~DirectoryLock() {
  // Closing the file releases the lock. The file stays: removing it would race with a server
  // that has just opened it.
  close(fd_);
}

}  // namespace liverec::server
