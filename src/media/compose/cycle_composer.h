// ComposeCycle: makes one MP4 or FLV recording file out of a cycle's MPEG-TS slices, by stream
// copy (nothing is decoded or encoded), one slice at a time: memory does not grow with the
// number or length of the slices (with Mp4Writer::kLibavformat, the MP4 sample tables do: a few
// tens of bytes per frame).
//
// Timestamps: the file starts at 0 and runs on without gaps. Consecutive slices keep their
// timing; a slice after an interruption of the publish (marked by the caller, or detected as a
// DTS jump between slices) is moved to start one frame after the previous slice's last frame
// (see CycleTimeline).
//
// Parameter changes: a file holds slices of one codec configuration only (codec, picture size,
// H.264/HEVC parameter sets, audio sample rate, channels and profile, presence of each track).
// At the first slice whose configuration differs from the first slice's, composition stops:
// the file is complete with the slices before it, and the report says where it stopped
// (`parameter_change_at`); the caller composes the remaining slices into a new file.
//
// Output: written to `<output_path>.tmp` and renamed to `output_path` on success; on failure
// the temporary file is removed and `output_path` is untouched. Not fsynced: the output is a
// working file its caller stores (and a crash before that composes anew); durability is the
// store's.
//
// Thread-safety: a free function with no shared state; compositions may run in parallel on
// different files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/compose/compose_muxer.h"
#include "media/media_packet.h"

namespace liverec::media::compose {

struct ComposeOptions {
  // Indexes into the slice list of slices that start after the publisher went away and came
  // back: their timestamps are always rebased onto the end of the previous slice.
  std::vector<size_t> resumed_slices;
  // Indexes of slices that were cut short (a crash; the spool recovery cut them to whole TS
  // packets): the last frame of each of their tracks is left out, as it may be incomplete and
  // nothing in MPEG-TS says where an unbounded video PES ends (ISO/IEC 13818-1 §2.4.3.7,
  // PES_packet_length 0). Truncated AAC frames are left out of every slice anyway.
  std::vector<size_t> torn_slices;
  // Between other slices, a DTS jump larger than this (forwards or backwards) is closed too.
  int64_t max_slice_jump_ms = 1000;
  // Who writes an MP4 (see ComposeMuxer).
  Mp4Writer mp4_writer = Mp4Writer::kOwn;
};

struct ComposeReport {
  size_t slices_composed = 0;  // slices [0, slices_composed) are in the file
  // Set when slice `*parameter_change_at` (== slices_composed) changes the configuration.
  std::optional<size_t> parameter_change_at;
  std::vector<size_t> rebased_slices;  // slices moved in time to close a gap or a step back
  int64_t duration_ms = 0;             // first DTS to the end of the last frame
  uint64_t bytes = 0;                  // size of the file
  std::optional<CodecId> video_codec;
  int width = 0;
  int height = 0;
  std::optional<CodecId> audio_codec;
  int sample_rate = 0;
  int channels = 0;
  uint64_t dropped_packets = 0;  // incomplete or invalid frames left out
};

// Composes `ts_paths` (in order; at least one) into `output_path`. Errors name the slice:
// kStorageFailure when a slice cannot be read or the output cannot be written,
// kMediaMalformed for a slice without usable media, kMediaUnsupported for a codec the
// container cannot carry (HEVC in FLV with libavformat < 6.1), kMuxerFailure for libavformat
// failures.
[[nodiscard]] Result<ComposeReport> ComposeCycle(const std::vector<std::string>& ts_paths,
                                                 ContainerFormat format,
                                                 const std::string& output_path,
                                                 const ComposeOptions& options = {});

}  // namespace liverec::media::compose
