// S3 replies (storage/s3/s3_xml.h, s3_errors.h): every XML body an S3 service answers, parsed
// with expat into elements, error bodies, upload ids and ListObjectsV2 pages, and turned into a
// retry decision and a Status; also the one body liverec writes (CompleteMultipartUpload).
// Input: 2 bytes for the HTTP status, then the reply body (s3rver's replies are the seeds).
// Properties: no crash, leak or undefined behaviour (no entity expansion blow-up: a timeout or
// out-of-memory is a finding too); an error Status never says OK; text escaped with XmlEscape
// parses back to itself; the CompleteMultipartUpload body names the parts and ETags given.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_support.h"
#include "storage/s3/s3_errors.h"
#include "storage/s3/s3_xml.h"

using namespace liverec;
using namespace liverec::storage;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::QuietLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  long status = 100 + (data[0] | (data[1] << 8)) % 500;
  std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);

  auto elements = ParseXmlElements(body);
  auto error = ParseS3Error(body);
  if (error) FUZZ_CHECK(elements.has_value());
  (void)ParseUploadId(body);
  auto page = ParseListPage(body);
  if (page && page->truncated) (void)page->next_continuation_token.size();
  (void)IsRetryableReply(status, error ? error->code : "");
  if (status >= 300) {
    Status reply = ReplyStatus("PUT record/a.ts", status, body, 3);
    FUZZ_CHECK(!reply.ok());
  }

  // Escaped text is element text that parses back to itself, when it is XML text at all
  // (expat refuses control characters and bad UTF-8; it turns CR into LF as XML requires).
  std::string text(body);
  std::erase(text, '\r');
  auto escaped = ParseXmlElements("<a>" + XmlEscape(text) + "</a>");
  if (escaped) {
    FUZZ_CHECK(escaped->size() == 1);
    FUZZ_CHECK((*escaped)[0].text == text);
  }

  // The body liverec sends names the ETags it was given, in order (as part 1..N).
  std::vector<std::string> etags;
  for (size_t at = 0; at < text.size() && etags.size() < 8; at += 16)
    etags.push_back(text.substr(at, 16));
  auto complete = ParseXmlElements(CompleteMultipartXml(etags));
  if (complete) {
    std::vector<std::string> seen;
    for (const auto& e : *complete) {
      if (e.path == "CompleteMultipartUpload/Part/ETag") seen.push_back(e.text);
    }
    FUZZ_CHECK(seen == etags);
  }
  return 0;
}
