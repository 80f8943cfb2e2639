#include "api/stream_moderation.h"

#include <algorithm>

#include "api/record_config_params.h"
#include "base/names.h"

namespace liverec::api {
namespace {

Status Forbidden() { return Status(ErrorCode::kStreamForbidden, "", "cut by ForbidLiveStream"); }

// Cuts the publisher of the stream if it is live on this node for `account` (an undeclared
// domain is the default account's: another account may not cut its streams).
bool CutHere(ingest::StreamRegistry& registry, const std::string& account,
             const std::string& domain, const std::string& app, const std::string& stream) {
  for (const auto& live : registry.List(account, domain)) {
    if (live.app == app && live.stream == stream) return registry.Revoke(live.Key(), Forbidden());
  }
  return false;
}

}  // namespace

Result<ModeratedStream> ParseModeratedStream(ActionContext& context, const Params& params) {
  auto domain = params.Required("DomainName");
  if (!domain) return Error(domain.error());
  auto app = params.Required("AppName");
  if (!app) return Error(app.error());
  auto stream = params.Required("StreamName");
  if (!stream) return Error(stream.error());
  auto type = params.Required("LiveStreamType");
  if (!type) return Error(type.error());
  if (!IsValidDomainName(*domain)) return Error(ErrorCode::kInvalidDomainNameMalformed);
  if (!IsValidAppName(*app)) return Error(ErrorCode::kInvalidAppNameMalformed);
  if (!IsValidAppName(*stream)) {
    return Error(ErrorCode::kInvalidStreamNameMalformed, "",
                 "StreamName names one stream (no wildcard).");
  }
  std::string lower = *type;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower != "publisher") return Error(ErrorCode::kInvalidLiveStreamTypeMalformed);
  LIVEREC_RETURN_IF_ERROR(CheckDomainAccess(context, *domain));
  return ModeratedStream{*domain, *app, *stream};
}

Result<bool> CutPublisher(ActionContext& context, const ModeratedStream& target) {
  ingest::StreamRegistry* registry = context.deps.streams.registry;
  if (!registry)
    return Error(ErrorCode::kInternalError, "", "the stream registry is not configured");
  const std::string& account = context.caller.account_id;
  if (CutHere(*registry, account, target.domain, target.app, target.stream)) return true;
  const ClusterServices& nodes = context.deps.cluster;
  if (!nodes.directory || !nodes.commands) return false;
  auto owner = nodes.directory->FindOwner(account, target.domain, target.app, target.stream);
  if (!owner) return Error(owner.error());
  if (!*owner) return false;
  auto sent = nodes.commands->Send(
      **owner, cluster::CommandTarget{account, target.domain, target.app, target.stream},
      std::string(kForbidCommandKind), "");
  if (!sent) {
    // Gone from that node meanwhile: nothing left to cut.
    if (sent.error().code() == ErrorCode::kLiveStreamNotFound) return false;
    return Error(sent.error());
  }
  return true;
}

void HandleRemoteForbidCommands(cluster::CommandChannel& channel,
                                ingest::StreamRegistry& registry) {
  channel.Handle(
      std::string(kForbidCommandKind),
      [&registry](const cluster::CommandTarget& t, const std::string&) -> Result<std::string> {
        if (!CutHere(registry, t.account_id, t.domain, t.app, t.stream)) {
          return Error(ErrorCode::kLiveStreamNotFound);
        }
        return std::string();
      });
}

}  // namespace liverec::api
