// Object-key templates (storage/object_key_template.h): OssObjectPrefix and
// SliceOssObjectPrefix come from API callers, app and stream names from publishers; the keys
// they render name files in buckets (and paths in local buckets).
// Input: structured by FuzzedDataProvider: template kind, template, app and stream names,
// extension, sequence and times.
// Properties: no crash or undefined behaviour; a key CheckObjectKey accepts is under 256 bytes,
// relative, without '\', control characters, or empty, '.' or '..' segments; when the publish-
// time check (CheckRenderedKey) accepts a template for some names, every key it renders for
// those names with sequences and times up to the widest is accepted too.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz/fuzz_support.h"
#include "storage/object_key_template.h"

using namespace liverec::storage;

namespace {

constexpr int64_t kWidestMs = 253'402'300'799'000;  // 9999-12-31T23:59:59Z
constexpr const char* kExtensions[] = {".ts", ".m3u8", ".mp4", ".flv", "_99.ts", "_p9999_99.mp4"};
constexpr const char* kPieces[] = {"{AppName}",
                                   "{StreamName}",
                                   "{Sequence}",
                                   "{StartTime}",
                                   "{EndTime}",
                                   "{EscapedStartTime}",
                                   "{EscapedEndTime}",
                                   "{UnixTimestamp}",
                                   "{Date}",
                                   "{Hour}",
                                   "{Minute}",
                                   "{Second}",
                                   "/",
                                   ".",
                                   "..",
                                   "{",
                                   "}",
                                   "record"};

void CheckValidKey(const std::string& key) {
  FUZZ_CHECK(!key.empty() && key.size() < 256 && key.front() != '/');
  FUZZ_CHECK(key.find("//") == std::string::npos && key.back() != '/');
  FUZZ_CHECK(key.find('\\') == std::string::npos);
  for (unsigned char c : key) FUZZ_CHECK(c >= 0x20 && c != 0x7f);
  std::string segmented = "/" + key + "/";
  FUZZ_CHECK(segmented.find("/./") == std::string::npos);
  FUZZ_CHECK(segmented.find("/../") == std::string::npos);
}

std::string Template(FuzzedDataProvider& in) {
  std::string tmpl;
  int pieces = in.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < pieces; ++i) {
    tmpl += in.ConsumeBool() ? std::string(in.PickValueInArray(kPieces))
                             : in.ConsumeRandomLengthString(24);
  }
  return tmpl;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  auto kind =
      in.PickValueInArray({TemplateKind::kRecord, TemplateKind::kSlice, TemplateKind::kIndex});
  std::string tmpl = Template(in);
  std::string app = in.ConsumeRandomLengthString(64);
  std::string stream = in.ConsumeRandomLengthString(300);
  std::string extension = in.PickValueInArray(kExtensions);
  TemplateValues values{app, stream, in.ConsumeIntegralInRange<int64_t>(0, 999'999'999),
                        in.ConsumeIntegralInRange<int64_t>(0, kWidestMs),
                        in.ConsumeIntegralInRange<int64_t>(0, kWidestMs)};

  std::string key = RenderObjectKey(tmpl, values, extension);
  if (!CheckObjectKey(key)) CheckValidKey(key);

  if (!CheckRenderedKey(tmpl, app, stream, extension)) {
    auto problem = CheckObjectKey(key);
    if (problem) {
      std::fprintf(stderr, "template '%s' accepted for these names, yet renders '%s': %s\n",
                   tmpl.c_str(), key.c_str(), problem->c_str());
    }
    FUZZ_CHECK(!problem);
  }
  (void)CheckObjectTemplate(tmpl, kind, app, stream, extension);
  return 0;
}
