// SnapshotJpeg: one video keyframe turned into a JPEG image — decoded with libavcodec's H.264 or
// HEVC decoder from the track's decoder configuration (avcC/hvcC, as the FLV sequence header
// carries it), converted to full-range 8-bit 4:2:0 by libswscale (any decoded format: 4:2:2,
// 10-bit HEVC, ...) and encoded by libavcodec's MJPEG encoder at the picture's own size.
// Pure computation, no I/O: it blocks for the decode and the encode (a few ms for 720p; numbers
// in docs/benchmarks.md), so callers run it on worker threads, never on an I/O thread.
// Thread-safety: every call has its own codec contexts; calls may run concurrently.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "media/media_packet.h"

namespace liverec::media::snapshot {

struct JpegImage {
  std::vector<uint8_t> bytes;  // a complete JFIF file
  int width = 0;
  int height = 0;
};

// MJPEG quantizer scale, 2 (best) to 31; at 3 a 720p test picture is ~45 kB.
inline constexpr int kDefaultJpegQuality = 3;

// `keyframe` must be a video keyframe of `video`'s codec (H.264 or HEVC): MediaUnsupported for
// other codecs, MediaMalformed when the decoder gives no picture for it.
Result<JpegImage> SnapshotJpeg(const CodecConfig& video, const MediaPacket& keyframe,
                               int quality = kDefaultJpegQuality);

}  // namespace liverec::media::snapshot
