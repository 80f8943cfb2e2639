// LibavRelayRunner: the RelayRunner (relay/relay_runner.h) that moves media with libavformat —
// one RelayPipeline, and so one thread, per running task.
//
// Start() turns the job into a RelaySpec and starts its pipeline; a job the worker cannot run
// fails on the pipeline thread with kUnknownError like any other failure. Stop() asks the
// task's pipeline to stop and returns at once; the pipeline lets go of source and destination
// within about 100 ms and its thread is joined later (on the next Start/Stop, or by the
// destructor), never on the caller's thread while it still blocks. Reports: kRunning once,
// kProgress about once a second (url sources only), then kFailed or kFinished; a stopped
// attempt reports nothing more.
// Thread-safety: Start/Stop may be called from any thread; reports come from pipeline threads
// and never after the destructor (which stops and joins every pipeline) has returned.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "relay/egress/egress_proxy.h"
#include "relay/relay_runner.h"
#include "relay/relay_url_policy.h"
#include "relay/worker/relay_pipeline.h"
#include "relay/worker/relay_spec.h"

namespace liverec::relay::worker {

class LibavRelayRunner final : public RelayRunner {
 public:
  // `policy`: the addresses and files relays may use, checked again right before each source
  // and the destination is opened (the API checked them when the task was stored); nullopt
  // checks nothing more. While it refuses private addresses, every connection is checked too
  // (egress/): http(s) and rtmps through `proxy` (which must outlive the runner; without one
  // they are refused), rtmp and srt pinned to a checked address. `own_rtmp`: live rtmp → rtmp
  // relays of the plain URL shape go through liverec's own RTMP client (rtmp_relay.h) instead
  // of libavformat ([relay] rtmp_client).
  explicit LibavRelayRunner(RelayTimeouts timeouts = {},
                            std::optional<UrlPolicy> policy = std::nullopt,
                            egress::EgressProxy* proxy = nullptr, bool own_rtmp = true);
  ~LibavRelayRunner() override;

  void Start(const RelayJob& job, ReportFn report) override;
  void Stop(const std::string& task_id) override;
  void SetRemainingRepeats(const std::string& task_id, int remaining_repeats) override;

  // Pipelines that exist (running, or stopped but not yet joined).
  size_t PipelineCountForTest() const;
  // Tasks whose pipeline runs (started and not stopped): the node's relay load.
  size_t RunningCount() const;

 private:
  void ReapLocked();  // joins pipelines whose thread has ended

  const RelayTimeouts timeouts_;
  const std::optional<UrlPolicy> policy_;
  egress::EgressProxy* const proxy_;
  const bool own_rtmp_;
  const std::string no_proxy_;  // the environment variable libavformat reads, at construction
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<RelayPipeline>> running_;
  std::vector<std::unique_ptr<RelayPipeline>> stopping_;
};

}  // namespace liverec::relay::worker
