// Status and Result<T>: how every fallible liverec function reports failure.
//
// A Status is a cheap value: an ErrorCode from the one catalogue (error_codes.def), an optional
// argument substituted into the catalogue's code and message (a parameter name, say), and an
// optional detail that says what exactly was wrong. No exceptions cross library boundaries.
// Thread-safety: plain values; safe to copy between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace liverec {

enum class ErrorCode {
  kOk = 0,
#define LIVEREC_ERROR(name, code, http, message) name,
#include "base/error_codes.def"
#undef LIVEREC_ERROR
};

// One row of the catalogue.
struct ErrorInfo {
  ErrorCode code;
  std::string_view public_code;  // may contain "{}"
  int http_status;
  std::string_view message;  // may contain "{}"
};

// The catalogue row for `code`; kOk yields {kOk, "OK", 200, "OK"}.
const ErrorInfo& LookUpError(ErrorCode code);

// The catalogue's internal name of `code` ("kLiveStreamNotFound"; "kOk"), and back (nullopt for
// a name this build does not know): how a Status travels between nodes (public codes are not
// unique).
std::string_view ErrorCodeName(ErrorCode code);
std::optional<ErrorCode> ErrorCodeFromName(std::string_view name);

class [[nodiscard]] Status {
 public:
  Status() = default;
  explicit Status(ErrorCode code, std::string arg = {}, std::string detail = {})
      : code_(code), arg_(std::move(arg)), detail_(std::move(detail)) {}

  // Lets `return Error(...)` and LIVEREC_RETURN_IF_ERROR serve functions returning Status too.
  Status(tl::unexpected<Status> error) : Status(std::move(error.value())) {}  // NOLINT

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& arg() const { return arg_; }
  const std::string& detail() const { return detail_; }

  // The Alibaba `Code` string, e.g. "InvalidStream.NotFound" or "MissingDomainName".
  std::string PublicCode() const;
  // The catalogue message, followed by the detail when there is one.
  std::string Message() const;
  int HttpStatus() const { return LookUpError(code_).http_status; }
  // "Code: Message", for logs and CLI output.
  std::string ToString() const;

  // Returns a copy whose detail is `context` prepended to this detail.
  Status WithContext(std::string_view context) const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string arg_;
  std::string detail_;
};

template <typename T>
using Result = tl::expected<T, Status>;

inline tl::unexpected<Status> Error(ErrorCode code, std::string arg = {}, std::string detail = {}) {
  return tl::unexpected<Status>(Status(code, std::move(arg), std::move(detail)));
}
inline tl::unexpected<Status> Error(Status status) {
  return tl::unexpected<Status>(std::move(status));
}

}  // namespace liverec

// Returns early from a function returning Status or Result<T> when `expr` (a Status) failed.
#define LIVEREC_RETURN_IF_ERROR(expr)                      \
  do {                                                     \
    ::liverec::Status liverec_status_ = (expr);            \
    if (!liverec_status_.ok()) {                           \
      return ::liverec::Error(std::move(liverec_status_)); \
    }                                                      \
  } while (0)
