#include "metadata/bucket_url_key_repository.h"

#include <gtest/gtest.h>

#include "metadata/two_account_test_fixture.h"

namespace liverec::metadata {
namespace {

class BucketUrlKeyRepositoryTest : public TwoAccountDatabaseTest {};

TEST_P(BucketUrlKeyRepositoryTest, TheFirstKeyStoredIsTheOneEveryCallerGets) {
  BucketUrlKeyRepository repo(*db_);
  auto first = repo.GetOrCreate(account_a_, "local", "records", "key-one", 1);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(*first, "key-one");
  // Another node (or a restart) offering its own random key gets the stored one.
  EXPECT_EQ(repo.GetOrCreate(account_a_, "local", "records", "key-two", 2).value(), "key-one");
  EXPECT_EQ(
      BucketUrlKeyRepository(*db_).GetOrCreate(account_a_, "local", "records", "x", 3).value(),
      "key-one");
}

TEST_P(BucketUrlKeyRepositoryTest, EachBucketEndpointAndAccountHasItsOwnKey) {
  BucketUrlKeyRepository repo(*db_);
  EXPECT_EQ(repo.GetOrCreate(account_a_, "local", "records", "a-local", 1).value(), "a-local");
  EXPECT_EQ(repo.GetOrCreate(account_a_, "local", "other", "a-other", 1).value(), "a-other");
  EXPECT_EQ(repo.GetOrCreate(account_a_, "s3.test", "records", "a-s3", 1).value(), "a-s3");
  EXPECT_EQ(repo.GetOrCreate(account_b_, "local", "records", "b-local", 1).value(), "b-local")
      << "a bucket moved to another account does not keep the old key";
}

TEST_P(BucketUrlKeyRepositoryTest, ADeletedKeyIsReplacedByTheNextOne) {
  BucketUrlKeyRepository repo(*db_);
  ASSERT_TRUE(repo.GetOrCreate(account_a_, "local", "records", "old", 1));
  EXPECT_EQ(repo.Delete(account_a_, "local", "records").value(), true);
  EXPECT_EQ(repo.Delete(account_a_, "local", "records").value(), false);
  EXPECT_EQ(repo.GetOrCreate(account_a_, "local", "records", "new", 2).value(), "new");
}

LIVEREC_ON_BOTH_BACKENDS(BucketUrlKeyRepositoryTest);

}  // namespace
}  // namespace liverec::metadata
