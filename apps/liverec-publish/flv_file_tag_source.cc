#include "flv_file_tag_source.h"

#include <vector>

namespace liverec::publish {

Result<std::unique_ptr<FlvFileTagSource>> FlvFileTagSource::Open(const std::string& path) {
  std::unique_ptr<FlvFileTagSource> source(new FlvFileTagSource(path));
  LIVEREC_RETURN_IF_ERROR(source->Rewind());
  return source;
}

Status FlvFileTagSource::Rewind() {
  file_ = std::ifstream(path_, std::ios::binary);
  if (!file_) return Status(ErrorCode::kInvalidParameter, "input", "cannot open " + path_);
  reader_ = media::flv::FlvFileReader();
  return Status::Ok();
}

Result<std::optional<FlvTag>> FlvFileTagSource::Next() {
  std::vector<uint8_t> block(size_t{64} * 1024);
  while (true) {
    auto tag = reader_.Next();
    if (tag) return std::optional<FlvTag>(std::move(*tag));
    if (tag.error().code() != ErrorCode::kMediaNeedMoreData) {
      return Error(tag.error().WithContext(path_));
    }
    file_.read(reinterpret_cast<char*>(block.data()), static_cast<std::streamsize>(block.size()));
    auto got = static_cast<size_t>(file_.gcount());
    if (got == 0) return std::nullopt;  // a truncated last tag is dropped
    reader_.Feed(std::span<const uint8_t>(block).first(got));
  }
}

}  // namespace liverec::publish
