// SplitAggregate: the sub-messages of an RTMP aggregate message (RTMP specification 1.0 §7.1.6):
// each a header (type 1 byte, length 3, timestamp 3 + 1 high byte, stream id 3), a body and a
// 4-byte back pointer. Timestamps are shifted so the first one equals the aggregate's; the
// aggregate's message stream id and chunk stream apply. Pure function; thread-safe.
#pragma once

#include <vector>

#include "media/rtmp/rtmp_message.h"

namespace liverec::media::rtmp {

struct SplitMessages {
  std::vector<RtmpMessage> messages;  // the sub-messages before any malformed tail
  bool complete = true;               // false: the payload ended in a malformed tail
};

SplitMessages SplitAggregate(const RtmpMessage& aggregate);

}  // namespace liverec::media::rtmp
