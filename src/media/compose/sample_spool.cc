#include "media/compose/sample_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace liverec::media::compose {
namespace {

constexpr size_t kBufferRecords = 64 * 1024 / sizeof(mp4::SampleRecord);

Status SpoolError(const std::string& path, const char* what, int error) {
  return Status(ErrorCode::kStorageFailure, {},
                path + ": sample table spool: " + what + ": " + std::strerror(error));
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
  const auto* bytes = reinterpret_cast<const uint8_t*>(write_buffer_.data());
  size_t left = write_buffer_.size() * sizeof(mp4::SampleRecord);
  off_t at = static_cast<off_t>(written_ * sizeof(mp4::SampleRecord));
  while (left > 0) {
    const ssize_t n = ::pwrite(fd_, bytes, left, at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return SpoolError(path_, "write", n < 0 ? errno : ENOSPC);
    bytes += n;
    left -= static_cast<size_t>(n);
    at += n;
  }
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
    auto* bytes = reinterpret_cast<uint8_t*>(read_buffer_.data());
    size_t left = count * sizeof(mp4::SampleRecord);
    off_t at = static_cast<off_t>(read_next_ * sizeof(mp4::SampleRecord));
    while (left > 0) {
      const ssize_t n = ::pread(fd_, bytes, left, at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error(SpoolError(path_, "read", n < 0 ? errno : EIO));
      bytes += n;
      left -= static_cast<size_t>(n);
      at += n;
    }
    read_next_ += count;
    read_index_ = 0;
  }
  record = read_buffer_[read_index_++];
  return true;
}

}  // namespace liverec::media::compose
