// Spool::CutTornToWholePackets: what is left of a slice whose writing stopped part-way (a crash,
// or a write the disk refused), made into whole MPEG-TS packets (ISO/IEC 13818-1 §2.4.3: 188
// bytes each) and measured by its timestamps.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "recorder/spool.h"
#include "recorder/ts_timestamps.h"

namespace liverec::recorder {

int64_t Spool::CutTornToWholePackets(const SpoolSlice& slice) const {
  const std::string path = PartPath(slice);
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return -1;
  auto whole = size - size % 188;
  if (whole != size && ::truncate(path.c_str(), static_cast<off_t>(whole)) != 0) return -1;
  if (whole == 0) return -1;
  TsTimestampScanner scanner;
  std::ifstream in(path, std::ios::binary);
  // 64 packets (12 KB) a read: small enough for the allocator to reuse, as the ts_timestamps fuzz
  // target needs (it runs this once per input); a slice of tens of MB takes a few thousand reads.
  std::vector<uint8_t> buffer(188 * 64);
  while (in) {
    in.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
    scanner.Feed(std::span(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  return scanner.empty() ? -1 : scanner.SpanMs();
}

}  // namespace liverec::recorder
