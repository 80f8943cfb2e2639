// Recorded MPEG-TS slices, whole or torn by a crash and cut to whole 188-byte packets by
// recovery (that cut and its time stamp scan are the target ts_timestamps), composed into an MP4
// or FLV file as a cycle's held slices are (media/compose/: TsSliceReader over libavformat's
// mpegts demuxer, the ADTS-to-ASC filter, the timeline that closes gaps, the muxer), with the
// torn and resumed slices marked.
// Input: 1 byte of flags (container, one or two slices, which is torn or resumed), 1 byte for
// where the second slice starts, then the slice bytes (real slices the recorder wrote are the
// seeds; at most 32 KiB in all, fuzz/ts_compose_fuzz.options). The slices are written to files
// in /dev/shm, as ComposeCycle reads files.
// Properties: no crash, leak or undefined behaviour; a composition reports at most the slices it
// was given, and the file it reports is there with the size it reports; a failure leaves none.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "fuzz/fuzz_support.h"
#include "fuzz/ts_chain.h"
#include "media/compose/cycle_composer.h"

using namespace liverec;

namespace {

constexpr size_t kPacket = 188;
std::string* work_dir = nullptr;

void WriteFile(const std::string& path, std::span<const uint8_t> bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  fuzz::QuietLibav();
  std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  std::string dir = base + "/liverec-fuzz-ts-XXXXXX";
  FUZZ_CHECK(::mkdtemp(dir.data()) != nullptr);
  work_dir = new std::string(dir);
  std::atexit([] { std::filesystem::remove_all(*work_dir); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint8_t flags = data[0];
  std::span<const uint8_t> bytes(data + 2, size - 2);
  bytes = bytes.first(bytes.size() - bytes.size() % kPacket);  // cut to whole packets
  if (bytes.empty()) return 0;

  bool mp4 = flags & 1;
  bool two = flags & 2;
  size_t cut = two ? std::min<size_t>(data[1] + 1, bytes.size() / kPacket) * kPacket : bytes.size();
  std::vector<std::string> paths = {*work_dir + "/a.ts"};
  WriteFile(paths[0], bytes.first(cut));
  if (two && cut < bytes.size()) {
    paths.push_back(*work_dir + "/b.ts");
    WriteFile(paths[1], bytes.subspan(cut));
  }
  media::compose::ComposeOptions options;
  if (flags & 4) options.torn_slices.push_back(paths.size() - 1);
  if ((flags & 8) && paths.size() > 1) options.resumed_slices.push_back(1);
  std::string output = *work_dir + (mp4 ? "/out.mp4" : "/out.flv");
  auto report = media::compose::ComposeCycle(
      paths, mp4 ? media::compose::ContainerFormat::kMp4 : media::compose::ContainerFormat::kFlv,
      output, options);
  if (report) {
    FUZZ_CHECK(report->slices_composed <= paths.size());
    if (report->parameter_change_at)
      FUZZ_CHECK(*report->parameter_change_at == report->slices_composed);
    struct stat st;
    FUZZ_CHECK(::stat(output.c_str(), &st) == 0);
    FUZZ_CHECK(static_cast<uint64_t>(st.st_size) == report->bytes);
  } else {
    struct stat st;
    FUZZ_CHECK(::stat(output.c_str(), &st) != 0);  // on failure nothing is left at the output
  }
  std::filesystem::remove(output);
  return 0;
}
