#include "server/console/console_handler.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace liverec::server {
namespace {

net::HttpResponse Get(const ConsoleHandler& handler, std::string_view path) {
  return handler.Serve(net::HttpRequest{"GET", std::string(path), {}, ""}, path);
}

class ConsoleHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("console_handler_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_ / "app");
    std::filesystem::create_directories(dir_ / "vendor");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(ConsoleHandlerTest, BuiltInFilesAreServedWithoutADevelopmentFolder) {
  ConsoleHandler handler{std::string()};
  net::HttpResponse index = Get(handler, "/console/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("app/main.js"), std::string::npos);
  EXPECT_EQ(Get(handler, "/console/vendor/hls.js").status, 200);
  EXPECT_EQ(Get(handler, "/console/app/new.js").status, 404);
}

TEST_F(ConsoleHandlerTest, ADevelopmentFolderOverridesTheConsolesOwnFilesOnly) {
  Write("index.html", "dev index");
  Write("app/new.js", "export const x = 1;");
  Write("vendor/hls.js", "not served");
  Write("secret.txt", "not served");
  ConsoleHandler handler{dir_.string()};
  EXPECT_EQ(Get(handler, "/console/").body, "dev index");
  net::HttpResponse added = Get(handler, "/console/app/new.js");
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(added.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(added.body, "export const x = 1;");
  // Not in the folder: the built-in file; vendor modules and other names are never read from it.
  EXPECT_NE(Get(handler, "/console/app/main.js").body.find("import"), std::string::npos);
  EXPECT_NE(Get(handler, "/console/vendor/hls.js").body, "not served");
  EXPECT_EQ(Get(handler, "/console/secret.txt").status, 404);
  EXPECT_EQ(Get(handler, "/console/app/../secret.txt").status, 404);
  EXPECT_EQ(Get(handler, "/console/app/.js").status, 404);
}

TEST(ConsolePolicyTest, RecordingOriginsAreAllowedForConnectionsMediaAndImagesOnly) {
  EXPECT_EQ(ConsoleContentSecurityPolicy({}), kConsoleContentSecurityPolicy);
  std::string policy =
      ConsoleContentSecurityPolicy({"https://rec.example.com", "http://127.0.0.1:9000",
                                    "https://rec.example.com", "http://x.com; script-src *", ""});
  EXPECT_NE(policy.find("connect-src 'self' https://rec.example.com http://127.0.0.1:9000;"),
            std::string::npos)
      << policy;
  EXPECT_NE(policy.find("media-src 'self' blob: https://rec.example.com http://127.0.0.1:9000;"),
            std::string::npos);
  EXPECT_NE(policy.find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(policy.find("x.com"), std::string::npos);  // not an origin: left out
  ConsoleHandler handler{std::string(), {"https://rec.example.com"}};
  net::HttpResponse index = Get(handler, "/console/");
  bool found = false;
  for (const auto& [name, value] : index.headers) {
    if (name == "Content-Security-Policy")
      found = value.find("rec.example.com") != std::string::npos;
  }
  EXPECT_TRUE(found);
}

TEST(ConsolePolicyTest, TheOriginOfAUrl) {
  EXPECT_EQ(OriginOf("https://s3.example.com:9000/bucket/key"), "https://s3.example.com:9000");
  EXPECT_EQ(OriginOf("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(OriginOf("http://[::1]:8080/x?y"), "http://[::1]:8080");
  EXPECT_EQ(OriginOf("ftp://x/y"), "");
  EXPECT_EQ(OriginOf("http:///x"), "");
  EXPECT_EQ(OriginOf("records/x"), "");
}

}  // namespace
}  // namespace liverec::server
