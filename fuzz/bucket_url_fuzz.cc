// Signed bucket URLs (server/bucket_access.h, storage/url_token.h): the query of a request to a
// private bucket (a token, or anything), and a playlist served through a token whose segment
// URIs are resolved and signed (server/playlist_tokens.h).
// Input: "<path>\n<query>\n<playlist text>" (missing parts are empty).
// Properties: no crash; only a token minted for a path verifies for it, not for the path with a
// byte added, nor in another bucket; a minted prefix URL verifies only below its prefix; the
// signed playlist keeps every tag line and the number of lines, each URI line being the stored
// one (or a token added to it); resolved relative references are absolute paths.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "fuzz/fuzz_support.h"
#include "server/bucket_access.h"
#include "server/playlist_tokens.h"
#include "storage/url_token.h"

using namespace liverec;

namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FakeClock clock(1'700'000'000'000);
  static SeededRandom random(1);
  static server::BucketAccess* access = [] {
    server::BucketAccessEntry records{"default", "local", "records",
                                      true,      true,    "0123456789abcdef0123456789abcdef"};
    server::BucketAccessEntry other{"default", "local", "records-2",
                                    true,      true,    "fedcba9876543210fedcba9876543210"};
    server::BucketAccessEntry open{"default", "local", "open", true, false};
    return new server::BucketAccess({records, other, open}, "http://127.0.0.1:8080", clock, random);
  }();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t first = input.find('\n');
  std::string_view path = input.substr(0, first);
  std::string_view rest = first == std::string_view::npos ? "" : input.substr(first + 1);
  size_t second = rest.find('\n');
  std::string_view query = rest.substr(0, second);
  std::string_view playlist = second == std::string_view::npos ? "" : rest.substr(second + 1);

  // Hostile queries: any verdict, never a crash; a valid one names a time in the future.
  auto verdict = access->Admit("records", "/records/" + std::string(path), query);
  if (verdict.by_token) FUZZ_CHECK(verdict.expires_s >= clock.NowMs() / 1000);

  // A minted token holds for its own path only.
  std::string key(path);
  auto url = access->SignedUrl("local", "records", key, false, 60);
  if (url) {
    std::string minted = url->substr(url->find('?') + 1);
    FUZZ_CHECK(access->Admit("records", "/records/" + key, minted).allowed);
    FUZZ_CHECK(!access->Admit("records", "/records/" + key + "x", minted).allowed);
    FUZZ_CHECK(!access->Admit("records-2", "/records-2/" + key, minted).allowed);
  }
  auto prefix = access->SignedUrl("local", "records", key, true, 60);
  if (prefix) {
    std::string minted = prefix->substr(prefix->find('?') + 1);
    FUZZ_CHECK(access->Admit("records", "/records/" + key + "/a.ts", minted).allowed);
    if (!key.empty()) {
      std::string outside = "/records/" + key;
      outside.back() = static_cast<char>(outside.back() ^ 1);
      FUZZ_CHECK(!access->Admit("records", outside, minted).allowed);
    }
  }

  // A playlist served through a token: its lines stay, URIs only gain a token.
  std::string base = "/records/" + std::string(path);
  std::string signed_text = access->SignPlaylist("records", base, playlist, 1'700'000'100);
  auto before = Lines(playlist), after = Lines(signed_text);
  FUZZ_CHECK(before.size() == after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    std::string_view b = before[i], a = after[i];
    if (b.ends_with('\r')) b.remove_suffix(1);
    if (a.ends_with('\r')) a.remove_suffix(1);
    if (b.empty() || b.front() == '#') {
      FUZZ_CHECK(a == b);
    } else {
      FUZZ_CHECK(a.starts_with(b));
    }
    auto resolved = server::ResolveRelativePath(base, b);
    if (resolved) FUZZ_CHECK(!resolved->empty() && resolved->front() == '/');
  }
  return 0;
}
