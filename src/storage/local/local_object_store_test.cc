#include "storage/local/local_object_store.h"
#include "testing/temp_dir.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
namespace liverec::storage {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> Bytes(std::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

std::vector<uint8_t> Pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(i * 131 + i / 4099 + seed);
  return bytes;
}

// Every file and directory below `dir`, as paths relative to it ("a", "a/b.ts").
std::set<std::string> ListTree(const fs::path& dir) {
  std::set<std::string> entries;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    entries.insert(fs::relative(entry.path(), dir).string());
  }
  return entries;
}

class LocalObjectStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = tmp_.path();
    root_ = base_ / "bucket";
  }

  liverec::testing::TempDir tmp_{"local_object_store"};
  fs::path base_;
  fs::path root_;
};

TEST_F(LocalObjectStoreTest, PutGetHeadDeleteRoundTrip) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("record/live/s1/0.ts", Bytes("hello")).ok());

  auto bytes = store.Get("record/live/s1/0.ts");
  ASSERT_TRUE(bytes) << bytes.error().ToString();
  EXPECT_EQ(*bytes, Bytes("hello"));
  auto info = store.Head("record/live/s1/0.ts");
  ASSERT_TRUE(info) << info.error().ToString();
  EXPECT_EQ(info->key, "record/live/s1/0.ts");
  EXPECT_EQ(info->size, 5u);
  auto mtime = fs::last_write_time(root_ / "record/live/s1/0.ts");
  auto mtime_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::file_clock::to_sys(mtime).time_since_epoch());
  EXPECT_EQ(info->modified_ms, mtime_ms.count());

  ASSERT_TRUE(store.Delete("record/live/s1/0.ts").ok());
  EXPECT_EQ(store.Get("record/live/s1/0.ts").error().code(), ErrorCode::kObjectNotFound);
  EXPECT_EQ(store.Head("record/live/s1/0.ts").error().code(), ErrorCode::kObjectNotFound);
  EXPECT_EQ(store.Delete("record/live/s1/0.ts").code(), ErrorCode::kObjectNotFound);
}

TEST_F(LocalObjectStoreTest, AnEmptyObjectIsAnObject) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("empty", {}).ok());
  EXPECT_EQ(store.Head("empty")->size, 0u);
  EXPECT_TRUE(store.Get("empty")->empty());
}

TEST_F(LocalObjectStoreTest, PutNeverOverwritesAnExistingObject) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("a/x.m3u8", Bytes("first")).ok());
  EXPECT_EQ(store.PutBytes("a/x.m3u8", Bytes("second")).code(), ErrorCode::kObjectAlreadyExists);
  std::string source = (base_ / "source").string();
  std::ofstream(source) << "third";
  EXPECT_EQ(store.PutFile("a/x.m3u8", source).code(), ErrorCode::kObjectAlreadyExists);
  EXPECT_EQ(*store.Get("a/x.m3u8"), Bytes("first"));
}

TEST_F(LocalObjectStoreTest, ReplaceBytesReplacesAnObjectButNotAFolder) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.ReplaceBytes("snap/cam.jpg", Bytes("first")).ok());
  ASSERT_TRUE(store.ReplaceBytes("snap/cam.jpg", Bytes("second")).ok());
  EXPECT_EQ(*store.Get("snap/cam.jpg"), Bytes("second"));
  EXPECT_EQ(store.ReplaceBytes("snap", Bytes("x")).code(), ErrorCode::kObjectKeyConflict);
  EXPECT_EQ(store.ReplaceBytes("../x.jpg", Bytes("x")).code(), ErrorCode::kInvalidObjectName);
  EXPECT_TRUE(std::filesystem::is_empty(store.StagingDir())) << "nothing left in staging";
}

TEST_F(LocalObjectStoreTest, AnObjectCannotTakeTheNameOfAFolder) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("a/b", Bytes("inside")).ok());
  EXPECT_EQ(store.PutBytes("a", Bytes("clash")).code(), ErrorCode::kObjectKeyConflict);
  EXPECT_EQ(*store.Get("a/b"), Bytes("inside"));
  EXPECT_EQ(store.Head("a").error().code(), ErrorCode::kObjectNotFound);
  EXPECT_EQ(store.Delete("a").code(), ErrorCode::kObjectNotFound);
  EXPECT_EQ(*store.Get("a/b"), Bytes("inside"));
}

TEST_F(LocalObjectStoreTest, AFolderCannotPassThroughAnObject) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("a", Bytes("object")).ok());
  EXPECT_EQ(store.PutBytes("a/b", Bytes("clash")).code(), ErrorCode::kObjectKeyConflict);
  EXPECT_EQ(store.PutBytes("a/b/c", Bytes("clash")).code(), ErrorCode::kObjectKeyConflict);
  EXPECT_EQ(store.Head("a/b").error().code(), ErrorCode::kObjectNotFound);
  EXPECT_EQ(*store.Get("a"), Bytes("object"));
}

TEST_F(LocalObjectStoreTest, HeadAndGetFollowNoLinkPlantedInTheBucket) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("live/0.ts", Bytes("inside")).ok());
  std::ofstream(base_ / "secret.json") << "secret";
  fs::create_directories(base_ / "outside");
  std::ofstream(base_ / "outside" / "db") << "secret";
  fs::create_symlink(base_ / "secret.json", root_ / "file.ts");
  fs::create_directory_symlink(base_ / "outside", root_ / "dir");
  fs::create_symlink(root_ / "live" / "0.ts", root_ / "live" / "alias.ts");
  for (const char* key : {"file.ts", "dir/db", "live/alias.ts"}) {
    EXPECT_EQ(store.Head(key).error().code(), ErrorCode::kObjectNotFound) << key;
    EXPECT_EQ(store.Get(key).error().code(), ErrorCode::kObjectNotFound) << key;
  }
  EXPECT_TRUE(store.Get("live/0.ts").has_value());
}

TEST_F(LocalObjectStoreTest, InvalidKeysAreRefusedWithTheReason) {
  LocalObjectStore store(root_.string());
  for (const std::string& key : {std::string(), std::string("/a"), std::string("a//b"),
                                 std::string("a/../../b"), std::string("./a"), std::string("a/"),
                                 std::string("a\\b"), std::string("a\nb"), std::string(256, 'k')}) {
    Status put = store.PutBytes(key, Bytes("x"));
    EXPECT_EQ(put.code(), ErrorCode::kInvalidObjectName) << key;
    EXPECT_FALSE(put.detail().empty()) << key;
    EXPECT_EQ(store.Head(key).error().code(), ErrorCode::kInvalidObjectName) << key;
    EXPECT_EQ(store.Get(key).error().code(), ErrorCode::kInvalidObjectName) << key;
    EXPECT_EQ(store.Delete(key).code(), ErrorCode::kInvalidObjectName) << key;
  }
  EXPECT_FALSE(fs::exists(base_ / "b"));
  EXPECT_TRUE(store.PutBytes(std::string(255, 'k'), Bytes("x")).ok());
}

TEST_F(LocalObjectStoreTest, TemporaryFilesNeverAppearInTheBucket) {
  LocalObjectStore store(root_.string());
  EXPECT_EQ(store.StagingDir(), root_.string() + ".staging");
  ASSERT_TRUE(store.PutBytes("r/1.ts", Bytes("1")).ok());
  ASSERT_TRUE(store.PutBytes("r/2.ts", Bytes("2")).ok());
  ASSERT_TRUE(store.PutBytes("top.m3u8", Bytes("3")).ok());
  EXPECT_FALSE(store.PutBytes("r/1.ts", Bytes("again")).ok());
  EXPECT_FALSE(store.PutBytes("r", Bytes("clash")).ok());
  EXPECT_FALSE(store.PutFile("r/3.ts", (base_ / "missing").string()).ok());

  EXPECT_EQ(ListTree(root_), (std::set<std::string>{"r", "r/1.ts", "r/2.ts", "top.m3u8"}));
  EXPECT_TRUE(ListTree(store.StagingDir()).empty());  // failed puts cleaned up too
}

TEST_F(LocalObjectStoreTest, ConcurrentPutsOfOneKeyLetExactlyOneWin) {
  LocalObjectStore store(root_.string());
  constexpr int kThreads = 8;
  constexpr size_t kRaceBytes = 256 * 1024;
  std::atomic<int> ready{0};
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      results[i] = store.PutBytes("race/key.ts", Pattern(kRaceBytes, static_cast<uint8_t>(i)));
    });
  }
  for (auto& t : threads) t.join();

  int winner = -1;
  for (int i = 0; i < kThreads; ++i) {
    if (results[i].ok()) {
      EXPECT_EQ(winner, -1) << "two puts succeeded";
      winner = i;
    } else {
      EXPECT_EQ(results[i].code(), ErrorCode::kObjectAlreadyExists) << results[i].ToString();
    }
  }
  ASSERT_NE(winner, -1);
  EXPECT_EQ(*store.Get("race/key.ts"), Pattern(kRaceBytes, static_cast<uint8_t>(winner)));
  EXPECT_TRUE(ListTree(store.StagingDir()).empty());
}

TEST_F(LocalObjectStoreTest, ConcurrentPutsAndDeletesInOneFolderLoseNothing) {
  LocalObjectStore store(root_.string());
  constexpr int kRounds = 100;
  std::thread deleter([&] {
    // Keeps emptying d/ so that puts find their folder removed under them.
    for (int i = 0; i < kRounds; ++i) {
      if (store.PutBytes("d/churn", Bytes("c")).ok()) {
        EXPECT_TRUE(store.Delete("d/churn").ok());
      }
    }
  });
  for (int i = 0; i < kRounds; ++i) {
    std::string key = "d/" + std::to_string(i);
    Status put = store.PutBytes(key, Bytes(key));
    ASSERT_TRUE(put.ok()) << key << ": " << put.ToString();
    ASSERT_TRUE(store.Delete(key).ok()) << key;
  }
  deleter.join();
  EXPECT_TRUE(ListTree(root_).empty());
}

TEST_F(LocalObjectStoreTest, PutFileStoresAMultiMegabyteFileAndLeavesTheSource) {
  LocalObjectStore store(root_.string());
  std::vector<uint8_t> bytes = Pattern(size_t{6} * 1024 * 1024 + 123, 7);
  fs::path source = base_ / "segment.ts";
  std::ofstream(source, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));

  ASSERT_TRUE(store.PutFile("record/big.ts", source.string()).ok());
  EXPECT_EQ(store.Head("record/big.ts")->size, bytes.size());
  EXPECT_EQ(*store.Get("record/big.ts"), bytes);
  EXPECT_EQ(fs::file_size(source), bytes.size());
}

TEST_F(LocalObjectStoreTest, PutFileOnTheBucketsFileSystemLinksInsteadOfCopying) {
  LocalObjectStore store(root_.string());
  fs::path source = base_ / "slice.ts";
  std::ofstream(source, std::ios::binary) << "slice bytes";
  fs::permissions(source, fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_TRUE(store.PutFile("record/s.ts", source.string()).ok());
  struct stat object {
  }, original{};
  ASSERT_EQ(::stat((root_ / "record/s.ts").c_str(), &object), 0);
  ASSERT_EQ(::stat(source.c_str(), &original), 0);
  EXPECT_EQ(object.st_ino, original.st_ino);  // one file, two names: nothing was copied
  EXPECT_EQ(object.st_nlink, 2u);
  EXPECT_EQ(object.st_mode & 0777, 0644u);  // readable like any object
  EXPECT_TRUE(ListTree(store.StagingDir()).empty());

  // The source goes (the spool removes a stored slice): the object stays whole.
  fs::remove(source);
  EXPECT_EQ(*store.Get("record/s.ts"), Bytes("slice bytes"));

  // A put of an existing key leaves neither the object changed nor a link in staging.
  fs::path other = base_ / "other.ts";
  std::ofstream(other, std::ios::binary) << "other";
  EXPECT_EQ(store.PutFile("record/s.ts", other.string()).code(), ErrorCode::kObjectAlreadyExists);
  EXPECT_EQ(*store.Get("record/s.ts"), Bytes("slice bytes"));
  EXPECT_TRUE(ListTree(store.StagingDir()).empty());
  EXPECT_EQ(fs::hard_link_count(other), 1u);
}

TEST_F(LocalObjectStoreTest, PutFileFromAnotherFileSystemCopies) {
  // /dev/shm is a tmpfs: another file system than the test's temporary directory, usually.
  struct stat shm {
  }, base{};
  if (::stat("/dev/shm", &shm) != 0 || ::stat(base_.c_str(), &base) != 0 ||
      shm.st_dev == base.st_dev || ::access("/dev/shm", W_OK) != 0) {
    GTEST_SKIP() << "no second file system to copy from";
  }
  fs::path source =
      fs::path("/dev/shm") / ("local_object_store_test_" + std::to_string(::getpid()));
  std::vector<uint8_t> bytes = Pattern(300000, 3);
  std::ofstream(source, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  LocalObjectStore store(root_.string());
  Status put = store.PutFile("record/copied.ts", source.string());
  fs::remove(source);
  ASSERT_TRUE(put.ok()) << put.ToString();
  EXPECT_EQ(*store.Get("record/copied.ts"), bytes);
  EXPECT_EQ(fs::hard_link_count(root_ / "record/copied.ts"), 1u);
  EXPECT_TRUE(ListTree(store.StagingDir()).empty());
}

TEST_F(LocalObjectStoreTest, PutFileOfAMissingSourceIsAStorageFailure) {
  LocalObjectStore store(root_.string());
  Status status = store.PutFile("k.ts", (base_ / "nope.ts").string());
  EXPECT_EQ(status.code(), ErrorCode::kStorageFailure);
  EXPECT_NE(status.detail().find("nope.ts"), std::string::npos) << status.detail();
  EXPECT_EQ(store.Head("k.ts").error().code(), ErrorCode::kObjectNotFound);
}

TEST_F(LocalObjectStoreTest, KeysWithSpacesAndUnicodeAreFilesOfThatName) {
  LocalObjectStore store(root_.string());
  const std::string key = "a b/直播 录制+1.ts";
  ASSERT_TRUE(store.PutBytes(key, Bytes("live")).ok());
  EXPECT_TRUE(fs::is_regular_file(root_ / "a b" / "直播 录制+1.ts"));
  EXPECT_EQ(*store.Get(key), Bytes("live"));
  EXPECT_TRUE(store.Delete(key).ok());
}

TEST_F(LocalObjectStoreTest, DeleteRemovesEmptiedFoldersButKeepsTheBucket) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("x/y/z.ts", Bytes("1")).ok());
  ASSERT_TRUE(store.PutBytes("x/w.ts", Bytes("2")).ok());
  ASSERT_TRUE(store.Delete("x/y/z.ts").ok());
  EXPECT_EQ(ListTree(root_), (std::set<std::string>{"x", "x/w.ts"}));
  ASSERT_TRUE(store.Delete("x/w.ts").ok());
  EXPECT_TRUE(fs::is_directory(root_));
  EXPECT_TRUE(ListTree(root_).empty());
  // The freed name may now be an object.
  EXPECT_TRUE(store.PutBytes("x", Bytes("3")).ok());
}

TEST_F(LocalObjectStoreTest, AWriteFailureIsAStorageFailureAndLeavesNothing) {
  // RLIMIT_FSIZE makes writes past 1 MiB fail (EFBIG), as a full disk would with ENOSPC.
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("warm", Bytes("creates the directories")).ok());
  struct rlimit old_limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit limit = old_limit;
  limit.rlim_cur = rlim_t{1024} * 1024;
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  Status status = store.PutBytes("big.ts", Pattern(size_t{2} * 1024 * 1024, 1));
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);

  EXPECT_EQ(status.code(), ErrorCode::kStorageFailure);
  EXPECT_NE(status.detail().find("too large"), std::string::npos) << status.detail();
  EXPECT_EQ(store.Head("big.ts").error().code(), ErrorCode::kObjectNotFound);
  EXPECT_TRUE(ListTree(store.StagingDir()).empty());
}

// Durability costs one directory fsync per put into a folder the store knows (docs/recording.md,
// "File-system work per slice"); a folder's own name is fsynced into its parent once.
TEST_F(LocalObjectStoreTest, APutIntoAKnownFolderFsyncsOnlyThatFolder) {
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("record/live/s1/1.ts", Bytes("1")).ok());
  // The bucket is new (its parent), then s1, and the parents of s1, live and record.
  EXPECT_EQ(store.DirectorySyncsForTest(), 5);
  ASSERT_TRUE(store.PutBytes("record/live/s1/2.ts", Bytes("2")).ok());
  EXPECT_EQ(store.DirectorySyncsForTest(), 6);
  ASSERT_TRUE(store.PutBytes("record/live/s2/1.ts", Bytes("3")).ok());  // s2 and its parent
  EXPECT_EQ(store.DirectorySyncsForTest(), 8);
  ASSERT_TRUE(store.PutBytes("top.m3u8", Bytes("4")).ok());  // the root only
  EXPECT_EQ(store.DirectorySyncsForTest(), 9);
}

TEST_F(LocalObjectStoreTest, AFolderFoundOnDiskOrMadeAgainAfterADeleteIsFsyncedIntoItsParent) {
  fs::create_directories(root_ / "a" / "b");  // left by an earlier run: not known to be durable
  LocalObjectStore store(root_.string());
  ASSERT_TRUE(store.PutBytes("a/b/1.ts", Bytes("1")).ok());
  EXPECT_EQ(store.DirectorySyncsForTest(), 3);  // b, a, the root
  ASSERT_TRUE(store.Delete("a/b/1.ts").ok());   // removes the emptied a/b and a
  EXPECT_FALSE(fs::exists(root_ / "a"));
  ASSERT_TRUE(store.PutBytes("a/b/2.ts", Bytes("2")).ok());
  EXPECT_EQ(store.DirectorySyncsForTest(), 6);  // new folders: the same three again
  EXPECT_EQ(*store.Get("a/b/2.ts"), Bytes("2"));
}

TEST_F(LocalObjectStoreTest, ATrailingSlashOnTheRootIsIgnored) {
  LocalObjectStore store(root_.string() + "/");
  EXPECT_EQ(store.Root(), root_.string());
  EXPECT_EQ(store.StagingDir(), root_.string() + ".staging");
}

}  // namespace
}  // namespace liverec::storage
