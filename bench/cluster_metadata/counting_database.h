// CountingDatabase: a SqlDatabase that forwards everything to another and counts the statements
// run through it (inside transactions too) and the transactions, so the bench reports
// statements per second as the client sent them. Counting starts and stops with `measuring`.
// Thread-safety: as the database it wraps; the counters are atomic.
#pragma once

#include <atomic>
#include <memory>

#include "metadata/sql_database.h"

namespace liverec::bench {

class CountingDatabase final : public metadata::SqlDatabase {
 public:
  CountingDatabase(std::unique_ptr<metadata::SqlDatabase> inner, const std::atomic<bool>& measuring)
      : inner_(std::move(inner)), measuring_(measuring) {}

  Result<std::vector<metadata::SqlRow>> Query(
      std::string_view sql, const std::vector<metadata::SqlValue>& args) override {
    Count();
    return inner_->Query(sql, args);
  }
  Status QueryEach(std::string_view sql, const std::vector<metadata::SqlValue>& args,
                   const metadata::SqlRowCallback& on_row) override {
    Count();
    return inner_->QueryEach(sql, args, on_row);
  }
  Result<int64_t> Execute(std::string_view sql,
                          const std::vector<metadata::SqlValue>& args) override {
    Count();
    return inner_->Execute(sql, args);
  }
  Status InTransaction(const std::function<Status(metadata::SqlSession&)>& body) override {
    if (measuring_.load()) transactions_.fetch_add(1);
    return inner_->InTransaction([&](metadata::SqlSession& session) {
      Session counted(session, *this);
      return body(counted);
    });
  }
  Status ExecuteScript(std::string_view sql) override { return inner_->ExecuteScript(sql); }
  Status WithAdvisoryLock(int64_t key, const std::function<Status()>& body) override {
    return inner_->WithAdvisoryLock(key, body);
  }
  std::string_view Dialect() const override { return inner_->Dialect(); }

  int64_t statements() const { return statements_.load(); }
  int64_t transactions() const { return transactions_.load(); }

 private:
  class Session final : public metadata::SqlSession {
   public:
    Session(metadata::SqlSession& inner, CountingDatabase& owner) : inner_(inner), owner_(owner) {}
    Result<std::vector<metadata::SqlRow>> Query(
        std::string_view sql, const std::vector<metadata::SqlValue>& args) override {
      owner_.Count();
      return inner_.Query(sql, args);
    }
    Status QueryEach(std::string_view sql, const std::vector<metadata::SqlValue>& args,
                     const metadata::SqlRowCallback& on_row) override {
      owner_.Count();
      return inner_.QueryEach(sql, args, on_row);
    }
    Result<int64_t> Execute(std::string_view sql,
                            const std::vector<metadata::SqlValue>& args) override {
      owner_.Count();
      return inner_.Execute(sql, args);
    }

   private:
    metadata::SqlSession& inner_;
    CountingDatabase& owner_;
  };

  void Count() {
    if (measuring_.load()) statements_.fetch_add(1);
  }

  std::unique_ptr<metadata::SqlDatabase> inner_;
  const std::atomic<bool>& measuring_;
  std::atomic<int64_t> statements_{0};
  std::atomic<int64_t> transactions_{0};
};

}  // namespace liverec::bench
