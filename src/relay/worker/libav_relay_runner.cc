#include "relay/worker/libav_relay_runner.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include <spdlog/spdlog.h>

#include "relay/egress/egress_proxy_gate.h"

namespace liverec::relay::worker {
namespace {

RelayReport::Kind ReportKind(RelayPipeline::Event::Kind kind) {
  switch (kind) {
    case RelayPipeline::Event::Kind::kRunning:
      return RelayReport::Kind::kRunning;
    case RelayPipeline::Event::Kind::kProgress:
      return RelayReport::Kind::kProgress;
    case RelayPipeline::Event::Kind::kFailed:
      return RelayReport::Kind::kFailed;
    case RelayPipeline::Event::Kind::kItemSwitched:
      return RelayReport::Kind::kItemSwitched;
    case RelayPipeline::Event::Kind::kFinished:
      break;
  }
  return RelayReport::Kind::kFinished;
}

// Turns pipeline events of one attempt into the scheduler's reports.
RelayPipeline::Listener Reporter(const RelayJob& job, ReportFn report) {
  const bool url_source = job.source_type == "url";
  return [task_id = job.task_id, attempt = job.attempt, url_source, urls = job.source_urls,
          report = std::move(report)](const RelayPipeline::Event& event) {
    if (event.kind == RelayPipeline::Event::Kind::kProgress && !url_source) return;
    RelayReport out;
    out.task_id = task_id;
    out.attempt = attempt;
    out.kind = ReportKind(event.kind);
    out.failure = event.error.failure;
    out.detail = event.error.detail;
    if (url_source) {
      out.current_file_index = event.position.file_index;
      out.current_offset_s = static_cast<int64_t>(std::floor(event.offset_s));
      out.remaining_repeats = event.position.remaining_repeats;
      const auto index = static_cast<size_t>(event.position.file_index);
      if (event.kind == RelayPipeline::Event::Kind::kItemSwitched && index < urls.size()) {
        out.current_file_url = urls[index];
      }
    }
    report(out);
  };
}

std::string EnvironmentValue(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

LibavRelayRunner::LibavRelayRunner(RelayTimeouts timeouts, std::optional<UrlPolicy> policy,
                                   egress::EgressProxy* proxy, bool own_rtmp)
    : timeouts_(timeouts),
      policy_(std::move(policy)),
      proxy_(proxy),
      own_rtmp_(own_rtmp),
      no_proxy_(EnvironmentValue("no_proxy")) {}

LibavRelayRunner::~LibavRelayRunner() {
  std::map<std::string, std::unique_ptr<RelayPipeline>> running;
  std::vector<std::unique_ptr<RelayPipeline>> stopping;
  {
    std::lock_guard lock(mutex_);
    running.swap(running_);
    stopping.swap(stopping_);
  }
  for (auto& [id, pipeline] : running) pipeline->RequestStop();
  for (auto& pipeline : stopping) pipeline->RequestStop();
  running.clear();  // each destructor joins its thread
  stopping.clear();
}

void LibavRelayRunner::Start(const RelayJob& job, ReportFn report) {
  auto spec = SpecFromJob(job, timeouts_);
  if (spec) spec->own_rtmp = own_rtmp_;
  if (spec && policy_) {
    spec->admit = [policy = *policy_, type = job.source_type, protocol = job.source_protocol](
                      const std::string& url, bool is_source) -> std::optional<std::string> {
      callbacks::UrlCheck check =
          is_source ? CheckSourceUrl(type, protocol, url, policy) : CheckDstUrl(url, policy);
      if (check.verdict == callbacks::UrlVerdict::kOk) return std::nullopt;
      return check.detail;
    };
    if (!policy_->allow_private_addresses) {
      auto lease =
          proxy_ ? proxy_->Lease("task " + job.task_id + " attempt " + std::to_string(job.attempt))
                 : nullptr;
      spec->gate = std::make_shared<egress::EgressProxyGate>(std::move(lease), *policy_, no_proxy_);
    }
  }
  auto pipeline =
      std::make_unique<RelayPipeline>(std::move(spec), Reporter(job, std::move(report)));
  std::lock_guard lock(mutex_);
  ReapLocked();
  if (auto old = running_.find(job.task_id); old != running_.end()) {
    spdlog::error("relay: task {} started while an attempt runs; stopping that one", job.task_id);
    old->second->RequestStop();
    stopping_.push_back(std::move(old->second));
    running_.erase(old);
  }
  pipeline->Start();
  running_[job.task_id] = std::move(pipeline);
}

void LibavRelayRunner::Stop(const std::string& task_id) {
  std::lock_guard lock(mutex_);
  if (auto it = running_.find(task_id); it != running_.end()) {
    it->second->RequestStop();
    stopping_.push_back(std::move(it->second));
    running_.erase(it);
  }
  ReapLocked();
}

void LibavRelayRunner::SetRemainingRepeats(const std::string& task_id, int remaining_repeats) {
  std::lock_guard lock(mutex_);
  if (auto it = running_.find(task_id); it != running_.end()) {
    it->second->SetRemainingRepeats(remaining_repeats);  // a live pipeline never reads it
  }
}

void LibavRelayRunner::ReapLocked() {
  std::erase_if(stopping_, [](const auto& pipeline) { return pipeline->Done(); });
  std::erase_if(running_, [](const auto& entry) { return entry.second->Done(); });
}

size_t LibavRelayRunner::PipelineCountForTest() const {
  std::lock_guard lock(mutex_);
  return running_.size() + stopping_.size();
}

size_t LibavRelayRunner::RunningCount() const {
  std::lock_guard lock(mutex_);
  return std::count_if(running_.begin(), running_.end(),
                       [](const auto& entry) { return !entry.second->Done(); });
}

}  // namespace liverec::relay::worker
