// StreamBlockRepository: the streams an account forbade (ForbidLiveStream; docs/api/moderation.md),
// each until its resume time or until ResumeLiveStream. A block whose resume time has passed no
// longer counts anywhere and is removed at the next Block or List of its account. At most
// `max_blocks` live blocks per account (the cloud's 10 000): one more is refused with
// QuotaExceeded.BlockList; blocking a stream blocked already replaces its resume time and always
// succeeds. Thread-safety: any thread (the SqlDatabase serializes); Block counts and inserts in one
// transaction, so two nodes cannot both pass the quota with its last place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metadata/sql_database.h"

namespace liverec::metadata {

struct StreamBlock {
  std::string account_id;
  std::string domain_name;
  std::string app_name;
  std::string stream_name;
  int64_t resume_at_ms = 0;  // 0: until ResumeLiveStream
  int64_t created_at_ms = 0;
};

struct StreamBlockPage {
  std::vector<StreamBlock> blocks;  // by app, then stream
  int64_t total = 0;                // live blocks of the domain
};

class StreamBlockRepository {
 public:
  static constexpr int64_t kDefaultMaxBlocks = 10'000;

  explicit StreamBlockRepository(SqlDatabase& db, int64_t max_blocks = kDefaultMaxBlocks)
      : db_(db), max_blocks_(max_blocks) {}

  // Blocks (or blocks again, with its new resume time) block.stream at `now_ms`.
  Status Block(const StreamBlock& block, int64_t now_ms);
  // True when a live block was lifted; false when there was none (nothing changes).
  Result<bool> Unblock(const std::string& account_id, const std::string& domain_name,
                       const std::string& app_name, const std::string& stream_name, int64_t now_ms);
  // The live block of the stream at `now_ms`, if any.
  Result<std::optional<StreamBlock>> Find(const std::string& account_id,
                                          const std::string& domain_name,
                                          const std::string& app_name,
                                          const std::string& stream_name, int64_t now_ms);
  // One page (numbered from 1) of the domain's live blocks at `now_ms`.
  Result<StreamBlockPage> List(const std::string& account_id, const std::string& domain_name,
                               int64_t page_num, int64_t page_size, int64_t now_ms);

 private:
  SqlDatabase& db_;
  const int64_t max_blocks_;
};

}  // namespace liverec::metadata
