// Recorded MPEG-TS slices torn by a crash (or by a write the disk refused), as recovery reads
// them: Spool::CutTornToWholePackets cuts the slice's .part file to whole 188-byte packets and
// measures it by its PES time stamps (recorder/ts_timestamps.h); Recorder::Recover and
// StreamRecorder then close the slice with that duration, or remove it when there is none. That
// is all recovery reads of a torn slice's bytes (its sidecar is the target spool_sidecar); the
// composition of held slices into MP4/FLV that may follow is the target ts_compose.
// Input: 2 bytes that choose how the bytes are split into reads, then the slice's bytes as the
// crash left them, of any length (the seeds are those of ts_compose: real slices, one torn).
// The slice is written to a .part file in the spool, as recovery finds it.
// Properties: no crash, leak or undefined behaviour; the time stamp scan does not depend on how
// the bytes are split, torn or whole; the file is left with exactly its whole packets, and the
// duration returned is the scan of them (never negative), or -1 exactly when they are none or
// hold no time stamp.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzz/fuzz_support.h"
#include "recorder/spool.h"
#include "recorder/ts_timestamps.h"

using namespace liverec;

namespace {

constexpr size_t kPacket = 188;

struct Fixture {
  std::string root;
  recorder::Spool spool{""};
  recorder::SpoolSlice slice;
};
Fixture* fixture = nullptr;

// The scan of `bytes` fed at once, checked against the same bytes fed in pieces.
void ScanBothWays(std::span<const uint8_t> bytes, uint32_t seed) {
  recorder::TsTimestampScanner whole, pieces;
  whole.Feed(bytes);
  for (auto piece : fuzz::SplitPieces(bytes, seed, 4000)) pieces.Feed(piece);
  FUZZ_CHECK(whole.empty() == pieces.empty());
  FUZZ_CHECK(whole.SpanMs() == pieces.SpanMs());
  FUZZ_CHECK(whole.SpanMs() >= 0);
  FUZZ_CHECK(!whole.empty() || whole.SpanMs() == 0);
}

void WriteFile(const std::string& path, std::span<const uint8_t> bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  std::string dir = base + "/liverec-fuzz-torn-XXXXXX";
  FUZZ_CHECK(::mkdtemp(dir.data()) != nullptr);
  fixture = new Fixture{dir, recorder::Spool(dir), {}};
  fixture->slice.plan.stream_id = "stream";
  fixture->slice.id = "slice";
  std::filesystem::create_directories(fixture->spool.StreamDir(fixture->slice.plan.stream_id));
  std::atexit([] { std::filesystem::remove_all(fixture->root); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint32_t seed = data[0] | (data[1] << 8);
  std::span<const uint8_t> torn(data + 2, size - 2);
  std::span<const uint8_t> whole = torn.first(torn.size() - torn.size() % kPacket);
  ScanBothWays(torn, seed);
  recorder::TsTimestampScanner scan;
  scan.Feed(whole);

  const std::string path = fixture->spool.PartPath(fixture->slice);
  WriteFile(path, torn);
  int64_t duration = fixture->spool.CutTornToWholePackets(fixture->slice);
  struct stat st;
  FUZZ_CHECK(::stat(path.c_str(), &st) == 0);
  FUZZ_CHECK(static_cast<size_t>(st.st_size) == whole.size());
  FUZZ_CHECK(duration == (whole.empty() || scan.empty() ? -1 : scan.SpanMs()));
  return 0;
}
