// `liverec db copy`: the CLI of metadata::CopyDatabase (src/metadata/copy/database_copier.h),
// which holds the whole procedure. This file finds the SQLite file, keeps a server off the data
// directory while copying, opens both databases, prints progress on stderr and the verification
// table on stdout. docs/operations.md "Moving to PostgreSQL" is the user's side of it.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "base/clock.h"
#include "commands.h"
#include "metadata/copy/database_copier.h"
#include "metadata/open_database.h"
#include "metadata/postgres/postgres_url.h"
#include "server/directory_lock.h"

namespace liverec::apps {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// A refusal's detail says what to do; the catalogue message before it says nothing here.
std::string Describe(const Status& status) {
  if (status.code() == ErrorCode::kInternalError && !status.detail().empty()) {
    return status.detail();
  }
  return status.ToString();
}

// Progress on stderr: each table's start and end, and in between at most one line a second.
class StderrProgress final : public metadata::CopyObserver {
 public:
  void OnNote(std::string_view message) override { std::cerr << message << "\n"; }
  void OnTableStart(const std::string& table, int64_t done, int64_t total) override {
    started_ = last_line_ = std::chrono::steady_clock::now();
    first_done_ = done;
    if (total > done) {
      std::cerr << fmt::format("{}: {} rows{}\n", table, total,
                               done > 0 ? fmt::format(", {} copied before", done) : "");
    }
  }
  void OnBatch(const std::string& table, int64_t done, int64_t total) override {
    auto now = std::chrono::steady_clock::now();
    if (now - last_line_ < std::chrono::seconds(1)) return;
    last_line_ = now;
    std::cerr << fmt::format("{}: {} / {} rows ({:.0f}%), {:.0f} rows/s\n", table, done, total,
                             total > 0 ? 100.0 * static_cast<double>(done) / total : 100.0,
                             Rate(done, now));
  }
  void OnTableDone(const std::string& table, int64_t rows) override {
    if (rows == first_done_) {
      std::cerr << fmt::format("{}: {} rows, nothing to copy\n", table, rows);
      return;
    }
    std::cerr << fmt::format("{}: {} rows copied, {:.0f} rows/s\n", table, rows,
                             Rate(rows, std::chrono::steady_clock::now()));
  }

 private:
  double Rate(int64_t done, SteadyTime now) const {
    double seconds = std::chrono::duration<double>(now - started_).count();
    return seconds > 0 ? static_cast<double>(done - first_done_) / seconds : 0;
  }
  SteadyTime started_, last_line_;
  int64_t first_done_ = 0;
};

// The SQLite file named by --from, and the data directory to lock when there is one: --from is
// a data directory (its liverec.db), or a file, whose directory is locked when it holds a
// server's lock file.
struct Source {
  std::string file;
  std::string data_dir;  // "" when none
};

Result<Source> FindSource(const std::string& from) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(from, ec)) {
    Source source{(fs::path(from) / "liverec.db").string(), from};
    if (!fs::is_regular_file(source.file, ec)) {
      return Error(ErrorCode::kInternalError, "",
                   fmt::format("{} has no liverec.db: give the SQLite file itself ([database] "
                               "path) with --from",
                               from));
    }
    return source;
  }
  if (!fs::is_regular_file(from, ec)) {
    return Error(ErrorCode::kInternalError, "",
                 fmt::format("--from {}: no such SQLite file or data directory", from));
  }
  fs::path dir = fs::path(from).parent_path();
  if (dir.empty()) dir = ".";
  bool locked_dir = fs::exists(dir / server::kLockFileName, ec);
  return Source{from, locked_dir ? dir.string() : ""};
}

void PrintCounts(const metadata::CopyReport& report) {
  std::cout << fmt::format("{:<28} {:>12} {:>12}\n", "table", "source rows", "target rows");
  for (const auto& count : report.counts) {
    std::cout << fmt::format("{:<28} {:>12} {:>12}{}\n", count.table, count.source_rows,
                             count.target_rows,
                             count.source_rows == count.target_rows ? "" : "  MISMATCH");
  }
}

int Copy(const DbCopyOptions& options, const Source& source) {
  SystemClock clock;
  config::DatabaseConfig from;
  from.path = source.file;
  config::DatabaseConfig to;
  to.url = options.to;
  to.pool_size = 2;
  auto target = metadata::OpenDatabase(to, clock);
  if (!target) {
    std::cerr << "liverec db copy: " << Describe(target.error()) << "\n";
    return 1;
  }
  auto sqlite = metadata::OpenDatabase(from, clock);
  if (!sqlite) {
    std::cerr << "liverec db copy: " << Describe(sqlite.error()) << "\n";
    return 1;
  }
  std::cerr << fmt::format("copying {} into {}\n", metadata::DescribeDatabase(from),
                           metadata::DescribeDatabase(to));
  metadata::CopyOptions copy_options;
  copy_options.batch_rows = options.batch_rows;
  StderrProgress progress;
  auto report = metadata::CopyDatabase(**sqlite, **target, clock, copy_options, progress);
  if (!report) {
    std::cerr << "liverec db copy: " << Describe(report.error()) << "\n";
    return 1;
  }
  PrintCounts(*report);
  if (!report->Verified()) {
    std::cerr << "liverec db copy: the row counts differ (MISMATCH above)\n";
    return 1;
  }
  std::cerr << fmt::format(
      "copy verified ({} sequences set). Next: set [database] url (or LIVEREC_DATABASE_URL) "
      "to {} and start liverec\n",
      report->sequences_set, metadata::MaskDatabaseUrl(options.to));
  return 0;
}

}  // namespace

int RunDbCopy(const DbCopyOptions& options) {
  if (options.to.rfind("postgresql://", 0) != 0 && options.to.rfind("postgres://", 0) != 0) {
    std::cerr << "liverec db copy: --to must be a postgresql:// URL\n";
    return 2;
  }
  auto source = FindSource(options.from);
  if (!source) {
    std::cerr << "liverec db copy: " << Describe(source.error()) << "\n";
    return 2;
  }
  // Held while copying: a server that starts meanwhile refuses the data directory.
  std::unique_ptr<server::DirectoryLock> lock;
  if (!source->data_dir.empty()) {
    auto locked = server::DirectoryLock::Acquire(source->data_dir);
    if (!locked) {
      std::cerr << "liverec db copy: a server is running on the source: " << locked.error().detail()
                << "\nStop it first: the source must not change while it is copied.\n";
      return 1;
    }
    lock = std::move(*locked);
  }
  return Copy(options, *source);
}

}  // namespace liverec::apps
