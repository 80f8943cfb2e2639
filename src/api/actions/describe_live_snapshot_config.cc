// DescribeLiveSnapshotConfig: the caller's snapshot configs of a domain (of one app when AppName
// is sent), paged (docs/api/snapshots.md).
#include "api/actions/actions.h"
#include "api/record_config_params.h"
#include "api/snapshot_params.h"
#include "base/names.h"

namespace liverec::api::actions {

Result<nlohmann::json> DescribeLiveSnapshotConfig(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireSnapshotDependencies(context));
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  std::string app = params.Get("AppName").value_or("");
  if (!app.empty() && app != "*" && !IsValidAppName(app)) {
    return Error(ErrorCode::kInvalidAppNameMalformed);
  }
  auto page_num = params.OptionalInt("PageNum", 1, 1'000'000, ErrorCode::kInvalidPageNumMalformed);
  if (!page_num) return Error(page_num.error());
  auto page_size = params.OptionalInt("PageSize", 5, 30, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  auto order = params.OptionalChoice("Order", {"asc", "desc"}, "asc");
  if (!order) return Error(order.error());
  const int64_t num = page_num->value_or(1);
  const int64_t size = page_size->value_or(10);

  auto page = context.deps.snapshots.configs->List(context.caller.account_id, *domain, app, num,
                                                   size, *order == "asc");
  if (!page) return Error(page.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& config : page->configs) list.push_back(SnapshotConfigToJson(config));
  return nlohmann::json{{"PageNum", num},
                        {"PageSize", size},
                        {"Order", *order},
                        {"TotalNum", page->total},
                        {"TotalPage", (page->total + size - 1) / size},
                        {"LiveStreamSnapshotConfigList", {{"LiveStreamSnapshotConfig", list}}}};
}

}  // namespace liverec::api::actions
