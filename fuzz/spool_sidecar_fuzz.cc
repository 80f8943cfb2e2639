// Spool sidecars (recorder/spool.h, recording_plan.h): the JSON beside every slice in the spool,
// read at recovery after a crash (possibly torn, or edited by hand) to finish, store and index
// the slice with the recording plan it holds (templates, names, durations, push arguments).
// Input: the sidecar's text.
// Properties: no crash, leak or undefined behaviour; what parses writes back to JSON that
// parses to the same slice; the plan's key check (CheckPlanKeys) takes any templates and names;
// the files a parsed slice names are in a stream's folder directly under the spool's root.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.h"
#include "recorder/spool.h"

using namespace liverec;
using namespace liverec::recorder;

namespace {

// One path segment: not empty, no '/', not "." or "..".
bool IsPlainName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto slice = Spool::ParseSidecar(text);
  if (!slice) return 0;
  nlohmann::json written = ToJson(*slice);
  auto again = Spool::ParseSidecar(written.dump());
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(ToJson(*again) == written);
  (void)CheckPlanKeys(slice->plan);
  // Recovery renames, truncates and removes the files these name: a stream's folder directly
  // under the root (not one of the spool's own), and a file directly in it.
  FUZZ_CHECK(IsPlainName(slice->plan.stream_id) && !Spool::IsReservedDir(slice->plan.stream_id));
  FUZZ_CHECK(IsPlainName(slice->id));
  return 0;
}
