#include "api/relay_params.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "api/notify_config_params.h"
#include "base/time_format.h"

namespace liverec::api {
namespace {

constexpr std::array<std::string_view, 5> kRegions = {"ap-southeast-1", "ap-southeast-5",
                                                      "cn-beijing", "cn-shanghai", "cn-shenzhen"};
constexpr int kChangeAttempts = 5;
constexpr size_t kMinRelayAuthKeyLength = 16;
constexpr size_t kMaxRelayAuthKeyLength = 64;

bool IsIdChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; }

Status UrlError(const callbacks::UrlCheck& check, ErrorCode malformed, ErrorCode unsafe,
                std::string_view what) {
  switch (check.verdict) {
    case callbacks::UrlVerdict::kOk:
      return Status::Ok();
    case callbacks::UrlVerdict::kMalformed:
      return Status(malformed, "", fmt::format("{}: {}.", what, check.detail));
    case callbacks::UrlVerdict::kUnsafe:
      return Status(unsafe, "", fmt::format("{}: {}.", what, check.detail));
  }
  return Status(malformed);
}

Result<std::vector<std::string>> ParseUrlsJson(const std::string& text) {
  auto bad = [] {
    return Error(ErrorCode::kInvalidSourceUrlsMalformed, "",
                 "SourceUrls must be a JSON array of strings, or SourceUrls.1, SourceUrls.2, ...");
  };
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return bad();
  std::vector<std::string> urls;
  for (const auto& url : parsed) {
    if (!url.is_string()) return bad();
    urls.push_back(url.get<std::string>());
  }
  return urls;
}

}  // namespace

Status RequireRelayDependencies(const ActionContext& context) {
  if (!context.deps.relay.tasks) {
    return Status(ErrorCode::kInternalError, "", "relay services are not configured");
  }
  return Status::Ok();
}

Result<std::string> ParseRelayRegion(const Params& params) {
  auto region = params.Required("Region");
  if (!region) return Error(region.error());
  if (!IsLiveRegion(*region)) return Error(ErrorCode::kInvalidRegionMalformed);
  return *region;
}

bool IsLiveRegion(std::string_view region) {
  return std::find(kRegions.begin(), kRegions.end(), region) != kRegions.end();
}

Result<std::string> ParseTaskId(const Params& params) {
  auto id = params.Required("TaskId");
  if (!id) return Error(id.error());
  if (id->size() > 64 || !std::all_of(id->begin(), id->end(), IsIdChar)) {
    return Error(ErrorCode::kInvalidTaskIdMalformed, "",
                 "TaskId has at most 64 letters, digits, '_' and '-'.");
  }
  return *id;
}

Result<std::optional<int64_t>> ParseOptionalTime(const Params& params, const char* name,
                                                 ErrorCode malformed) {
  auto text = params.Get(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  auto ms = ParseIsoUtc(*text);
  if (!ms) return Error(malformed, "", fmt::format("Use UTC yyyy-MM-ddTHH:mm:ssZ for {}.", name));
  return ms;
}

Result<std::optional<std::vector<std::string>>> ParseSourceUrls(const Params& params) {
  auto json = params.Get("SourceUrls");
  std::vector<int> indices = params.ListIndices("SourceUrls");
  if (json && !json->empty() && !indices.empty()) {
    return Error(ErrorCode::kInvalidSourceUrlsMalformed, "",
                 "Send SourceUrls either as a JSON array or as SourceUrls.N, not both.");
  }
  if (json && !json->empty()) {
    auto urls = ParseUrlsJson(*json);
    if (!urls) return Error(urls.error());
    return std::optional<std::vector<std::string>>(std::move(*urls));
  }
  if (indices.empty()) return std::optional<std::vector<std::string>>();
  std::vector<std::string> urls;
  for (size_t i = 0; i < indices.size(); ++i) {
    auto url = params.Get(fmt::format("SourceUrls.{}", indices[i]));
    if (indices[i] != static_cast<int>(i) + 1 || !url) {
      return Error(ErrorCode::kInvalidSourceUrlsMalformed, "",
                   "SourceUrls.N must be numbered 1, 2, 3, ... without gaps.");
    }
    urls.push_back(*url);
  }
  return std::optional<std::vector<std::string>>(std::move(urls));
}

Status CheckSourceUrls(const ActionContext& context, const std::string& source_type,
                       const std::string& source_protocol, const std::vector<std::string>& urls) {
  if (urls.empty()) return Status(ErrorCode::kMissingArgument, "SourceUrls");
  if (source_type == "live" && urls.size() != 1) {
    return Status(ErrorCode::kInvalidSourceUrlsMalformed, "", "A live source has exactly one URL.");
  }
  if (urls.size() > kMaxRelaySourceUrls) {
    return Status(ErrorCode::kInvalidSourceUrlsMalformed, "", "At most 30 URLs.");
  }
  for (size_t i = 0; i < urls.size(); ++i) {
    auto check =
        relay::CheckSourceUrl(source_type, source_protocol, urls[i], context.deps.relay.urls);
    LIVEREC_RETURN_IF_ERROR(UrlError(check, ErrorCode::kInvalidSourceUrlsMalformed,
                                     ErrorCode::kInvalidSourceUrlsUnsafe,
                                     fmt::format("URL {}", i + 1)));
  }
  return Status::Ok();
}

Result<std::string> ParseDstUrl(const ActionContext& context, const Params& params) {
  auto url = params.Required("DstUrl");
  if (!url) return Error(url.error());
  LIVEREC_RETURN_IF_ERROR(UrlError(relay::CheckDstUrl(*url, context.deps.relay.urls),
                                   ErrorCode::kInvalidDstUrlMalformed,
                                   ErrorCode::kInvalidDstUrlUnsafe, "DstUrl"));
  return *url;
}

Result<std::optional<std::string>> ParseRelayCallbackUrl(ActionContext& context,
                                                         const Params& params) {
  auto url = params.Get("CallbackUrl");
  if (!url || url->empty()) return url;
  if (url->size() > relay::kMaxRelayUrlLength) {
    return Error(ErrorCode::kInvalidCallbackUrlMalformed, "", "At most 2000 characters.");
  }
  LIVEREC_RETURN_IF_ERROR(CheckCallbackUrlParam(context, *url,
                                                ErrorCode::kInvalidCallbackUrlMalformed,
                                                ErrorCode::kInvalidCallbackUrlUnsafe));
  return url;
}

Result<std::optional<bool>> ParseRelaySwitch(const Params& params, const char* name,
                                             ErrorCode malformed) {
  std::string value = params.Get(name).value_or("");
  std::transform(value.begin(), value.end(), value.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (value.empty()) return std::optional<bool>();
  if (value == "yes" || value == "true") return std::optional<bool>(true);
  if (value == "no" || value == "false") return std::optional<bool>(false);
  return Error(malformed);  // the catalogue's message names the parameter and the values
}

Result<std::optional<std::string>> ParseRelayAuthKey(const Params& params) {
  auto key = params.Get("AuthKey");
  if (!key || key->empty()) return std::optional<std::string>();
  if (key->size() < kMinRelayAuthKeyLength || key->size() > kMaxRelayAuthKeyLength ||
      !std::all_of(key->begin(), key->end(), [](unsigned char c) { return std::isalnum(c); })) {
    return Error(ErrorCode::kInvalidAuthKeyMalformed);
  }
  return key;
}

Result<relay::RelayTask> FindRelayTask(const ActionContext& context, const std::string& task_id) {
  auto found = context.deps.relay.tasks->Find(context.caller.account_id, task_id);
  if (!found) return Error(found.error());
  if (!*found || relay::IsGoneAt(**found, context.now_ms, context.deps.relay.exited_retention_ms)) {
    return Error(ErrorCode::kRelayTaskNotFound);
  }
  return relay::ViewAt(**found, context.now_ms);
}

Result<relay::RelayTask> ChangeRelayTask(const ActionContext& context, const std::string& task_id,
                                         const TaskChange& change) {
  for (int attempt = 0; attempt < kChangeAttempts; ++attempt) {
    auto task = FindRelayTask(context, task_id);
    if (!task) return Error(task.error());
    relay::RelayTask next = *task;
    auto changed = change(next);
    if (!changed) return Error(changed.error());
    if (!*changed) return *task;
    next.updated_at_ms = context.now_ms;
    Status stored = context.deps.relay.tasks->Update(next);
    if (stored.code() == ErrorCode::kRelayTaskConflict) continue;
    LIVEREC_RETURN_IF_ERROR(stored);
    next.revision += 1;
    if (context.deps.relay.listener) context.deps.relay.listener->TaskChanged(next);
    return next;
  }
  return Error(ErrorCode::kRelayTaskConflict);
}

}  // namespace liverec::api
