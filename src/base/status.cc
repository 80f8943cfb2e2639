#include "base/status.h"

#include <array>

#include <fmt/format.h>

namespace liverec {
namespace {

constexpr ErrorInfo kOkInfo{ErrorCode::kOk, "OK", 200, "OK"};

constexpr std::array kCatalogue = {
#define LIVEREC_ERROR(name, code, http, message) ErrorInfo{ErrorCode::name, code, http, message},
#include "base/error_codes.def"
#undef LIVEREC_ERROR
};

constexpr std::array<std::string_view, kCatalogue.size()> kNames = {
#define LIVEREC_ERROR(name, code, http, message) #name,
#include "base/error_codes.def"
#undef LIVEREC_ERROR
};

std::string Substitute(std::string_view pattern, const std::string& arg) {
  std::string out(pattern);
  for (auto pos = out.find("{}"); pos != std::string::npos;
       pos = out.find("{}", pos + arg.size())) {
    out.replace(pos, 2, arg);
  }
  return out;
}

}  // namespace

const ErrorInfo& LookUpError(ErrorCode code) {
  if (code == ErrorCode::kOk) return kOkInfo;
  auto index = static_cast<size_t>(code) - 1;
  return kCatalogue.at(index);
}

std::string_view ErrorCodeName(ErrorCode code) {
  if (code == ErrorCode::kOk) return "kOk";
  return kNames.at(static_cast<size_t>(code) - 1);
}

std::optional<ErrorCode> ErrorCodeFromName(std::string_view name) {
  if (name == "kOk") return ErrorCode::kOk;
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return kCatalogue[i].code;
  }
  return std::nullopt;
}

std::string Status::PublicCode() const { return Substitute(LookUpError(code_).public_code, arg_); }

std::string Status::Message() const {
  std::string message = Substitute(LookUpError(code_).message, arg_);
  if (!detail_.empty()) {
    message += ' ';
    message += detail_;
  }
  return message;
}

std::string Status::ToString() const { return fmt::format("{}: {}", PublicCode(), Message()); }

Status Status::WithContext(std::string_view context) const {
  std::string detail(context);
  if (!detail_.empty()) detail += ": " + detail_;
  return Status(code_, arg_, std::move(detail));
}

}  // namespace liverec
