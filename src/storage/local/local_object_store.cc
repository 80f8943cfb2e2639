#include "storage/local/local_object_store.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include <fmt/format.h>

#include "storage/local/open_beneath.h"
#include "storage/local/posix_io.h"
#include "storage/object_key_template.h"

namespace liverec::storage {
namespace {

// A concurrent Delete may remove an emptied directory between our mkdir and our rename; the put
// then creates it again. More retries than this means something else is wrong.
constexpr int kPublishAttempts = 8;

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
  std::error_code ec;
  std::filesystem::create_directories(staging_, ec);
  if (ec) return Error(StorageError("create directory", staging_, ec.value()));
  for (int attempt = 0; attempt < kPublishAttempts; ++attempt) {
    std::string temp_path =
        fmt::format("{}/link-{}-{}-{}", staging_, ::getpid(), link_counter_.fetch_add(1), attempt);
    if (::link(path.c_str(), temp_path.c_str()) != 0) {
      if (errno == EEXIST) continue;  // a leftover of an earlier process with the same pid
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

Result<std::string> LocalObjectStore::Stage(const FillFn& fill) const {
  std::error_code ec;
  std::filesystem::create_directories(staging_, ec);
  if (ec) return Error(StorageError("create directory", staging_, ec.value()));
  std::string temp_path = staging_ + "/put-XXXXXX";
  UniqueFd fd(::mkostemp(temp_path.data(), O_CLOEXEC));
  if (!fd.Valid()) return Error(StorageError("create", temp_path, errno));
  Status written = fill(fd.Get(), temp_path);
  if (written.ok()) written = SyncAndClose(fd, temp_path);
  if (!written.ok()) {
    ::unlink(temp_path.c_str());
    return Error(written);
  }
  return temp_path;
}

Status LocalObjectStore::Publish(const std::string& key, const std::string& temp_path) const {
  std::string path = PathOf(key);
  for (int attempt = 0; attempt < kPublishAttempts; ++attempt) {
    LIVEREC_RETURN_IF_ERROR(MakeParents(key));
    int err = RenameNoReplace(temp_path, path);
    if (err == 0) return SyncParents(key);
    if (err == ENOENT) continue;  // a parent was removed by a concurrent Delete
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
  std::filesystem::create_directories(root_, ec);
  if (ec) return StorageError("create directory", root_, ec.value());
  for (size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', slash + 1)) {
    std::string dir = PathOf(key.substr(0, slash));
    if (::mkdir(dir.c_str(), 0755) == 0) continue;
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
  // Every directory on the way, not only the ones this put created: a concurrent put may have
  // created one and not yet made its entry durable.
  for (size_t slash = key.rfind('/'); slash != std::string::npos && slash > 0;
       slash = key.rfind('/', slash - 1)) {
    LIVEREC_RETURN_IF_ERROR(SyncDirectory(PathOf(key.substr(0, slash))));
  }
  return SyncDirectory(root_);
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
  // rmdir refuses a directory that is not empty, which ends the walk; a concurrent put that
  // loses its directory this way retries (Publish).
  for (size_t slash = key.rfind('/'); slash != std::string::npos && slash > 0;
       slash = key.rfind('/', slash - 1)) {
    if (::rmdir(PathOf(key.substr(0, slash)).c_str()) != 0) return;
  }
}

}  // namespace liverec::storage
