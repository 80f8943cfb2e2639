#include "flv_file_writer.h"

#include <vector>

#include "media/rtmp/byte_io.h"

namespace liverec::publish {
namespace {

using media::rtmp::AppendU24;
using media::rtmp::AppendU32;
using media::rtmp::AppendU8;

Status WriteBytes(std::ofstream& file, const std::vector<uint8_t>& bytes, const std::string& path) {
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  if (!file) return Status(ErrorCode::kStorageFailure, "", "cannot write " + path);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<FlvFileWriter>> FlvFileWriter::Create(const std::string& path) {
  std::unique_ptr<FlvFileWriter> writer(new FlvFileWriter(path));
  writer->file_.open(path, std::ios::binary | std::ios::trunc);
  if (!writer->file_)
    return Error(ErrorCode::kInvalidParameter, "output-flv", "cannot create " + path);
  // "FLV", version 1, audio and video present, header size 9, PreviousTagSize0 = 0.
  std::vector<uint8_t> header{'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0};
  LIVEREC_RETURN_IF_ERROR(WriteBytes(writer->file_, header, path));
  return writer;
}

Status FlvFileWriter::Write(const FlvTag& tag) {
  std::vector<uint8_t> header;
  auto timestamp = static_cast<uint32_t>(tag.timestamp_ms);
  AppendU8(header, static_cast<uint8_t>(tag.type));
  AppendU24(header, static_cast<uint32_t>(tag.body.size()));
  AppendU24(header, timestamp & 0xFFFFFF);
  AppendU8(header, static_cast<uint8_t>(timestamp >> 24));  // TimestampExtended
  AppendU24(header, 0);                                     // StreamID
  LIVEREC_RETURN_IF_ERROR(WriteBytes(file_, header, path_));
  LIVEREC_RETURN_IF_ERROR(WriteBytes(file_, tag.body, path_));
  std::vector<uint8_t> previous_size;
  AppendU32(previous_size, static_cast<uint32_t>(11 + tag.body.size()));
  return WriteBytes(file_, previous_size, path_);
}

Status FlvFileWriter::Close() {
  file_.close();
  if (!file_) return Status(ErrorCode::kStorageFailure, "", "cannot close " + path_);
  return Status::Ok();
}

}  // namespace liverec::publish
