// DescribeLiveUserDomains: the caller's domains, paged (docs/api/domains.md): its declared
// streaming domains and their ingest aliases, and the domains its record configs or publishes
// named. liverec has no CNAMEs, regions or resource groups: those fields are empty, and every
// domain is "online".
#include <algorithm>

#include "api/actions/actions.h"
#include "base/time_format.h"

namespace liverec::api::actions {
namespace {

constexpr int64_t kDefaultPageSize = 20;
constexpr int64_t kMaxPageSize = 50;
constexpr int64_t kMaxPageNumber = 100'000;

Status Invalid(const std::string& detail) {
  return Status(ErrorCode::kInvalidParameter, "", detail);
}

// DomainSearchType on the DomainName filter (default fuzzy_match).
bool NameMatches(const std::string& name, const std::string& filter, const std::string& search) {
  if (filter.empty()) return true;
  if (search == "full_match") return name == filter;
  if (search == "pre_match") return name.starts_with(filter);
  if (search == "suf_match") return name.ends_with(filter);
  return name.find(filter) != std::string::npos;
}

}  // namespace

Result<nlohmann::json> DescribeLiveUserDomains(ActionContext& context, const Params& params) {
  std::string type = params.Get("LiveDomainType").value_or("");
  if (!type.empty() && type != "liveVideo" && type != "liveEdge") {
    return Error(Invalid("LiveDomainType must be liveVideo or liveEdge."));
  }
  std::string search = params.Get("DomainSearchType").value_or("fuzzy_match");
  if (search != "fuzzy_match" && search != "pre_match" && search != "suf_match" &&
      search != "full_match") {
    return Error(
        Invalid("DomainSearchType must be fuzzy_match, pre_match, suf_match or "
                "full_match."));
  }
  std::string status = params.Get("DomainStatus").value_or("");
  if (!status.empty() && status != "online" && status != "offline" && status != "configuring") {
    return Error(Invalid("DomainStatus must be online, offline or configuring."));
  }
  auto page_number =
      params.OptionalInt("PageNumber", 1, kMaxPageNumber, ErrorCode::kInvalidPageNumberMalformed);
  if (!page_number) return Error(page_number.error());
  auto page_size =
      params.OptionalInt("PageSize", 1, kMaxPageSize, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  std::string filter = params.Get("DomainName").value_or("");

  auto domains = context.deps.tenants.ListAccountDomains(context.caller.account_id);
  if (!domains) return Error(domains.error());
  std::vector<metadata::AccountDomain> matching;
  for (auto& d : *domains) {
    if (!type.empty() && d.type != type) continue;
    if (!status.empty() && status != "online") continue;  // every domain is online
    if (!NameMatches(d.name, filter, search)) continue;
    matching.push_back(std::move(d));
  }
  int64_t number = page_number->value_or(1), size = page_size->value_or(kDefaultPageSize);
  nlohmann::json page = nlohmann::json::array();
  const int64_t total = static_cast<int64_t>(matching.size());
  for (int64_t i = (number - 1) * size; i < std::min(total, number * size); ++i) {
    const auto& d = matching[static_cast<size_t>(i)];
    page.push_back({{"DomainName", d.name},
                    {"LiveDomainType", d.type},
                    {"LiveDomainStatus", "online"},
                    {"GmtCreated", FormatIsoUtc(d.created_ms)},
                    {"GmtModified", FormatIsoUtc(d.created_ms)},
                    {"Cname", ""},
                    {"Description", ""},
                    {"RegionName", ""},
                    {"ResourceGroupId", ""}});
  }
  return nlohmann::json{{"Domains", {{"PageData", page}}},
                        {"PageNumber", number},
                        {"PageSize", size},
                        {"TotalCount", total}};
}

}  // namespace liverec::api::actions
