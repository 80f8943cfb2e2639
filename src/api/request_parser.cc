#include "api/request_parser.h"

#include "base/percent_encoding.h"

namespace liverec::api {

std::string Header(const ApiRequest& request, const std::string& name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? std::string() : it->second;
}

ParsedRequest ParseRequest(const ApiRequest& request) {
  ParsedRequest parsed;
  std::string_view target = request.target;
  auto question = target.find('?');
  parsed.path = FormDecode(target.substr(0, question));
  if (question != std::string_view::npos) {
    for (auto& [name, value] : ParseFormPairs(target.substr(question + 1))) {
      parsed.query[name] = value;
    }
  }
  parsed.params = parsed.query;
  std::string content_type = Header(request, "content-type");
  if (content_type.starts_with("application/x-www-form-urlencoded") && !request.body.empty()) {
    for (auto& [name, value] : ParseFormPairs(request.body)) parsed.params[name] = value;
  }
  return parsed;
}

}  // namespace liverec::api
