// Test support (not part of the library): an S3ObjectStore pointed at a FakeS3 on 127.0.0.1,
// with waits between attempts recorded instead of slept, and temp files to upload.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "base/random.h"
#include "storage/s3/fake_s3_test_fixture.h"
#include "storage/s3/s3_object_store.h"

namespace liverec::storage::testing {

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("liverec-s3-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A store for `fake`; `tweak` may change the options first.
  std::unique_ptr<S3ObjectStore> StoreFor(FakeS3& fake,
                                          const std::function<void(S3Options&)>& tweak = {},
                                          std::vector<std::string> connect_to = {}) {
    S3Options options;
    options.endpoint_url = fake.Url();
    options.region = fake.Options().region;
    options.access_key_id = fake.Options().access_key_id;
    options.secret_access_key = fake.Options().secret;
    options.bucket = fake.Options().bucket;
    options.part_size_bytes = 5 * 1024 * 1024;
    options.timeout_ms = 2000;
    if (tweak) tweak(options);
    ClientHooks hooks;
    hooks.sleep = [this](int64_t ms) { waits_.push_back(ms); };
    hooks.random = &random_;
    hooks.connect_to = std::move(connect_to);
    auto store = S3ObjectStore::Create(options, hooks);
    EXPECT_TRUE(store.has_value());
    return std::move(*store);
  }

  // A file of `size` bytes of a repeating pattern that differs per offset.
  std::string MakeFile(const std::string& name, size_t size) {
    std::string bytes(size, '\0');
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 31 + i / 4096) & 0xff);
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(size));
    return path;
  }

  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  static std::span<const uint8_t> Bytes(const std::string& text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
  }

  std::filesystem::path dir_;
  std::vector<int64_t> waits_;  // backoff waits asked for, in ms
  SeededRandom random_{7};
};

}  // namespace liverec::storage::testing
