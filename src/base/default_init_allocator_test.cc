#include "base/default_init_allocator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace liverec {
namespace {

TEST(DefaultInitAllocatorTest, GrowingKeepsWhatWasThereAndAValueStillFills) {
  UninitBytes bytes = {1, 2, 3};
  bytes.resize(1000);  // the new bytes are the caller's to write
  std::fill(bytes.begin() + 3, bytes.end(), 7);
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(bytes[2], 3);
  EXPECT_EQ(bytes[999], 7);
  bytes.resize(2);
  bytes.resize(6, 0xee);  // with a value: filled as std::vector does
  EXPECT_EQ(bytes, (UninitBytes{1, 2, 0xee, 0xee, 0xee, 0xee}));
}

TEST(DefaultInitAllocatorTest, ElementsWithConstructorsAreStillConstructed) {
  std::vector<std::string, DefaultInitAllocator<std::string>> strings;
  strings.resize(3);  // default-initialising a std::string constructs it: empty
  strings.emplace_back("four");
  EXPECT_TRUE(strings[0].empty());
  EXPECT_EQ(strings[3], "four");
  auto moved = std::move(strings);
  EXPECT_EQ(moved.size(), 4u);
}

}  // namespace
}  // namespace liverec
