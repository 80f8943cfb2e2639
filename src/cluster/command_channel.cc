#include "cluster/command_channel.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/ids.h"
#include "metadata/postgres/postgres_listener.h"

namespace liverec::cluster {

using metadata::StreamCommandRow;

CommandChannel::CommandChannel(metadata::SqlDatabase& db, const Clock& clock, RandomSource& random,
                               CommandOptions options)
    : repo_(db), clock_(clock), random_(random), options_(std::move(options)) {}

std::string CommandChannel::ChannelOf(const std::string& node_id) {
  return metadata::PostgresListener::ChannelName("liverec." + node_id);
}

void CommandChannel::Handle(const std::string& kind, CommandHandler handler) {
  handlers_[kind] = std::move(handler);
}

Result<std::string> CommandChannel::Send(const std::string& node, const CommandTarget& target,
                                         const std::string& kind, const std::string& payload) {
  const int64_t start = clock_.NowMs();
  const int64_t grace = options_.timeout_ms / 5;
  StreamCommandRow row;
  row.id = NewId(clock_, random_);
  row.target_node = node;
  row.origin_node = options_.node_id;
  row.account_id = target.account_id;
  row.domain_name = target.domain;
  row.app_name = target.app;
  row.stream_name = target.stream;
  row.kind = kind;
  row.payload = payload;
  row.created_at_ms = start;
  row.deadline_ms = start + options_.timeout_ms - grace;
  {
    std::lock_guard lock(mutex_);
    waiting_.insert(row.id);
  }
  struct Unwait {
    CommandChannel& channel;
    const std::string& id;
    ~Unwait() {
      std::lock_guard lock(channel.mutex_);
      channel.waiting_.erase(id);
      channel.arrived_.erase(id);
    }
  } unwait{*this, row.id};
  LIVEREC_RETURN_IF_ERROR(repo_.Insert(row));
  if (Status woke = repo_.Notify(ChannelOf(node), std::string(kCommandPrefix) + row.id);
      !woke.ok()) {
    spdlog::warn("cluster: cannot wake node {} (it reads its commands within a second): {}", node,
                 woke.ToString());
  }
  auto done = AwaitDone(row.id, row.deadline_ms);
  if (!done) return Error(done.error());
  if (*done) return ResultOf(**done);
  auto withdrawn = repo_.Cancel(row.id, clock_.NowMs());
  if (!withdrawn) return Error(withdrawn.error());
  if (*withdrawn) {
    return Error(ErrorCode::kCommandTimeout, "",
                 fmt::format("node {} did not take the command within {} ms; it was withdrawn "
                             "and not carried out",
                             node, row.deadline_ms - start));
  }
  done = AwaitDone(row.id, start + options_.timeout_ms);
  if (!done) return Error(done.error());
  if (*done) return ResultOf(**done);
  return Error(ErrorCode::kCommandTimeout, "",
               fmt::format("node {} took the command but did not answer within {} ms; its "
                           "outcome is unknown",
                           node, options_.timeout_ms));
}

Result<std::optional<StreamCommandRow>> CommandChannel::AwaitDone(const std::string& id,
                                                                  int64_t until_ms) {
  while (true) {
    auto got = repo_.Get(id);
    if (!got) return Error(got.error());
    if (*got && (*got)->state == metadata::kCommandDone) return *got;
    int64_t left = until_ms - clock_.NowMs();
    if (left <= 0) return std::optional<StreamCommandRow>();
    WaitForReply(id, std::min(left, options_.reply_poll_ms));
  }
}

void CommandChannel::WaitForReply(const std::string& id, int64_t ms) {
  if (wait_) {
    wait_(id, ms);
    return;
  }
  std::unique_lock lock(mutex_);
  replied_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return arrived_.contains(id); });
  arrived_.erase(id);
}

void CommandChannel::Notified(const std::string& payload) {
  if (!payload.starts_with(kReplyPrefix)) return;
  std::string id = payload.substr(kReplyPrefix.size());
  {
    std::lock_guard lock(mutex_);
    if (!waiting_.contains(id)) return;
    arrived_.insert(std::move(id));
  }
  replied_.notify_all();
}

void CommandChannel::WakeAll() {
  {
    std::lock_guard lock(mutex_);
    arrived_ = waiting_;
  }
  replied_.notify_all();
}

Result<std::string> CommandChannel::ResultOf(const StreamCommandRow& row) const {
  if (row.result_code.empty()) return row.result;
  auto code = ErrorCodeFromName(row.result_code);
  if (!code || *code == ErrorCode::kOk) {
    return Error(ErrorCode::kInternalError, "",
                 fmt::format("node {} answered with an error this node does not know ({}): {}",
                             row.target_node, row.result_code, row.result_detail));
  }
  return Error(*code, row.result_arg, row.result_detail);
}

StreamCommandRow CommandChannel::Run(StreamCommandRow row) {
  auto handler = handlers_.find(row.kind);
  Result<std::string> result =
      handler == handlers_.end() ? Error(ErrorCode::kInternalError, "",
                                         fmt::format("node {} does not know the command kind '{}'",
                                                     options_.node_id, row.kind))
                                 : handler->second(CommandTarget{row.account_id, row.domain_name,
                                                                 row.app_name, row.stream_name},
                                                   row.payload);
  if (result) {
    row.result = *result;
  } else {
    row.result_code = std::string(ErrorCodeName(result.error().code()));
    row.result_arg = result.error().arg();
    row.result_detail = result.error().detail();
  }
  spdlog::info("cluster: {} {} for {}/{}/{} from node {}: {}", row.kind, row.payload,
               row.domain_name, row.app_name, row.stream_name, row.origin_node,
               result ? "done" : result.error().ToString());
  return row;
}

Result<int> CommandChannel::Serve() {
  auto claimed = repo_.ClaimPending(options_.node_id, clock_.NowMs());
  if (!claimed) return Error(claimed.error());
  for (auto& row : *claimed) {
    StreamCommandRow done = Run(std::move(row));
    auto stored = repo_.Complete(done, clock_.NowMs());
    if (!stored) {
      spdlog::warn("cluster: cannot store the result of command {}: {}", done.id,
                   stored.error().ToString());
      continue;
    }
    Status woke = repo_.Notify(ChannelOf(done.origin_node), std::string(kReplyPrefix) + done.id);
    if (!woke.ok())
      spdlog::warn("cluster: cannot wake node {}: {}", done.origin_node, woke.ToString());
  }
  return static_cast<int>(claimed->size());
}

Result<int64_t> CommandChannel::Purge() {
  return repo_.PurgeBefore(clock_.NowMs() - options_.retention_ms);
}

}  // namespace liverec::cluster
