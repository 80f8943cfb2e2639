// LocalObjectStore: the ObjectStore of a local bucket, a directory. Key `K` is the file
// `<root>/K`; the '/' of a key are directories, created as needed and removed when emptied.
//
// Writes follow the ObjectStore contract:
// - The bytes go to a temporary file in a staging directory *beside* the bucket, by default
//   `<root>.staging/` (outside the key space, so no key can name or clash with it, and no reader
//   of the bucket sees it; it must be on the same filesystem as root). The file is fsynced.
//   PutFile of a file on the bucket's file system copies nothing: the temporary file is a hard
//   link to it (made 0644 and fsynced), so the object shares its data; callers must not change
//   a file after putting it (the recorder's slices and compositions are written once, then
//   removed). On another file system, or one without hard links, the bytes are copied.
// - It is moved into place with renameat2(RENAME_NOREPLACE), or link(2) + unlink(2) where the
//   filesystem lacks that flag. Both fail when the key exists, so an object is never
//   overwritten, even by concurrent puts from other threads or processes: exactly one wins, the
//   others get ObjectAlreadyExists. The folders are tried as they are and made only when the
//   move says one is missing. Then the object's folder is fsynced, and the parent of each folder
//   whose own name is not yet known to be durable, up to root (docs/recording.md, "File-system
//   work per slice"): the store remembers the folders whose names it made durable, so a put into
//   a known folder costs one directory fsync. Once PutFile or PutBytes returns Ok, the object
//   survives a power cut. (A folder removed and made again by *another* process while this one
//   remembers it is not fsynced again by this one; the process that makes it fsyncs its parent.)
// - `a` when `a/...` exists, or `a/b` when the object `a` exists: ObjectKeyConflict.
// - Errors of the filesystem (ENOSPC, EIO, EACCES, ...) are StorageFailure with the path and the
//   errno text; a failed put removes its temporary file. Should the fsync of a directory fail
//   after the move, the object is in place but the put still reports that StorageFailure.
// - A crash may leave temporary files in the staging directory; they are never visible as
//   objects and may be deleted while no put runs.
// Head and Get follow no symbolic link, in the key or its folders (OpenBeneath): a link planted
// in the bucket is NotFound, so it cannot expose a file outside the bucket.
// Delete does not fsync the directory (a crash may bring a deleted object back).
//
// Thread-safety: all methods may be called from any thread at once; the filesystem arbitrates
// races between puts. The store's one state, the folders it knows durable, is under a mutex;
// Delete removes emptied folders while no put of this store is between its move and its fsyncs,
// and forgets them first. Methods block on disk: call them from worker threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "storage/object_store.h"

namespace liverec::storage {

class LocalObjectStore final : public ObjectStore {
 public:
  // `root` is the bucket directory (not "/"); staging is `<root>.staging`. Both are created by
  // the first put when missing.
  explicit LocalObjectStore(std::string root);
  // Explicit staging directory; it must be on the same filesystem as `root` and outside it.
  LocalObjectStore(std::string root, std::string staging_dir);

  Status PutFile(const std::string& key, const std::string& path) override;
  Status PutBytes(const std::string& key, std::span<const uint8_t> bytes) override;
  Status ReplaceBytes(const std::string& key, std::span<const uint8_t> bytes) override;
  Result<ObjectInfo> Head(const std::string& key) override;
  // Reads the whole object into memory: for small objects (playlists, tests).
  Result<std::vector<uint8_t>> Get(const std::string& key) override;
  Status Delete(const std::string& key) override;

  const std::string& Root() const { return root_; }
  const std::string& StagingDir() const { return staging_; }
  // Directory fsyncs made by puts so far.
  int64_t DirectorySyncsForTest() const { return directory_syncs_.load(); }

 private:
  // Writes the temporary file's bytes: (fd, temporary path) -> Status.
  using FillFn = std::function<Status(int, const std::string&)>;

  Status Put(const std::string& key, const FillFn& fill);
  Status CheckFree(const std::string& key) const;
  Result<std::string> Stage(const FillFn& fill) const;
  // PutFile's fast path: a hard link to `path` in staging (no copy); nullopt when `path` is on
  // another file system, or the file system refuses hard links.
  Result<std::optional<std::string>> StageLink(const std::string& path) const;
  // `replace`: an object at `key` is replaced (rename(2)) instead of refused.
  Status Publish(const std::string& key, const std::string& temp_path, bool replace = false) const;
  Status MakeStaging() const;
  Status MakeParents(const std::string& key) const;
  Status SyncParents(const std::string& key) const;
  Status SyncFolder(const std::string& dir) const;
  void PruneEmptyParents(const std::string& key) const;
  std::string PathOf(const std::string& key) const { return root_ + "/" + key; }
  // Folders (relative to root, "a/b") whose names, and their ancestors', are durable.
  bool Known(const std::string& folder) const;
  void Remember(const std::vector<std::string>& folders) const;
  void Forget(const std::string& folder) const;

  std::string root_;
  std::string staging_;
  mutable std::atomic<uint64_t> link_counter_{0};
  mutable std::atomic<int64_t> directory_syncs_{0};
  // Puts hold it shared from their move to their last fsync; Delete holds it to remove folders.
  mutable std::shared_mutex tree_mutex_;
  mutable std::mutex durable_mutex_;
  mutable std::unordered_set<std::string> durable_folders_;  // guarded by durable_mutex_
};

}  // namespace liverec::storage
