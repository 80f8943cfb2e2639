#include "storage/local/posix_io.h"
#include "testing/temp_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>
namespace liverec::storage {
namespace {

std::vector<uint8_t> Pattern(size_t size) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 131 + i / 977);
  return bytes;
}

TEST(PosixIoTest, WriteAllReportsADiskFullAsStorageFailure) {
  UniqueFd full(::open("/dev/full", O_WRONLY | O_CLOEXEC));
  ASSERT_TRUE(full.Valid());
  Status status = WriteAll(full.Get(), Pattern(1000), "/dev/full");
  EXPECT_EQ(status.code(), ErrorCode::kStorageFailure);
  EXPECT_NE(status.detail().find("No space left on device"), std::string::npos) << status.detail();
  EXPECT_NE(status.detail().find("/dev/full"), std::string::npos);
}

TEST(PosixIoTest, CopyToEndFallsBackToReadWriteForPipesAndCopiesEverything) {
  int in_pipe[2];
  int out_pipe[2];
  ASSERT_EQ(::pipe(in_pipe), 0);
  ASSERT_EQ(::pipe(out_pipe), 0);
  UniqueFd in_read(in_pipe[0]), in_write(in_pipe[1]), out_read(out_pipe[0]), out_write(out_pipe[1]);
  std::vector<uint8_t> bytes = Pattern(30000);  // fits a default 64 KiB pipe buffer
  ASSERT_TRUE(WriteAll(in_write.Get(), bytes, "in").ok());
  in_write.Close();
  ASSERT_TRUE(CopyToEnd(in_read.Get(), "in", out_write.Get(), "out").ok());
  out_write.Close();
  std::vector<uint8_t> copied(bytes.size() + 1);
  size_t used = 0;
  for (ssize_t n; (n = ::read(out_read.Get(), copied.data() + used, copied.size() - used)) > 0;) {
    used += static_cast<size_t>(n);
  }
  copied.resize(used);
  EXPECT_EQ(copied, bytes);
}

TEST(PosixIoTest, CopyToEndIntoAFullDiskIsAStorageFailure) {
  char source_path[] = "/tmp/posix_io_test-XXXXXX";
  UniqueFd source(::mkstemp(source_path));
  ASSERT_TRUE(source.Valid());
  ::unlink(source_path);
  ASSERT_TRUE(WriteAll(source.Get(), Pattern(5000), source_path).ok());
  ASSERT_EQ(::lseek(source.Get(), 0, SEEK_SET), 0);
  UniqueFd full(::open("/dev/full", O_WRONLY | O_CLOEXEC));
  ASSERT_TRUE(full.Valid());
  Status status = CopyToEnd(source.Get(), source_path, full.Get(), "/dev/full");
  EXPECT_EQ(status.code(), ErrorCode::kStorageFailure);
  EXPECT_NE(status.detail().find("No space left on device"), std::string::npos) << status.detail();
}

class PosixIoDirTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = tmp_.path().string(); }

  std::string MakeFile(const std::string& name, std::string_view text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  liverec::testing::TempDir tmp_{"posix_io"};
  std::string dir_;
};

TEST_F(PosixIoDirTest, RenameNoReplaceMovesButNeverOverwrites) {
  std::string from = MakeFile("from", "new");
  std::string to = MakeFile("to", "old");
  EXPECT_EQ(RenameNoReplace(from, to), EEXIST);
  EXPECT_EQ(Read(to), "old");
  EXPECT_EQ(RenameNoReplace(from, dir_ + "/fresh"), 0);
  EXPECT_EQ(Read(dir_ + "/fresh"), "new");
  EXPECT_FALSE(std::filesystem::exists(from));
  EXPECT_EQ(RenameNoReplace(dir_ + "/fresh", dir_ + "/missing/x"), ENOENT);
  EXPECT_EQ(RenameNoReplace(dir_ + "/fresh", to + "/x"), ENOTDIR);
}

TEST_F(PosixIoDirTest, LinkThenUnlinkMovesButNeverOverwrites) {
  std::string from = MakeFile("from", "new");
  std::string to = MakeFile("to", "old");
  EXPECT_EQ(LinkThenUnlink(from, to), EEXIST);
  EXPECT_EQ(Read(to), "old");
  EXPECT_TRUE(std::filesystem::exists(from));
  EXPECT_EQ(LinkThenUnlink(from, dir_ + "/fresh"), 0);
  EXPECT_EQ(Read(dir_ + "/fresh"), "new");
  EXPECT_FALSE(std::filesystem::exists(from));
}

TEST(PosixIoTest, SyncDirectoryOfAMissingDirectoryIsAStorageFailure) {
  EXPECT_TRUE(SyncDirectory("/tmp").ok());
  EXPECT_EQ(SyncDirectory("/nonexistent-liverec-dir").code(), ErrorCode::kStorageFailure);
}

}  // namespace
}  // namespace liverec::storage
