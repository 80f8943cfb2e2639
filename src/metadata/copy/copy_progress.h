// The progress of `liverec db copy` on its target: the table liverec_db_copy_progress, one row per
// source table with the last primary key copied (JSON array of its values), the rows copied so far
// and whether the table is finished. Each batch of rows and the update of its table's row commit
// in one transaction, so after any interruption (Ctrl-C, a killed process, a lost connection) the
// table says exactly which rows are on the target, and a re-run continues after the last key.
// The table exists from the first batch until the copy is verified, when it is dropped: a target
// that has it is a copy to resume, one that has data without it is refused.
// Thread-safety: plain functions over a session the caller owns.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "metadata/sql_database.h"

namespace liverec::metadata {

struct TableProgress {
  int64_t rows_copied = 0;
  std::optional<SqlRow> last_key;  // none before the first batch
  bool done = false;
};

// Whether the progress table exists on the PostgreSQL `target`.
Result<bool> CopyProgressExists(SqlSession& target);
Status CreateCopyProgress(SqlDatabase& target);
Status DropCopyProgress(SqlDatabase& target);

// Every table's row, by table name.
Result<std::map<std::string, TableProgress>> LoadCopyProgress(SqlSession& target);
// Writes `table`'s row; call it in the transaction of the batch it records.
Status SaveCopyProgress(SqlSession& target, const std::string& table, const TableProgress& progress,
                        int64_t now_ms);

// A key as stored: a JSON array of integers, strings and nulls, and back.
std::string EncodeCopyKey(const SqlRow& key);
Result<SqlRow> DecodeCopyKey(std::string_view json);

}  // namespace liverec::metadata
