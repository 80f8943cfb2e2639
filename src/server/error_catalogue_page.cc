#include "server/error_catalogue_page.h"

#include <string_view>

#include <fmt/format.h>

#include "base/build_info.h"
#include "base/status.h"

namespace liverec::server {
namespace {

struct Row {
  std::string_view code;
  int http_status;
  std::string_view message;
};

constexpr Row kRows[] = {
#define LIVEREC_ERROR(name, code, http, message) Row{code, http, message},
#include "base/error_codes.def"
#undef LIVEREC_ERROR
};

std::string Escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RowHtml(const Row& row) {
  std::string code = Escaped(row.code);
  std::string cells = fmt::format("<td><code>{}</code></td><td>{}</td><td>{}</td>", code,
                                  row.http_status, Escaped(row.message));
  auto hole = row.code.find("{}");
  if (hole == std::string_view::npos) return fmt::format("<tr id=\"{}\">{}</tr>\n", code, cells);
  return fmt::format("<tr data-prefix=\"{}\" data-suffix=\"{}\">{}</tr>\n",
                     Escaped(row.code.substr(0, hole)), Escaped(row.code.substr(hole + 2)), cells);
}

constexpr std::string_view kHead = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>liverec errors</title>
<style>
body { font-family: sans-serif; max-width: 64em; margin: 2em auto; padding: 0 1em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: left; vertical-align: top; }
tr:target, tr.hit { background: #ffd; }
</style>
</head>
<body>
<h1>liverec errors</h1>
<p>Every error liverec reports, with its HTTP status and message. An API error's
<code>Recommend</code> links to its row. <code>{}</code> stands for the parameter named in the
request (e.g. <code>MissingDomainName</code>). A message may be followed by a detail saying exactly
what was wrong; 5xx answers never carry server-side details (they go to the log). Not every code
is an API answer: some describe why the server does not start, or failures of recording and
ingest reported in logs, callbacks and task states.</p>
<table>
<tr><th>Code</th><th>HTTP</th><th>Message</th></tr>
)";

constexpr std::string_view kTail = R"(</table>
<script>
(function () {
  var code = decodeURIComponent(location.hash.slice(1));
  if (!code || document.getElementById(code)) return;
  var rows = document.querySelectorAll('tr[data-prefix]');
  for (var i = 0; i < rows.length; i++) {
    var r = rows[i];
    if (code.startsWith(r.dataset.prefix) && code.endsWith(r.dataset.suffix)) {
      r.className = 'hit';
      r.scrollIntoView();
      return;
    }
  }
})();
</script>
)";

std::string Render() {
  std::string page(kHead);
  for (const Row& row : kRows) page += RowHtml(row);
  page += kTail;
  page += fmt::format("<p>liverec {}</p>\n</body>\n</html>\n", BuildVersion());
  return page;
}

}  // namespace

const std::string& ErrorCataloguePage() {
  static const std::string page = Render();
  return page;
}

}  // namespace liverec::server
