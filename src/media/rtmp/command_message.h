// RTMP command messages (RTMP specification 1.0 §7.1.1, §7.2): an AMF0 command name, a
// transaction id, a command object and optional arguments. Parsing and building, shared by the
// server session and the publishing client. Pure functions. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/rtmp/amf0.h"
#include "media/rtmp/rtmp_message.h"

namespace liverec::media::rtmp {

struct Command {
  std::string name;
  double transaction_id = 0;
  std::vector<Amf0Value> args;  // after the transaction id: the command object (or null) first

  // args[i], or an undefined value when absent.
  const Amf0Value& Arg(size_t i) const;
};

// Parses an AMF0 (type 20) or AMF3 (type 17, whose AMF0-encoded body follows a 0 byte) command.
// A payload that is not AMF0, or does not start with a name and a transaction id, is an error.
Result<Command> ParseCommand(const RtmpMessage& message);

// The values of a data message (type 18, or type 15 with a leading 0 byte).
Result<std::vector<Amf0Value>> ParseDataMessage(const RtmpMessage& message);

RtmpMessage MakeCommand(const std::string& name, double transaction_id,
                        const std::vector<Amf0Value>& args, uint32_t stream_id = 0,
                        uint32_t chunk_stream_id = kCommandChunkStream);

// The info object of onStatus and _result/_error: {level, code, description}.
Amf0Value StatusInfo(const std::string& level, const std::string& code,
                     const std::string& description);

// onStatus(0, null, {level, code, description}) on `stream_id` (§7.2.2).
RtmpMessage MakeOnStatus(uint32_t stream_id, const std::string& level, const std::string& code,
                         const std::string& description);

}  // namespace liverec::media::rtmp
