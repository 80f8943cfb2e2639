// The table of API actions: name -> function. Each action lives in its own file under
// actions/ and is a function (ActionContext&, const Params&) -> Result<json>.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "api/action_context.h"
#include "api/params.h"

namespace liverec::api {

using ActionFn = Result<nlohmann::json> (*)(ActionContext&, const Params&);

struct ActionEntry {
  std::string_view name;
  ActionFn run;
};

// nullptr when no action has that name (names are case-sensitive, as on Alibaba Cloud).
const ActionEntry* FindAction(std::string_view name);

}  // namespace liverec::api
