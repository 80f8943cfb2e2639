// Spool: the local directory where slices are written before they are stored. Layout:
//   <spool>/<stream_id>/<slice_id>.json      sidecar (SpoolSlice), written at open and at close
//   <spool>/<stream_id>/<slice_id>.ts.part   the slice while it is being written
//   <spool>/<stream_id>/<slice_id>.ts        the slice once closed (fsynced, renamed)
//   <spool>/cycles/<cycle_id>.m3u8           written by earlier versions (the open cycle's
//                                            playlist, rewritten per slice); removed at close
//   <spool>/held/<stream_id>/<slice_id>.ts   a slice open MP4/FLV cycles will compose (no
//                                            sidecar: the database's held_slices rows say what
//                                            it is; deleted when no cycle holds it any more)
//   <spool>/compose/<cycle_id>_<part>.<ext>  an MP4/FLV file being composed, before storing
//   <spool>/orphans/<stream_id>/<id>.ts.part  a slice file a crash left without a sidecar,
//                                            set aside at recovery (spool_orphans.h)
//   <spool>/failed/<stream_id>/<slice_id>.ts  a slice its bucket refused for good (an invalid
//                                            key, access denied, ...): kept, with its sidecar
//                                            (.json) and the reason (.reason.txt); never
//                                            retried by itself (spool_failed.cc)
// Sidecars are written to a temporary name, fsynced, renamed, and their directory fsynced; a
// closed slice's file is fsynced before its rename. Folders are created only when an open or a
// rename finds them missing, and then the parent of each is fsynced. docs/recording.md
// ("File-system work per slice") lists every fsync and what it protects. Thread-safety: the
// functions may be called from any thread for different slices.
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "media/byte_sink.h"
#include "recorder/recording_plan.h"
#include "recorder/spool_health.h"

namespace liverec::recorder {

class SpoolFileSink;

// The fsyncs a Spool made, of files and of directories (tests; shared by copies of the Spool).
struct SpoolSyncs {
  std::atomic<int64_t> files{0};
  std::atomic<int64_t> directories{0};
  void Count(bool directory) {
    (directory ? directories : files).fetch_add(1, std::memory_order_relaxed);
  }
};

class Spool {
 public:
  explicit Spool(std::string root) : root_(std::move(root)) {}

  const std::string& root() const { return root_; }
  std::string StreamDir(const std::string& stream_id) const;
  std::string PartPath(const SpoolSlice& slice) const;
  std::string ClosedPath(const SpoolSlice& slice) const;
  std::string SidecarPath(const SpoolSlice& slice) const;
  std::string CyclePlaylistPath(const std::string& cycle_id) const;
  std::string HeldPath(const std::string& stream_id, const std::string& slice_id) const;
  std::string ComposePath(const std::string& cycle_id, int64_t part, const std::string& ext) const;
  std::string HeldRoot() const { return root_ + "/held"; }
  std::string ComposeRoot() const { return root_ + "/compose"; }
  std::string FailedRoot() const { return root_ + "/failed"; }

  // Writes the sidecar atomically and durably (temp file, fsync, rename, directory fsync).
  // Creates the stream's folder when it is missing.
  Status WriteSidecar(const SpoolSlice& slice) const;
  // fsyncs the .part file, renames it to .ts, rewrites the sidecar as closed (durably: the
  // directory fsync covers both renames). `slice.closed` says whether the .ts is in place, also
  // when the sidecar could not be rewritten.
  Status CloseSlice(SpoolSlice& slice) const;
  // Cuts the slice's .part file (torn by a crash or by a failed write) to whole 188-byte TS
  // packets and returns the duration of what it holds in ms; -1 when no whole media is left.
  int64_t CutTornToWholePackets(const SpoolSlice& slice) const;
  // Removes the slice's files (after it is stored and indexed). Not fsynced: a power cut may
  // bring them back, and recovery then finishes the slice again.
  void Remove(const SpoolSlice& slice) const;
  // Moves the closed slice to its held path (for MP4/FLV cycles), fsyncs the held folder, and
  // removes its sidecar. Idempotent: a slice already moved is left as it is.
  Status Hold(const SpoolSlice& slice) const;
  // Moves the closed (or torn) slice and its sidecar to failed/<stream_id>/ and writes `reason`
  // beside them. Idempotent.
  Status SetAside(const SpoolSlice& slice, const std::string& reason) const;
  // Links (or copies) the held slice into failed/<stream_id>/ with `reason`: the held file stays
  // for the other cycles that hold it.
  Status SetAsideHeld(const std::string& stream_id, const std::string& slice_id,
                      const std::string& reason) const;
  // Every sidecar under the root (for recovery), parsed; unreadable ones are logged and skipped.
  // Slices set aside in failed/ are not listed.
  std::vector<SpoolSlice> ScanSidecars() const;
  // One sidecar file, parsed: an error when it is not whole JSON of a SpoolSlice, or when its
  // stream id or slice id is not a plain file name (empty, '.', '..', with a '/', or one of the
  // spool's own folders), as recovery would then act on files outside the stream's folder.
  static Result<SpoolSlice> ReadSidecar(const std::string& path);
  // The text of a sidecar file, parsed (ReadSidecar without the file: fuzz/spool_sidecar_fuzz.cc).
  static Result<SpoolSlice> ParseSidecar(std::string_view text);
  // Whether a directory directly under the root is one of the spool's own (cycles, held,
  // compose, orphans, failed) rather than a stream's.
  static bool IsReservedDir(std::string_view name);
  // Atomic and durable write of a whole small file (temp file, fsync, rename, directory fsync).
  static Status WriteFileAtomically(const std::string& path, const std::string& content);
  // Failed and successful writes into the spool, for /healthz (shared by copies of the Spool).
  SpoolHealth& health() const { return *health_; }
  // Creates the slice's .part file for writing.
  Result<std::unique_ptr<SpoolFileSink>> OpenPart(const SpoolSlice& slice) const;
  // While on, every write to a .part file opened by OpenPart fails with ENOSPC, as on a full
  // disk (simulations of a full disk; shared by copies of the Spool).
  void FailPartWritesForTest(bool fail) const { fail_part_writes_->store(fail); }
  const SpoolSyncs& SyncsForTest() const { return *syncs_; }

 private:
  // Writes `content` to `<path>.tmp`, fsyncs it, renames it to `path`, fsyncs the directory.
  static Status WriteFile(const std::string& path, const std::string& content, SpoolSyncs& syncs);

  std::string root_;
  std::shared_ptr<SpoolSyncs> syncs_ = std::make_shared<SpoolSyncs>();
  std::shared_ptr<SpoolHealth> health_ = std::make_shared<SpoolHealth>();
  std::shared_ptr<std::atomic<bool>> fail_part_writes_ = std::make_shared<std::atomic<bool>>();
};

// A ByteSink over a spool file (unbuffered: each Write is one write(2), the TS writer batches
// 32 KiB or 500 ms of media at a time). Close does not fsync: Spool::CloseSlice does, on the
// stream's lane, off the connection's thread.
class SpoolFileSink final : public media::ByteSink {
 public:
  // `fail_writes` (optional) makes every Write fail with ENOSPC while it is true. The folder is
  // created when missing (its parent fsynced, counted in `syncs` when given).
  static Result<std::unique_ptr<SpoolFileSink>> Open(
      const std::string& path, std::shared_ptr<const std::atomic<bool>> fail_writes = nullptr,
      SpoolSyncs* syncs = nullptr);
  ~SpoolFileSink() override;
  Status Write(std::span<const uint8_t> bytes) override;
  Status Close();
  int64_t bytes() const { return bytes_; }

 private:
  SpoolFileSink(FILE* file, std::shared_ptr<const std::atomic<bool>> fail_writes)
      : file_(file), fail_writes_(std::move(fail_writes)) {}
  FILE* file_;
  std::shared_ptr<const std::atomic<bool>> fail_writes_;
  int64_t bytes_ = 0;
};

}  // namespace liverec::recorder
