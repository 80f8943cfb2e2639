// RealTimeRecordCommand: start, stop, cancel_delay or restart the recording of a live stream
// (docs/api/record-commands.md). The state machine and what each command does to the files:
// docs/recording.md. In cluster mode a stream live on another node gets the command there,
// through the database (docs/cluster.md "Live streams and commands across nodes").
#include "api/actions/actions.h"
#include "api/online_streams.h"
#include "api/record_config_params.h"
#include "base/names.h"

namespace liverec::api::actions {

Result<nlohmann::json> RealTimeRecordCommand(ActionContext& context, const Params& params) {
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  auto app = params.Required("AppName");
  if (!app) return Error(app.error());
  auto stream = params.Required("StreamName");
  if (!stream) return Error(stream.error());
  auto command_text = params.Required("Command");
  if (!command_text) return Error(command_text.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  if (!IsValidAppName(*app)) return Error(ErrorCode::kInvalidAppNameMalformed);
  if (!IsValidAppName(*stream)) {
    return Error(ErrorCode::kInvalidStreamNameMalformed, "",
                 "StreamName names one stream (no wildcard).");
  }
  auto command = recorder::ParseRecordCommand(*command_text);
  if (!command) return Error(ErrorCode::kInvalidCommandMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  if (!context.deps.live_controls) {
    return Error(ErrorCode::kInternalError, "", "recording control is not available");
  }
  const std::string& account = context.caller.account_id;
  Status local = context.deps.live_controls->Command(account, *domain, *app, *stream, *command);
  const ClusterServices& nodes = context.deps.cluster;
  if (local.code() != ErrorCode::kLiveStreamNotFound || !nodes.directory || !nodes.commands) {
    LIVEREC_RETURN_IF_ERROR(local);
    return nlohmann::json::object();
  }
  // Not live here: on another node, if any (else InvalidStream.NotFound, as on a single node).
  auto owner = nodes.directory->FindOwner(account, *domain, *app, *stream);
  if (!owner) return Error(owner.error());
  if (!*owner) return Error(local);
  auto sent = nodes.commands->Send(**owner, cluster::CommandTarget{account, *domain, *app, *stream},
                                   std::string(kRecordCommandKind), *command_text);
  if (!sent) return Error(sent.error());
  return nlohmann::json::object();
}

}  // namespace liverec::api::actions
