#include "storage/local/local_object_store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <mutex>
#include <shared_mutex>

#include <fmt/format.h>

#include "storage/local/open_beneath.h"
#include "storage/local/posix_io.h"
#include "storage/object_key_template.h"

namespace liverec::storage {
namespace {

// A concurrent Delete may remove an emptied directory between our mkdir and our rename; the put
// then creates it again. More retries than this means something else is wrong.
constexpr int kPublishAttempts = 8;
// Folders remembered as durable, at most (then forgotten all at once: only costs fsyncs again).
constexpr size_t kMaxDurableFolders = 100'000;

std::string NormalizeRoot(std::string root) {
  std::string normal = std::filesystem::path(std::move(root)).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

Status CheckKey(const std::string& key) {
  if (auto problem = CheckObjectKey(key)) {
    return Status(ErrorCode::kInvalidObjectName, {}, fmt::format("\"{}\": {}", key, *problem));
  }
  return Status::Ok();
}

// errno of OpenBeneath for a key that names no object: missing, under a file, or a symbolic link
// (ELOOP; links are never followed, so one planted in a bucket cannot expose a file outside it).
bool IsAbsent(int err) { return err == ENOENT || err == ENOTDIR || err == ELOOP || err == EXDEV; }

Status Exists(const std::string& key) {
  return Status(ErrorCode::kObjectAlreadyExists, {}, fmt::format("\"{}\"", key));
}

Status Conflict(const std::string& key, std::string_view why) {
  return Status(ErrorCode::kObjectKeyConflict, {}, fmt::format("\"{}\": {}", key, why));
}

Status NotFound(const std::string& key) {
  return Status(ErrorCode::kObjectNotFound, {}, fmt::format("\"{}\"", key));
}

// Makes a filled temporary file readable like any object, durable, and closed.
Status SyncAndClose(UniqueFd& fd, const std::string& path) {
  if (::fchmod(fd.Get(), 0644) != 0) return StorageError("chmod", path, errno);
  if (::fsync(fd.Get()) != 0) return StorageError("fsync", path, errno);
  if (int err = fd.Close(); err != 0) return StorageError("close", path, err);
  return Status::Ok();
}

}  // namespace

LocalObjectStore::LocalObjectStore(std::string root)
    : root_(NormalizeRoot(std::move(root))), staging_(root_ + ".staging") {}

LocalObjectStore::LocalObjectStore(std::string root, std::string staging_dir)
    : root_(NormalizeRoot(std::move(root))), staging_(NormalizeRoot(std::move(staging_dir))) {}

Status LocalObjectStore::PutFile(const std::string& key, const std::string& path) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  LIVEREC_RETURN_IF_ERROR(CheckFree(key));
  auto linked = StageLink(path);
  if (!linked) return linked.error();
  if (!*linked) {
    return Put(key, [&path](int fd, const std::string& temp_path) {
      UniqueFd source(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!source.Valid()) return StorageError("open", path, errno);
      return CopyToEnd(source.Get(), path, fd, temp_path);
    });
  }
  Status published = Publish(key, **linked);
  if (!published.ok()) ::unlink((*linked)->c_str());
  return published;
}

Result<std::optional<std::string>> LocalObjectStore::StageLink(const std::string& path) const {
  UniqueFd source(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!source.Valid()) return Error(StorageError("open", path, errno));
  struct stat st {};
  if (::fstat(source.Get(), &st) != 0) return Error(StorageError("stat", path, errno));
  if (!S_ISREG(st.st_mode)) return std::optional<std::string>();
  // Readable like any object, and durable before it gets a second name: done before the link,
  // so that on a file its writer already fsynced (the spool's slices) both are no-ops; the
  // link's own metadata is made durable by the directory fsyncs of Publish.
  if ((st.st_mode & 07777) != 0644 && ::fchmod(source.Get(), 0644) != 0) {
    if (errno == EPERM) return std::optional<std::string>();  // not ours to change: copied
    return Error(StorageError("chmod", path, errno));
  }
  if (::fsync(source.Get()) != 0) return Error(StorageError("fsync", path, errno));
  for (int attempt = 0; attempt < kPublishAttempts; ++attempt) {
    std::string temp_path =
        fmt::format("{}/link-{}-{}-{}", staging_, ::getpid(), link_counter_.fetch_add(1), attempt);
    if (::link(path.c_str(), temp_path.c_str()) != 0) {
      if (errno == EEXIST) continue;          // a leftover of an earlier process with the same pid
      if (errno == ENOENT && attempt == 0) {  // the first put: no staging folder yet
        LIVEREC_RETURN_IF_ERROR(MakeStaging());
        continue;
      }
      // Another file system (EXDEV), or one without hard links: the caller copies.
      if (errno == EXDEV || errno == EPERM || errno == EMLINK || errno == EOPNOTSUPP) {
        return std::optional<std::string>();
      }
      return Error(StorageError("link " + path + " to", temp_path, errno));
    }
    return std::optional<std::string>(std::move(temp_path));
  }
  return Error(StorageError("link " + path + " into", staging_, EEXIST));
}

Status LocalObjectStore::PutBytes(const std::string& key, std::span<const uint8_t> bytes) {
  return Put(key, [bytes](int fd, const std::string& temp_path) {
    return WriteAll(fd, bytes, temp_path);
  });
}

Status LocalObjectStore::ReplaceBytes(const std::string& key, std::span<const uint8_t> bytes) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  auto temp_path =
      Stage([bytes](int fd, const std::string& path) { return WriteAll(fd, bytes, path); });
  if (!temp_path) return temp_path.error();
  Status published = Publish(key, *temp_path, /*replace=*/true);
  if (!published.ok()) ::unlink(temp_path->c_str());
  return published;
}

Status LocalObjectStore::Put(const std::string& key, const FillFn& fill) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  // Cheap early answer before copying anything; Publish is what decides.
  LIVEREC_RETURN_IF_ERROR(CheckFree(key));
  auto temp_path = Stage(fill);
  if (!temp_path) return temp_path.error();
  Status published = Publish(key, *temp_path);
  if (!published.ok()) ::unlink(temp_path->c_str());
  return published;
}

Status LocalObjectStore::CheckFree(const std::string& key) const {
  std::string path = PathOf(key);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    return S_ISDIR(st.st_mode) ? Conflict(key, "a folder of that name exists") : Exists(key);
  }
  if (errno == ENOENT) return Status::Ok();
  if (errno == ENOTDIR) return Conflict(key, "an object is named like one of its folders");
  return StorageError("stat", path, errno);
}

Status LocalObjectStore::MakeStaging() const {
  // Temporary files need no durable name: no fsync.
  std::error_code ec;
  std::filesystem::create_directories(staging_, ec);
  if (ec) return StorageError("create directory", staging_, ec.value());
  return Status::Ok();
}

Result<std::string> LocalObjectStore::Stage(const FillFn& fill) const {
  std::string temp_path = staging_ + "/put-XXXXXX";
  UniqueFd fd(::mkostemp(temp_path.data(), O_CLOEXEC));
  if (!fd.Valid() && errno == ENOENT) {  // the first put: no staging folder yet
    LIVEREC_RETURN_IF_ERROR(MakeStaging());
    temp_path = staging_ + "/put-XXXXXX";
    fd = UniqueFd(::mkostemp(temp_path.data(), O_CLOEXEC));
  }
  if (!fd.Valid()) return Error(StorageError("create", temp_path, errno));
  Status written = fill(fd.Get(), temp_path);
  if (written.ok()) written = SyncAndClose(fd, temp_path);
  if (!written.ok()) {
    ::unlink(temp_path.c_str());
    return Error(written);
  }
  return temp_path;
}

Status LocalObjectStore::Publish(const std::string& key, const std::string& temp_path,
                                 bool replace) const {
  std::string path = PathOf(key);
  // Shared with other puts; a Delete of this store removes folders only while no put runs, so
  // the folders this put finds and fsyncs stay the ones its object is in.
  std::shared_lock tree(tree_mutex_);
  for (int attempt = 0; attempt < kPublishAttempts; ++attempt) {
    // The folders usually exist (every slice of a stream goes to the same one): the rename is
    // tried first, and they are made only when it says one is missing.
    int err = replace ? (::rename(temp_path.c_str(), path.c_str()) == 0 ? 0 : errno)
                      : RenameNoReplace(temp_path, path);
    if (err == 0) return SyncParents(key);
    if (err == ENOENT) {  // a folder is missing (new, or removed by a concurrent Delete)
      LIVEREC_RETURN_IF_ERROR(MakeParents(key));
      continue;
    }
    if (err == EEXIST || err == EISDIR || err == ENOTEMPTY) {
      Status free = CheckFree(key);  // tells a folder (conflict) from an object
      return free.ok() ? Exists(key) : free;
    }
    if (err == ENOTDIR) return Conflict(key, "an object is named like one of its folders");
    return StorageError("rename " + temp_path + " to", path, err);
  }
  return StorageError("rename " + temp_path + " to", path, ENOENT);
}

Status LocalObjectStore::MakeParents(const std::string& key) const {
  std::error_code ec;
  if (!std::filesystem::exists(root_, ec)) {
    std::filesystem::create_directories(root_, ec);
    if (ec) return StorageError("create directory", root_, ec.value());
    std::string parent = std::filesystem::path(root_).parent_path().string();
    LIVEREC_RETURN_IF_ERROR(SyncFolder(parent.empty() ? "." : parent));  // the bucket's own name
  }
  for (size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', slash + 1)) {
    std::string dir = PathOf(key.substr(0, slash));
    if (::mkdir(dir.c_str(), 0755) == 0) {
      Forget(key.substr(0, slash));  // a new folder: its name is not durable yet
      continue;
    }
    int err = errno;
    if (err == EEXIST) {
      struct stat st {};
      if (::stat(dir.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) continue;
      } else if (errno == ENOENT) {
        return Status::Ok();  // emptied and removed by a concurrent Delete since: Publish retries
      } else {
        return StorageError("stat", dir, errno);
      }
    }
    if (err == EEXIST || err == ENOTDIR) {
      return Conflict(key, fmt::format("the object \"{}\" exists", key.substr(0, slash)));
    }
    // ENOENT: an ancestor vanished under a concurrent Delete; Publish retries the walk.
    if (err == ENOENT) return Status::Ok();
    return StorageError("create directory", dir, err);
  }
  return Status::Ok();
}

Status LocalObjectStore::SyncParents(const std::string& key) const {
  // The folder of the new entry, always. Above it, a folder whose own name is not yet known to
  // be durable (made by this put or a concurrent one that has not fsynced yet, or found on the
  // disk at the first put into it) has its parent fsynced, up to the first known folder or the
  // root; those folders are then known. A known folder's ancestors are known too.
  std::vector<std::string> folders;  // relative to the root, the object's own folder first
  for (size_t slash = key.rfind('/'); slash != std::string::npos && slash > 0;
       slash = key.rfind('/', slash - 1)) {
    folders.push_back(key.substr(0, slash));
  }
  LIVEREC_RETURN_IF_ERROR(SyncFolder(folders.empty() ? root_ : PathOf(folders[0])));
  size_t learned = 0;
  for (; learned < folders.size() && !Known(folders[learned]); ++learned) {
    bool top = learned + 1 == folders.size();
    LIVEREC_RETURN_IF_ERROR(SyncFolder(top ? root_ : PathOf(folders[learned + 1])));
  }
  folders.resize(learned);
  Remember(folders);
  return Status::Ok();
}

Status LocalObjectStore::SyncFolder(const std::string& dir) const {
  directory_syncs_.fetch_add(1, std::memory_order_relaxed);
  return SyncDirectory(dir);
}

bool LocalObjectStore::Known(const std::string& folder) const {
  std::lock_guard lock(durable_mutex_);
  return durable_folders_.contains(folder);
}

void LocalObjectStore::Remember(const std::vector<std::string>& folders) const {
  std::lock_guard lock(durable_mutex_);
  if (durable_folders_.size() + folders.size() > kMaxDurableFolders) durable_folders_.clear();
  durable_folders_.insert(folders.begin(), folders.end());
}

void LocalObjectStore::Forget(const std::string& folder) const {
  std::lock_guard lock(durable_mutex_);
  durable_folders_.erase(folder);
}

Result<ObjectInfo> LocalObjectStore::Head(const std::string& key) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  std::string path = PathOf(key);
  UniqueFd fd = OpenBeneath(root_, key, O_PATH);
  if (!fd.Valid()) {
    if (IsAbsent(errno)) return Error(NotFound(key));
    return Error(StorageError("open", path, errno));
  }
  struct stat st {};
  if (::fstat(fd.Get(), &st) != 0) return Error(StorageError("stat", path, errno));
  if (!S_ISREG(st.st_mode)) return Error(NotFound(key));
  int64_t modified_ms =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000;
  return ObjectInfo{key, static_cast<uint64_t>(st.st_size), modified_ms};
}

Result<std::vector<uint8_t>> LocalObjectStore::Get(const std::string& key) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  std::string path = PathOf(key);
  // O_NONBLOCK: a FIFO in the bucket must not hold the caller (it is refused as not regular).
  UniqueFd fd = OpenBeneath(root_, key, O_RDONLY | O_NONBLOCK);
  if (!fd.Valid()) {
    if (IsAbsent(errno)) return Error(NotFound(key));
    return Error(StorageError("open", path, errno));
  }
  struct stat st {};
  if (::fstat(fd.Get(), &st) != 0) return Error(StorageError("stat", path, errno));
  if (!S_ISREG(st.st_mode)) return Error(NotFound(key));
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size) + 1);  // +1: EOF is seen at once
  size_t used = 0;
  for (;;) {
    if (used == bytes.size()) bytes.resize(bytes.size() * 2 + 4096);  // it grew meanwhile
    ssize_t n = ::read(fd.Get(), bytes.data() + used, bytes.size() - used);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(StorageError("read", path, errno));
    }
    used += static_cast<size_t>(n);
  }
  bytes.resize(used);
  return bytes;
}

Status LocalObjectStore::Delete(const std::string& key) {
  LIVEREC_RETURN_IF_ERROR(CheckKey(key));
  std::string path = PathOf(key);
  if (::unlink(path.c_str()) != 0) {
    // EISDIR: `key` is a folder of other keys, not an object.
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return NotFound(key);
    return StorageError("delete", path, errno);
  }
  PruneEmptyParents(key);
  return Status::Ok();
}

void LocalObjectStore::PruneEmptyParents(const std::string& key) const {
  // rmdir refuses a directory that is not empty, which ends the walk. No put of this store runs
  // meanwhile (Publish), and a folder is forgotten before it goes: one made again under the same
  // name is new, and its name is fsynced by the put that makes it.
  std::unique_lock tree(tree_mutex_);
  for (size_t slash = key.rfind('/'); slash != std::string::npos && slash > 0;
       slash = key.rfind('/', slash - 1)) {
    Forget(key.substr(0, slash));
    if (::rmdir(PathOf(key.substr(0, slash)).c_str()) != 0) return;
  }
}

}  // namespace liverec::storage
