// FlvFileWriter: writes tags as an FLV file (Adobe FLV spec v10.1 §E.2 header, §E.3 body with
// PreviousTagSize fields, §E.4.1 FLVTAG headers). For --output-flv.
// Thread-safety: none.
#pragma once

#include <fstream>
#include <string>

#include "tag_source.h"

namespace liverec::publish {

class FlvFileWriter {
 public:
  static Result<std::unique_ptr<FlvFileWriter>> Create(const std::string& path);

  Status Write(const FlvTag& tag);
  Status Close();

 private:
  explicit FlvFileWriter(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::ofstream file_;
};

}  // namespace liverec::publish
