// DescribeLivePullToPushList: the caller's tasks, oldest first, paged, with fuzzy filters on
// TaskId, TaskName and DstUrl (docs/api/relay.md). TaskList is a plain array; no RetCode here.
#include <algorithm>

#include "api/actions/actions.h"
#include "api/relay_params.h"
#include "relay/relay_task_json.h"

namespace liverec::api::actions {
namespace {

Result<metadata::RelayTaskFilter> ParseFilter(const Params& params) {
  metadata::RelayTaskFilter filter;
  filter.task_id_part = params.Get("TaskId").value_or("");
  bool id_ok = filter.task_id_part.size() <= 55 &&
               std::all_of(filter.task_id_part.begin(), filter.task_id_part.end(),
                           [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
  if (!id_ok) {
    return Error(ErrorCode::kInvalidTaskIdMalformed, "",
                 "The TaskId filter has at most 55 letters, digits, '_' and '-'.");
  }
  filter.task_name_part = params.Get("TaskName").value_or("");
  filter.dst_url_part = params.Get("DstUrl").value_or("");
  return filter;
}

}  // namespace

Result<nlohmann::json> DescribeLivePullToPushList(ActionContext& context, const Params& params) {
  LIVEREC_RETURN_IF_ERROR(RequireRelayDependencies(context));
  auto region = ParseRelayRegion(params);
  if (!region) return Error(region.error());
  auto page_number =
      params.OptionalInt("PageNumber", 1, 1'000'000, ErrorCode::kInvalidPageNumberMalformed);
  if (!page_number) return Error(page_number.error());
  auto page_size = params.OptionalInt("PageSize", 1, 100, ErrorCode::kInvalidPageSizeMalformed);
  if (!page_size) return Error(page_size.error());
  auto filter = ParseFilter(params);
  if (!filter) return Error(filter.error());
  int64_t number = page_number->value_or(1), size = page_size->value_or(10);
  const RelayServices& relay = context.deps.relay;
  auto page = relay.tasks->List(context.caller.account_id, *filter,
                                context.now_ms - relay.exited_retention_ms, number, size);
  if (!page) return Error(page.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& task : page->tasks)
    list.push_back(relay::TaskJson(relay::ViewAt(task, context.now_ms)));
  return nlohmann::json{
      {"PageNumber", number}, {"PageSize", size}, {"Total", page->total}, {"TaskList", list}};
}

}  // namespace liverec::api::actions
