// The main() of every GoogleTest binary of liverec (cmake/liverec.cmake, liverec_gtest_main):
// GoogleTest's own, except that a skipped test fails. Tests skip (GTEST_SKIP) when something they
// need is missing, such as ffmpeg or nginx with the RTMP module; scripts/install-deps.sh installs
// all of it, so a skip only hides part of the suite. CMake's gtest_discover_tests would report a
// skipped test as "Skipped" and leave ctest green (its SKIP_REGULAR_EXPRESSION cannot be taken
// back), so the binary itself fails: under ctest and when run by hand. See tests/README.md.
#include <gtest/gtest.h>

namespace {

// End events reach the listeners in reverse order, so this listener, appended after the default
// printer, sees each test's end first: the skip is a failure before the result is printed.
class SkippedTestFails : public testing::EmptyTestEventListener {
  void OnTestEnd(const testing::TestInfo& test) override {
    if (test.result()->Skipped()) {
      ADD_FAILURE() << "the test was skipped, and a skipped test fails: install what it needs "
                       "(scripts/install-deps.sh)";
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  testing::UnitTest::GetInstance()->listeners().Append(new SkippedTestFails);
  return RUN_ALL_TESTS();
}
