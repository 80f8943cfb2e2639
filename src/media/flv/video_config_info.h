// What the FLV parser needs from a video decoder configuration record and its SPS: the
// displayed picture size and the size of the NAL unit length prefixes in frames.
#pragma once

namespace liverec::media::flv {

struct PictureSize {
  int width = 0;
  int height = 0;

  bool operator==(const PictureSize&) const = default;
};

struct VideoConfigInfo {
  int nal_length_size = 4;  // lengthSizeMinusOne + 1: 1, 2 or 4
  PictureSize size;         // from the first SPS
};

}  // namespace liverec::media::flv
