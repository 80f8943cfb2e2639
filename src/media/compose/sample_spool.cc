#include "media/compose/sample_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>

#include "media/compose/positional_io.h"

namespace liverec::media::compose {
namespace {

constexpr size_t kBufferRecords = 64 * 1024 / sizeof(mp4::SampleRecord);

Status SpoolError(const std::string& path, const char* what, int error) {
  return FileError(path, std::string("sample table spool: ") + what, error);
}

}  // namespace

Result<std::unique_ptr<SampleSpool>> SampleSpool::Create(const std::string& directory,
                                                         const std::string& name) {
  const std::string dir = directory.empty() ? "." : directory;
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  std::string path = dir + "/(unnamed)";
  if (fd < 0) {
    path = dir + "/" + name;
    fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) return Error(SpoolError(path, "open", errno));
    ::unlink(path.c_str());
  }
  return std::unique_ptr<SampleSpool>(new SampleSpool(fd, path));
}

SampleSpool::~SampleSpool() { ::close(fd_); }

Status SampleSpool::Append(const mp4::SampleRecord& record) {
  write_buffer_.push_back(record);
  return write_buffer_.size() >= kBufferRecords ? FlushWrites() : Status::Ok();
}

Status SampleSpool::FlushWrites() {
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(write_buffer_.data()),
                                       write_buffer_.size() * sizeof(mp4::SampleRecord));
  LIVEREC_RETURN_IF_ERROR(WriteAllAt(fd_, path_ + " (sample table spool)", bytes,
                                     written_ * sizeof(mp4::SampleRecord)));
  written_ += write_buffer_.size();
  write_buffer_.clear();
  return Status::Ok();
}

Status SampleSpool::Rewind() {
  LIVEREC_RETURN_IF_ERROR(FlushWrites());
  read_buffer_.clear();
  read_index_ = 0;
  read_next_ = 0;
  return Status::Ok();
}

Result<bool> SampleSpool::Next(mp4::SampleRecord& record) {
  if (read_index_ == read_buffer_.size()) {
    const uint64_t count = std::min<uint64_t>(kBufferRecords, written_ - read_next_);
    if (count == 0) return false;
    read_buffer_.resize(count);
    const std::span<uint8_t> bytes(reinterpret_cast<uint8_t*>(read_buffer_.data()),
                                   count * sizeof(mp4::SampleRecord));
    LIVEREC_RETURN_IF_ERROR(ReadAllAt(fd_, path_ + " (sample table spool)", bytes,
                                      read_next_ * sizeof(mp4::SampleRecord)));
    read_next_ += count;
    read_index_ = 0;
  }
  record = read_buffer_[read_index_++];
  return true;
}

}  // namespace liverec::media::compose
