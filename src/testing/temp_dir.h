// TempDir: a fresh directory under $TMPDIR for one test, removed with everything in it when the
// object goes. Thread-safety: a plain value owned by one test.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace liverec::testing {

class TempDir {
 public:
  // Makes <tmp>/liverec-<prefix>-XXXXXX; aborts the test binary when it cannot.
  explicit TempDir(std::string_view prefix = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `name` inside the directory.
  std::string File(std::string_view name) const;

 private:
  std::filesystem::path path_;
};

}  // namespace liverec::testing
