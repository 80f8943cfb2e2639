// Object-name templates of recording configs ({AppName}, {Sequence}, {EscapedStartTime}, ...)
// and the rules every object key obeys. docs/object-keys.md is the reference.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace liverec::storage {

inline constexpr size_t kMaxObjectKeyBytes = 255;  // keys must be shorter than 256 bytes

enum class TemplateKind {
  kRecord,  // OssObjectPrefix: {AppName} {StreamName} {Sequence} {StartTime} {EndTime}
            //                  {EscapedStartTime} {EscapedEndTime}; needs a start and an end
  kSlice,   // SliceOssObjectPrefix: {AppName} {StreamName} {UnixTimestamp} {Sequence};
            //                  needs {UnixTimestamp} and {Sequence}
  kIndex,   // OssObject of an index file: {AppName} {StreamName} {Date} {Hour} {Minute}
            //                  {Second} {EscapedStartTime} {EscapedEndTime} {UnixTimestamp}
  kSnapshotOverwrite,  // OverwriteOssObject: {AppName} {StreamName}; ends in ".jpg"
  kSnapshotSequence,   // SequenceOssObject: {AppName} {StreamName} {UnixTimestamp} {Sequence};
                       //                  needs {UnixTimestamp} or {Sequence}; ends in ".jpg"
};

struct TemplateValues {
  std::string app_name;
  std::string stream_name;
  int64_t sequence = 0;
  int64_t start_ms = 0;           // {StartTime}, {EscapedStartTime}, {UnixTimestamp} (seconds)
  int64_t end_ms = 0;             // {EndTime}, {EscapedEndTime}
  int64_t display_offset_ms = 0;  // added to the rendered {*StartTime}/{*EndTime} (time zone)
};

// Renders `tmpl`, then appends `extension` (".ts", ".m3u8", ...). Times render in UTC:
// {StartTime} "2026-01-02-15:04:05", {EscapedStartTime} "2026-01-02-15-04-05"; {Date}
// "2026-01-02", {Hour} {Minute} {Second} two digits (all of start_ms).
// Unknown variables are left as they are (CheckObjectTemplate refuses them beforehand).
std::string RenderObjectKey(std::string_view tmpl, const TemplateValues& values,
                            std::string_view extension);

// Why `key` is not a valid object key, or nullopt: empty, >= 256 bytes, a leading '/', an empty
// or "." or ".." path segment, a control character or a backslash.
std::optional<std::string> CheckObjectKey(std::string_view key);

// Why `tmpl` is not a valid template of `kind`, or nullopt. Checks the variables, then renders
// with `app_name`/`stream_name` (a 32-byte stand-in for "*" or ""), the widest values, and
// `extension`, and checks that key.
std::optional<std::string> CheckObjectTemplate(std::string_view tmpl, TemplateKind kind,
                                               std::string_view app_name,
                                               std::string_view stream_name,
                                               std::string_view extension);

// Why `tmpl` rendered for these app and stream names with the widest times and sequence, then
// `extension`, is not a valid key, or nullopt (the variables are not checked: a template a config
// accepted, rendered for a publish's real names).
std::optional<std::string> CheckRenderedKey(std::string_view tmpl, std::string_view app_name,
                                            std::string_view stream_name,
                                            std::string_view extension);

}  // namespace liverec::storage
