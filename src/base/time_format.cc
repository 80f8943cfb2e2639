#include "base/time_format.h"

#include <chrono>

#include <fmt/format.h>

namespace liverec {
namespace {

std::optional<int> Digits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

struct CivilTime {
  int year;
  unsigned month, day;
  long hours, minutes, seconds;
};

CivilTime ToCivil(int64_t utc_ms) {
  using namespace std::chrono;
  auto ms = milliseconds(utc_ms);
  auto days = floor<std::chrono::days>(ms);
  year_month_day ymd{sys_days(days)};
  hh_mm_ss hms{floor<seconds>(ms - days)};
  return {static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          static_cast<long>(hms.hours().count()),
          static_cast<long>(hms.minutes().count()),
          static_cast<long>(hms.seconds().count())};
}

}  // namespace

std::string FormatIsoUtc(int64_t utc_ms) {
  CivilTime t = ToCivil(utc_ms);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year, t.month, t.day, t.hours,
                     t.minutes, t.seconds);
}

std::string FormatObjectNameTime(int64_t utc_ms, char sep) {
  CivilTime t = ToCivil(utc_ms);
  return fmt::format("{:04}-{:02}-{:02}-{:02}{}{:02}{}{:02}", t.year, t.month, t.day, t.hours, sep,
                     t.minutes, sep, t.seconds);
}

std::optional<int64_t> ParseIsoUtc(std::string_view text) {
  // 0123456789012345678
  // yyyy-MM-ddTHH:mm:ssZ
  if (text.size() < 20) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  auto year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  auto hour = Digits(text, 11, 2), minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  size_t pos = 19;
  int64_t fraction_ms = 0;
  if (text[pos] == '.') {
    size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
    auto millis = text.substr(start, std::min<size_t>(3, pos - start));
    for (size_t i = 0; i < 3; ++i) {
      fraction_ms = fraction_ms * 10 + (i < millis.size() ? millis[i] - '0' : 0);
    }
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                     std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  auto tp = sys_days(ymd) + hours(*hour) + minutes(*minute) + seconds(*second);
  return duration_cast<milliseconds>(tp.time_since_epoch()).count() + fraction_ms;
}

}  // namespace liverec
