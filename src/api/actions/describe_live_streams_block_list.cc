// DescribeLiveStreamsBlockList: one page of a domain's forbidden streams (ForbidLiveStream with
// Oneshot=no, whose ResumeTime has not come), as "domain/app/stream", by app then stream
// (docs/api/moderation.md).
#include "api/actions/actions.h"
#include "api/record_config_params.h"
#include "base/names.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kDefaultPageSize = 2000;
constexpr int64_t kMaxPageSize = 3000;
constexpr int64_t kMaxPageNum = 100'000;

}  // namespace

Result<nlohmann::json> DescribeLiveStreamsBlockList(ActionContext& context, const Params& params) {
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  auto page_num =
      params.OptionalInt("PageNum", 1, kMaxPageNum, ErrorCode::kInvalidPageNumMalformed);
  if (!page_num) return Error(page_num.error());
  auto page_size =
      params.OptionalInt("PageSize", 1, kMaxPageSize, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  if (!context.deps.streams.blocks) {
    return Error(ErrorCode::kInternalError, "", "the block list is not configured");
  }
  int64_t num = page_num->value_or(1);
  int64_t size = page_size->value_or(kDefaultPageSize);
  auto page = context.deps.streams.blocks->List(context.caller.account_id, *domain, num, size,
                                                context.now_ms);
  if (!page) return Error(page.error());
  nlohmann::json urls = nlohmann::json::array();
  for (const auto& block : page->blocks) {
    urls.push_back(block.domain_name + "/" + block.app_name + "/" + block.stream_name);
  }
  return nlohmann::json{{"DomainName", *domain},
                        {"PageNum", num},
                        {"PageSize", size},
                        {"TotalNum", page->total},
                        {"TotalPage", (page->total + size - 1) / size},
                        {"StreamUrls", {{"StreamUrl", urls}}}};
}

}  // namespace liverec::api::actions
