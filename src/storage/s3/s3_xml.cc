#include "storage/s3/s3_xml.h"

#include <charconv>
#include <memory>

#include <expat.h>

#include "base/time_format.h"

namespace liverec::storage {
namespace {

constexpr size_t kMaxXmlBytes = 16 * 1024 * 1024;

struct ParseState {
  std::vector<std::string> names;  // open elements
  std::vector<std::string> texts;  // their text so far
  std::vector<XmlElement> out;
};

std::string PathOf(const std::vector<std::string>& names) {
  std::string path;
  for (const auto& name : names) {
    if (!path.empty()) path += '/';
    path += name;
  }
  return path;
}

void OnStart(void* user, const XML_Char* name, const XML_Char** /*attributes*/) {
  auto* state = static_cast<ParseState*>(user);
  state->names.emplace_back(name);
  state->texts.emplace_back();
}

void OnEnd(void* user, const XML_Char* /*name*/) {
  auto* state = static_cast<ParseState*>(user);
  state->out.push_back({PathOf(state->names), std::move(state->texts.back())});
  state->names.pop_back();
  state->texts.pop_back();
}

void OnText(void* user, const XML_Char* text, int length) {
  auto* state = static_cast<ParseState*>(user);
  if (!state->texts.empty()) state->texts.back().append(text, static_cast<size_t>(length));
}

Status XmlError(std::string_view what) {
  return Status(ErrorCode::kStorageFailure, "", "unreadable S3 reply: " + std::string(what));
}

}  // namespace

Result<std::vector<XmlElement>> ParseXmlElements(std::string_view xml) {
  if (xml.size() > kMaxXmlBytes) return Error(XmlError("XML larger than 16 MiB"));
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate(nullptr), XML_ParserFree);
  if (!parser) return Error(XmlError("cannot create an XML parser"));
  ParseState state;
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE) !=
      XML_STATUS_OK) {
    return Error(XmlError(std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) +
                          " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get()))));
  }
  return std::move(state.out);
}

std::optional<S3ErrorBody> ParseS3Error(std::string_view xml) {
  auto elements = ParseXmlElements(xml);
  if (!elements || elements->empty() || elements->back().path != "Error") return std::nullopt;
  S3ErrorBody body;
  for (const auto& e : *elements) {
    if (e.path == "Error/Code") body.code = e.text;
    if (e.path == "Error/Message") body.message = e.text;
    if (e.path == "Error/RequestId") body.request_id = e.text;
  }
  return body;
}

Result<std::string> ParseUploadId(std::string_view xml) {
  auto elements = ParseXmlElements(xml);
  if (!elements) return Error(elements.error());
  for (const auto& e : *elements) {
    if (e.path == "InitiateMultipartUploadResult/UploadId" && !e.text.empty()) return e.text;
  }
  return Error(XmlError("no UploadId in the InitiateMultipartUpload reply"));
}

Result<ListPage> ParseListPage(std::string_view xml) {
  auto elements = ParseXmlElements(xml);
  if (!elements) return Error(elements.error());
  if (elements->empty() || elements->back().path != "ListBucketResult") {
    return Error(XmlError("the ListObjectsV2 reply is not a ListBucketResult"));
  }
  ListPage page;
  ObjectInfo current;
  for (const auto& e : *elements) {
    if (e.path == "ListBucketResult/Contents/Key") {
      current.key = e.text;
    } else if (e.path == "ListBucketResult/Contents/Size") {
      auto [end, ec] = std::from_chars(e.text.data(), e.text.data() + e.text.size(), current.size);
      if (ec != std::errc() || end != e.text.data() + e.text.size()) {
        return Error(XmlError("bad Size \"" + e.text + "\""));
      }
    } else if (e.path == "ListBucketResult/Contents/LastModified") {
      current.modified_ms = ParseIsoUtc(e.text).value_or(0);
    } else if (e.path == "ListBucketResult/Contents") {
      page.objects.push_back(std::move(current));
      current = ObjectInfo{};
    } else if (e.path == "ListBucketResult/IsTruncated") {
      page.truncated = e.text == "true";
    } else if (e.path == "ListBucketResult/NextContinuationToken") {
      page.next_continuation_token = e.text;
    }
  }
  if (page.truncated && page.next_continuation_token.empty()) {
    return Error(XmlError("a truncated listing without NextContinuationToken"));
  }
  return page;
}

std::string CompleteMultipartXml(const std::vector<std::string>& etags) {
  std::string xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (size_t i = 0; i < etags.size(); ++i) {
    xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
           XmlEscape(etags[i]) + "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  return xml;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace liverec::storage
