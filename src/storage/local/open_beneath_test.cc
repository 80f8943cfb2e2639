#include "storage/local/open_beneath.h"
#include "testing/temp_dir.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>
namespace liverec::storage {
namespace {

namespace fs = std::filesystem;
using Opener = std::function<UniqueFd(const std::string&, const std::string&, int)>;

class OpenBeneathTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    base_ = tmp_.path();
    root_ = base_ / "bucket";
    fs::create_directories(root_ / "a" / "b");
    std::ofstream(root_ / "a" / "b" / "c.ts") << "inside";
    std::ofstream(base_ / "secret") << "secret";
    fs::create_directories(base_ / "outside");
    std::ofstream(base_ / "outside" / "db") << "secret";
  }

  // Opens `relative` beneath the bucket with openat2 (false) or the per-component walk (true).
  UniqueFd Open(const std::string& relative) {
    Opener open = GetParam() ? Opener(OpenBeneathByWalkForTest) : Opener(OpenBeneath);
    return open(root_.string(), relative, O_RDONLY);
  }

  liverec::testing::TempDir tmp_{"open_beneath"};
  fs::path base_;
  fs::path root_;
};

TEST_P(OpenBeneathTest, OpensAFileInAFolderOfTheRoot) {
  UniqueFd fd = Open("a/b/c.ts");
  ASSERT_TRUE(fd.Valid());
  char buffer[16] = {};
  EXPECT_EQ(::read(fd.Get(), buffer, sizeof buffer), 6);
  EXPECT_EQ(std::string(buffer), "inside");
}

TEST_P(OpenBeneathTest, RefusesALinkAsTheFileWithEloop) {
  fs::create_symlink(base_ / "secret", root_ / "a" / "link.ts");
  errno = 0;
  EXPECT_FALSE(Open("a/link.ts").Valid());
  EXPECT_EQ(errno, ELOOP);
  fs::create_symlink(root_ / "a" / "b" / "c.ts", root_ / "a" / "inner.ts");
  EXPECT_FALSE(Open("a/inner.ts").Valid());
}

TEST_P(OpenBeneathTest, RefusesALinkedFolderOnTheWayWithEloop) {
  fs::create_directory_symlink(base_ / "outside", root_ / "a" / "dir");
  errno = 0;
  EXPECT_FALSE(Open("a/dir/db").Valid());
  EXPECT_EQ(errno, ELOOP);
  fs::create_directory_symlink(root_ / "a", root_ / "alias");
  EXPECT_FALSE(Open("alias/b/c.ts").Valid());
}

TEST_P(OpenBeneathTest, RefusesPathsThatLeaveTheRoot) {
  for (const char* relative :
       {"../secret", "a/../../secret", "/etc/passwd", "", "a//b/c.ts", "./a/b/c.ts"}) {
    errno = 0;
    EXPECT_FALSE(Open(relative).Valid()) << relative;
    EXPECT_EQ(errno, EXDEV) << relative;
  }
}

TEST_P(OpenBeneathTest, AMissingFileIsEnoent) {
  errno = 0;
  EXPECT_FALSE(Open("a/b/none.ts").Valid());
  EXPECT_EQ(errno, ENOENT);
}

TEST_P(OpenBeneathTest, TheRootItselfMayBeALink) {
  fs::create_directory_symlink(root_, base_ / "root-link");
  root_ = base_ / "root-link";
  EXPECT_TRUE(Open("a/b/c.ts").Valid());
}

INSTANTIATE_TEST_SUITE_P(Openat2AndWalk, OpenBeneathTest, ::testing::Bool(),
                         [](const auto& param_info) {
                           return param_info.param ? "Walk" : "Openat2";
                         });

}  // namespace
}  // namespace liverec::storage
