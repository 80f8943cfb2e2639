#include "storage/s3/payload_digest.h"

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include <openssl/evp.h>

#include "base/crypto.h"
#include "storage/local/posix_io.h"

namespace liverec::storage {
namespace {

constexpr size_t kBlockBytes = 1024 * 1024;

using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

class TwoDigests {
 public:
  TwoDigests() {
    EVP_DigestInit_ex(sha_.get(), EVP_sha256(), nullptr);
    EVP_DigestInit_ex(md5_.get(), EVP_md5(), nullptr);
  }
  void Update(const void* data, size_t size) {
    EVP_DigestUpdate(sha_.get(), data, size);
    EVP_DigestUpdate(md5_.get(), data, size);
  }
  PayloadDigest Finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    PayloadDigest digest;
    EVP_DigestFinal_ex(sha_.get(), out, &len);
    digest.sha256_hex = HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
    EVP_DigestFinal_ex(md5_.get(), out, &len);
    digest.md5.assign(reinterpret_cast<char*>(out), len);
    return digest;
  }

 private:
  MdCtx sha_{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  MdCtx md5_{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

}  // namespace

std::string PayloadDigest::Md5Base64() const { return Base64Encode(md5); }
std::string PayloadDigest::Md5Hex() const { return HexEncode(md5); }

PayloadDigest DigestBytes(std::span<const uint8_t> bytes) {
  TwoDigests digests;
  digests.Update(bytes.data(), bytes.size());
  return digests.Finish();
}

Result<PayloadDigest> DigestFileRange(int fd, uint64_t offset, uint64_t length,
                                      std::string_view path) {
  TwoDigests digests;
  std::vector<char> block(kBlockBytes);
  uint64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(block.size(), length - done));
    ssize_t n = ::pread(fd, block.data(), want, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(StorageError("read", path, errno));
    }
    if (n == 0) {
      return Error(Status(ErrorCode::kStorageFailure, "",
                          std::string(path) + " ended early (was it truncated?)"));
    }
    digests.Update(block.data(), static_cast<size_t>(n));
    done += static_cast<uint64_t>(n);
  }
  return digests.Finish();
}

std::string MultipartEtag(std::span<const std::string> part_md5s) {
  std::string joined;
  for (const auto& md5 : part_md5s) joined += md5;
  return HexEncode(Md5(joined)) + "-" + std::to_string(part_md5s.size());
}

}  // namespace liverec::storage
