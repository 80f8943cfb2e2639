// Params: the decoded parameters of one API request (query string and form body merged), with
// accessors that produce the API's errors. Thread-safety: a value; one request's thread.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/signature_v1.h"
#include "base/status.h"

namespace liverec::api {

class Params {
 public:
  Params() = default;
  explicit Params(ParamMap values) : values_(std::move(values)) {}

  const ParamMap& values() const { return values_; }
  // The value, if the parameter was sent (possibly empty).
  std::optional<std::string> Get(std::string_view name) const;
  // The value if sent and not empty, else Missing<Name> (400).
  Result<std::string> Required(std::string_view name) const;
  // Integer value if sent and not empty: nullopt when absent; `malformed` with a detail when it
  // is not a decimal integer within [min, max].
  Result<std::optional<int64_t>> OptionalInt(std::string_view name, int64_t min, int64_t max,
                                             ErrorCode malformed) const;
  // One of `allowed` (any case; returned in lower case), or `fallback` when absent or empty;
  // InvalidParameter naming it otherwise.
  Result<std::string> OptionalChoice(std::string_view name,
                                     std::initializer_list<std::string_view> allowed,
                                     std::string fallback) const;
  // The sorted distinct N of parameters named "<prefix>.N" or "<prefix>.N.<field>" (N >= 1).
  std::vector<int> ListIndices(std::string_view prefix) const;

 private:
  ParamMap values_;
};

}  // namespace liverec::api
