#include "storage/object_key_template.h"

#include <array>

#include <fmt/format.h>

#include "base/time_format.h"

namespace liverec::storage {
namespace {

std::optional<std::string> Value(std::string_view name, const TemplateValues& v) {
  if (name == "AppName") return v.app_name;
  if (name == "StreamName") return v.stream_name;
  if (name == "Sequence") return std::to_string(v.sequence);
  if (name == "StartTime") return FormatObjectNameTime(v.start_ms + v.display_offset_ms, ':');
  if (name == "EndTime") return FormatObjectNameTime(v.end_ms + v.display_offset_ms, ':');
  if (name == "EscapedStartTime")
    return FormatObjectNameTime(v.start_ms + v.display_offset_ms, '-');
  if (name == "EscapedEndTime") return FormatObjectNameTime(v.end_ms + v.display_offset_ms, '-');
  if (name == "UnixTimestamp") return std::to_string(v.start_ms / 1000);
  if (name == "Date" || name == "Hour" || name == "Minute" || name == "Second") {
    std::string t =
        FormatObjectNameTime(v.start_ms + v.display_offset_ms, '-');  // yyyy-MM-dd-HH-mm-ss
    if (name == "Date") return t.substr(0, 10);
    if (name == "Hour") return t.substr(11, 2);
    if (name == "Minute") return t.substr(14, 2);
    return t.substr(17, 2);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 7> kRecordVariables = {
    "AppName", "StreamName",       "Sequence",      "StartTime",
    "EndTime", "EscapedStartTime", "EscapedEndTime"};
constexpr std::array<std::string_view, 4> kSliceVariables = {"AppName", "StreamName",
                                                             "UnixTimestamp", "Sequence"};
constexpr std::array<std::string_view, 2> kOverwriteVariables = {"AppName", "StreamName"};
constexpr std::array<std::string_view, 9> kIndexVariables = {
    "AppName", "StreamName",       "Date",           "Hour",         "Minute",
    "Second",  "EscapedStartTime", "EscapedEndTime", "UnixTimestamp"};

}  // namespace

std::string RenderObjectKey(std::string_view tmpl, const TemplateValues& values,
                            std::string_view extension) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  size_t pos = 0;
  while (pos < tmpl.size()) {
    auto open = tmpl.find('{', pos);
    if (open == std::string_view::npos) break;
    auto close = tmpl.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    auto name = tmpl.substr(open + 1, close - open - 1);
    if (auto value = Value(name, values)) {
      out += *value;
    } else {
      out.append(tmpl.substr(open, close - open + 1));
    }
    pos = close + 1;
  }
  out.append(tmpl.substr(pos));
  out.append(extension);
  return out;
}

std::optional<std::string> CheckObjectKey(std::string_view key) {
  if (key.empty()) return "the name is empty";
  if (key.size() > kMaxObjectKeyBytes) {
    return fmt::format("the name is {} bytes; it must be shorter than 256", key.size());
  }
  if (key.front() == '/') return "the name must not start with '/'";
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) return "the name must not contain control characters";
    if (c == '\\') return "the name must not contain '\\'";
  }
  size_t start = 0;
  while (start <= key.size()) {
    auto slash = key.find('/', start);
    auto segment = key.substr(start, slash == std::string_view::npos ? key.npos : slash - start);
    if (segment.empty())
      return "the name must not contain an empty path segment ('//' or a trailing '/')";
    if (segment == "." || segment == "..") return "the name must not contain a '.' or '..' segment";
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::nullopt;
}

std::optional<std::string> CheckObjectTemplate(std::string_view tmpl, TemplateKind kind,
                                               std::string_view app_name,
                                               std::string_view stream_name,
                                               std::string_view extension) {
  if (tmpl.empty()) return "the template is empty";
  bool has_start = false, has_end = false, has_unix = false, has_sequence = false;
  size_t pos = 0;
  while ((pos = tmpl.find_first_of("{}", pos)) != std::string_view::npos) {
    if (tmpl[pos] == '}') return "unbalanced '}'";
    auto close = tmpl.find('}', pos);
    if (close == std::string_view::npos) return "unbalanced '{'";
    auto name = tmpl.substr(pos + 1, close - pos - 1);
    bool known = false;
    if (kind == TemplateKind::kRecord) {
      for (auto v : kRecordVariables) known |= v == name;
    } else if (kind == TemplateKind::kSlice || kind == TemplateKind::kSnapshotSequence) {
      for (auto v : kSliceVariables) known |= v == name;
    } else if (kind == TemplateKind::kSnapshotOverwrite) {
      for (auto v : kOverwriteVariables) known |= v == name;
    } else {
      for (auto v : kIndexVariables) known |= v == name;
    }
    if (!known) return fmt::format("unknown variable {{{}}}", name);
    has_start |= name == "StartTime" || name == "EscapedStartTime";
    has_end |= name == "EndTime" || name == "EscapedEndTime";
    has_unix |= name == "UnixTimestamp";
    has_sequence |= name == "Sequence";
    pos = close + 1;
  }
  if (kind == TemplateKind::kRecord && !(has_start && has_end)) {
    return "it must contain {StartTime} or {EscapedStartTime} and {EndTime} or {EscapedEndTime}";
  }
  if (kind == TemplateKind::kSlice && !(has_unix && has_sequence)) {
    return "it must contain {UnixTimestamp} and {Sequence}";
  }
  if (kind == TemplateKind::kSnapshotSequence && !(has_unix || has_sequence)) {
    return "it must contain {UnixTimestamp} or {Sequence}";
  }
  if ((kind == TemplateKind::kSnapshotOverwrite || kind == TemplateKind::kSnapshotSequence) &&
      !tmpl.ends_with(".jpg")) {
    return "it must end in .jpg (snapshots are JPEG images)";
  }
  auto stand_in = [](std::string_view name) {
    return (name.empty() || name == "*") ? std::string(32, 's') : std::string(name);
  };
  return CheckRenderedKey(tmpl, stand_in(app_name), stand_in(stream_name), extension);
}

std::optional<std::string> CheckRenderedKey(std::string_view tmpl, std::string_view app_name,
                                            std::string_view stream_name,
                                            std::string_view extension) {
  TemplateValues widest{std::string(app_name), std::string(stream_name), 999'999'999,
                        253'402'300'799'000, 253'402'300'799'000};
  if (auto problem = CheckObjectKey(RenderObjectKey(tmpl, widest, extension))) {
    return "the rendered name is invalid: " + *problem;
  }
  return std::nullopt;
}

}  // namespace liverec::storage
