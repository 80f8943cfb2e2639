// SampleSpool: the sample records of one MP4 track (mp4/sample_tables.h) kept in an unnamed
// temporary file beside the output while the file is written, and read back, as often as the
// tables need, when the moov is made. Memory is two 64 KiB buffers whatever the number of
// samples; the file is gone when the spool is (or the process) ends. The file is opened with
// O_TMPFILE where the file system has it, else created and unlinked at once.
// Thread-safety: none.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/mp4/sample_tables.h"

namespace liverec::media::compose {

class SampleSpool final : public mp4::SampleSource {
 public:
  // A spool in `directory`; `name` (unique there) is used when O_TMPFILE is not available.
  // kStorageFailure when no file can be made.
  static Result<std::unique_ptr<SampleSpool>> Create(const std::string& directory,
                                                     const std::string& name);
  ~SampleSpool() override;
  SampleSpool(const SampleSpool&) = delete;
  SampleSpool& operator=(const SampleSpool&) = delete;

  Status Append(const mp4::SampleRecord& record);

  // SampleSource: the appended records, in order (Rewind writes out what is buffered).
  Status Rewind() override;
  Result<bool> Next(mp4::SampleRecord& record) override;

 private:
  SampleSpool(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status FlushWrites();

  int fd_;
  std::string path_;  // for messages
  std::vector<mp4::SampleRecord> write_buffer_;
  std::vector<mp4::SampleRecord> read_buffer_;
  size_t read_index_ = 0;
  uint64_t written_ = 0;    // records in the file
  uint64_t read_next_ = 0;  // the next record to read from the file
};

}  // namespace liverec::media::compose
