#include "base/log_escape.h"

#include <string>

#include <gtest/gtest.h>

namespace liverec {
namespace {

TEST(PrintableTest, PlainTextAndUtf8AreUnchanged) {
  EXPECT_EQ(Printable("rtmp://127.0.0.1/live?vhost=a.example.com&k=v"),
            "rtmp://127.0.0.1/live?vhost=a.example.com&k=v");
  EXPECT_EQ(Printable("直播/stream-ü 🎥"), "直播/stream-ü 🎥");
  EXPECT_EQ(Printable("a\\b"), "a\\b");
  EXPECT_EQ(Printable(""), "");
}

TEST(PrintableTest, LineBreaksAndTabsBecomeEscapesSoNoLineCanBeForged) {
  EXPECT_EQ(Printable("s1\n[2026-01-01 00:00:00.000] [liverec] [info] forged"),
            "s1\\n[2026-01-01 00:00:00.000] [liverec] [info] forged");
  EXPECT_EQ(Printable("a\rb\tc"), "a\\rb\\tc");
}

TEST(PrintableTest, OtherControlCharactersAndDelBecomeHexEscapes) {
  EXPECT_EQ(Printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(Printable("\x1b[2J\x1b]0;title\x07"), "\\x1b[2J\\x1b]0;title\\x07");
  EXPECT_EQ(Printable("x\x08\x7f"), "x\\x08\\x7f");
}

TEST(PrintableTest, C1ControlsAndBytesThatAreNotUtf8BecomeHexEscapes) {
  EXPECT_EQ(Printable("\xc2\x9b"
                      "31m"),
            "\\xc2\\x9b31m");  // U+009B, CSI
  EXPECT_EQ(Printable("\x9b"
                      "31m"),
            "\\x9b31m");  // a lone 8-bit CSI
  EXPECT_EQ(Printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(Printable("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(Printable("\xe4\xb8"), "\\xe4\\xb8");           // truncated sequence
  EXPECT_EQ(Printable("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(Printable("\xc2\xa0"), "\xc2\xa0");             // U+00A0 is printable
}

}  // namespace
}  // namespace liverec
