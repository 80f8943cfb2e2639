#include "base/status.h"

#include <gtest/gtest.h>

namespace liverec {
namespace {

TEST(StatusTest, OkHasNoErrorCode) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.HttpStatus(), 200);
}

TEST(StatusTest, CatalogueGivesCodeStatusAndMessage) {
  Status status(ErrorCode::kInvalidConfigNotFound);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.PublicCode(), "InvalidConfig.NotFound");
  EXPECT_EQ(status.HttpStatus(), 404);
  EXPECT_EQ(status.Message(), "Config does not exist.");
}

TEST(StatusTest, ArgumentIsSubstitutedIntoCodeAndMessage) {
  Status status(ErrorCode::kMissingArgument, "DomainName");
  EXPECT_EQ(status.PublicCode(), "MissingDomainName");
  EXPECT_EQ(status.Message(), "DomainName is mandatory for this action.");
}

TEST(StatusTest, DetailFollowsTheMessageAndContextIsPrepended) {
  Status status = Status(ErrorCode::kInvalidFormatMalformed, "", "cmaf is not supported")
                      .WithContext("RecordFormat.2.Format");
  EXPECT_EQ(status.Message(),
            "Specified Format is invalid. RecordFormat.2.Format: cmaf is not supported");
}

TEST(StatusTest, EveryCatalogueRowHasAnErrorHttpStatus) {
  for (int i = 1; i <= static_cast<int>(ErrorCode::kMuxerFailure); ++i) {
    const auto& info = LookUpError(static_cast<ErrorCode>(i));
    EXPECT_GE(info.http_status, 400) << info.public_code;
    EXPECT_FALSE(info.message.empty()) << info.public_code;
  }
}

}  // namespace
}  // namespace liverec
