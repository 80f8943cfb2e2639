#include "server/playlist_tokens.h"

#include <gtest/gtest.h>

namespace liverec::server {
namespace {

TEST(PlaylistTokensTest, OnlyUriLinesAreRewrittenAndLineEndsAreKept) {
  std::string text =
      "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.000,\na.ts\r\n#EXTINF:4.000,\n"
      "../b/c.ts\n\n#EXT-X-ENDLIST\n";
  std::vector<std::string> seen;
  std::string out = RewritePlaylistUris(text, [&](std::string_view uri) {
    seen.emplace_back(uri);
    return std::optional<std::string>(std::string(uri) + "?t=1");
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a.ts", "../b/c.ts"}));
  EXPECT_EQ(out,
            "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.000,\na.ts?t=1\r\n#EXTINF:4.000,\n"
            "../b/c.ts?t=1\n\n#EXT-X-ENDLIST\n");
}

TEST(PlaylistTokensTest, AUriWithoutAReplacementStaysAsItIs) {
  std::string text = "#EXTM3U\nkeep.ts\nchange.ts";
  std::string out = RewritePlaylistUris(text, [](std::string_view uri) {
    return uri == "change.ts" ? std::optional<std::string>("changed.ts") : std::nullopt;
  });
  EXPECT_EQ(out, "#EXTM3U\nkeep.ts\nchanged.ts") << "the last line has no line end";
}

TEST(PlaylistTokensTest, RelativeReferencesResolveAgainstThePlaylistsFolder) {
  const std::string base = "/records/index/live/s1/whole.m3u8";
  EXPECT_EQ(ResolveRelativePath(base, "1_0.ts"), "/records/index/live/s1/1_0.ts");
  EXPECT_EQ(ResolveRelativePath(base, "../../../record/live/s1/1_0.ts"),
            "/records/record/live/s1/1_0.ts");
  EXPECT_EQ(ResolveRelativePath(base, "./a/./b.ts"), "/records/index/live/s1/a/b.ts");
  EXPECT_EQ(ResolveRelativePath(base, "/records-2/x.ts?v=1#f"), "/records-2/x.ts");
  EXPECT_EQ(ResolveRelativePath(base, "a%20b%2Bc.ts"), "/records/index/live/s1/a b+c.ts")
      << "decoded, as the server resolves paths";
  EXPECT_EQ(ResolveRelativePath("/records/a%41 b/p.m3u8", "x%20y.ts"), "/records/a%41 b/x y.ts")
      << "the (decoded) base is not decoded a second time";
  EXPECT_EQ(ResolveRelativePath(base, "../../../../../../etc/x.ts"), "/etc/x.ts")
      << "dot segments never climb above the root";
}

TEST(PlaylistTokensTest, UrisWithASchemeOrAnAuthorityAreNotRelative) {
  EXPECT_EQ(ResolveRelativePath("/records/a.m3u8", "http://127.0.0.1:8080/records/x.ts"),
            std::nullopt);
  EXPECT_EQ(ResolveRelativePath("/records/a.m3u8", "//cdn.example.com/x.ts"), std::nullopt);
  EXPECT_EQ(ResolveRelativePath("/records/a.m3u8", "a:b/c.ts"), std::nullopt);
  EXPECT_EQ(ResolveRelativePath("/records/a.m3u8", "a/b:c.ts"), "/records/a/b:c.ts");
}

TEST(PlaylistTokensTest, TheSeparatorDependsOnAnExistingQuery) {
  EXPECT_EQ(QuerySeparator("a.ts"), "?");
  EXPECT_EQ(QuerySeparator("a.ts?x=1"), "&");
}

}  // namespace
}  // namespace liverec::server
