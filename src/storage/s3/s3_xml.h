// The XML of S3 replies liverec reads (error bodies, InitiateMultipartUpload, ListObjectsV2,
// CompleteMultipartUpload) and the one body it writes (CompleteMultipartUpload), over expat.
// Replies are outside input: malformed XML is an error value, never an assertion.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "storage/object_store.h"

namespace liverec::storage {

// An element that ended, in document order: its path from the root ("Error/Code") and its own
// text (character data directly inside it, entities decoded).
struct XmlElement {
  std::string path;
  std::string text;
};

// StorageFailure when `xml` is not well-formed.
Result<std::vector<XmlElement>> ParseXmlElements(std::string_view xml);

// The fields of an S3 <Error> document; nullopt when `xml` is not one (empty, HTML, ...).
struct S3ErrorBody {
  std::string code;
  std::string message;
  std::string request_id;
};
std::optional<S3ErrorBody> ParseS3Error(std::string_view xml);

// <InitiateMultipartUploadResult><UploadId>.
Result<std::string> ParseUploadId(std::string_view xml);

// One page of <ListBucketResult> (ListObjectsV2).
struct ListPage {
  std::vector<ObjectInfo> objects;
  bool truncated = false;
  std::string next_continuation_token;
};
Result<ListPage> ParseListPage(std::string_view xml);

// <CompleteMultipartUpload> naming parts 1..N with their ETags (as the server returned them).
std::string CompleteMultipartXml(const std::vector<std::string>& etags);

// &, <, >, ", ' as entities.
std::string XmlEscape(std::string_view text);

}  // namespace liverec::storage
