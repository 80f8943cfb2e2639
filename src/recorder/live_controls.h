// LiveControls: the LiveControl of every live publish on this node, by account and stream, and
// RealTimeRecordCommand's entry point: finds the stream (InvalidStream.NotFound when
// it is not publishing here), reads the record config that applies to it now when the command
// starts a recording (InvalidConfig.NotFound when none does), and hands the command to the
// stream's control, whose state machine answers the rest (docs/recording.md).
// Thread-safety: any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "metadata/record_config_repository.h"
#include "recorder/live_control.h"

namespace liverec::recorder {

class LiveControls {
 public:
  LiveControls(metadata::RecordConfigRepository& configs, const Clock& clock)
      : configs_(configs), clock_(clock) {}

  static std::string Key(const std::string& account_id, const std::string& domain,
                         const std::string& app, const std::string& stream);

  // A new publish's control (it replaces a previous publish's, which no longer answers).
  void Register(const std::string& key, std::shared_ptr<LiveControl> control);
  // The publish of `control` ended (a newer publish's control under the same key stays).
  void Unregister(const std::string& key, const LiveControl* control);

  Status Command(const std::string& account_id, const std::string& domain, const std::string& app,
                 const std::string& stream, RecordCommand command);

  // How many live publishes' tasks are recording (liverec_streams_recording).
  size_t CountRecording() const;
  // The task state of a stream live on this node (DescribeLiveStreamsOnlineList's RecordStatus),
  // or nullopt when it is not publishing here (or its publisher has left).
  std::optional<TaskState> StateOf(const std::string& account_id, const std::string& domain,
                                   const std::string& app, const std::string& stream) const;

  std::shared_ptr<LiveControl> FindForTest(const std::string& key) const;

 private:
  metadata::RecordConfigRepository& configs_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<LiveControl>> controls_;
};

}  // namespace liverec::recorder
