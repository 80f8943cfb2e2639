#include "metadata/postgres/postgres_url.h"

namespace liverec::metadata {
namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};

// Where the authority (user:password@host:port) ends: at the path, the query or the end.
size_t AuthorityEnd(std::string_view url, size_t start) {
  size_t end = url.find_first_of("/?", start);
  return end == std::string_view::npos ? url.size() : end;
}

size_t SchemeLength(std::string_view url) {
  for (std::string_view scheme : kSchemes) {
    if (url.starts_with(scheme)) return scheme.size();
  }
  return 0;
}

// Replaces the value of every `password=` query parameter with "***".
std::string MaskPasswordParameter(std::string url) {
  size_t query = url.find('?');
  for (size_t at = query; at != std::string::npos && at < url.size();) {
    size_t name = at + 1;
    size_t next = url.find('&', name);
    size_t end = next == std::string::npos ? url.size() : next;
    if (url.compare(name, 9, "password=") == 0) {
      url.replace(name + 9, end - name - 9, "***");
      end = name + 12;
    }
    at = end < url.size() ? end : std::string::npos;
  }
  return url;
}

}  // namespace

bool IsPostgresUrl(std::string_view url) { return SchemeLength(url) > 0; }

std::string MaskDatabaseUrl(std::string_view url) {
  size_t start = SchemeLength(url);
  if (start == 0) return "(connection string)";
  std::string out(url);
  size_t end = AuthorityEnd(url, start);
  size_t at = url.rfind('@', end);
  if (at != std::string_view::npos && at >= start) {
    size_t colon = url.find(':', start);
    if (colon != std::string_view::npos && colon < at)
      out.replace(colon + 1, at - colon - 1, "***");
  }
  return MaskPasswordParameter(std::move(out));
}

std::string WithDatabaseName(std::string_view url, std::string_view dbname) {
  size_t start = SchemeLength(url);
  size_t end = AuthorityEnd(url, start);
  size_t query = url.find('?', end);
  if (query == std::string_view::npos) query = url.size();
  std::string out(url.substr(0, end));
  out += "/";
  out += dbname;
  out += url.substr(query);
  return out;
}

std::string NumberPlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or quoted identifier; doubled quotes stay inside
      size_t close = sql.find(c, i + 1);
      while (close != std::string_view::npos && close + 1 < sql.size() && sql[close + 1] == c) {
        close = sql.find(c, close + 2);
      }
      size_t stop = close == std::string_view::npos ? sql.size() : close + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t stop = sql.find('\n', i);
      stop = stop == std::string_view::npos ? sql.size() : stop;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t close = sql.find("*/", i + 2);
      size_t stop = close == std::string_view::npos ? sql.size() : close + 2;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += c;
    }
  }
  if (count) *count = n;
  return out;
}

}  // namespace liverec::metadata
