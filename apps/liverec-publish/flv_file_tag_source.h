// FlvFileTagSource: the tags of an FLV file, sent as they are (read with media::flv's
// FlvFileReader). Reads the file in blocks; never holds more than a block plus one tag.
// Thread-safety: none.
#pragma once

#include <fstream>
#include <string>

#include "tag_source.h"

namespace liverec::publish {

class FlvFileTagSource final : public TagSource {
 public:
  static Result<std::unique_ptr<FlvFileTagSource>> Open(const std::string& path);

  Result<std::optional<FlvTag>> Next() override;
  Status Rewind() override;

 private:
  explicit FlvFileTagSource(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::ifstream file_;
  media::flv::FlvFileReader reader_;
};

}  // namespace liverec::publish
