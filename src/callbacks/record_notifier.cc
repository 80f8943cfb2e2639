#include "callbacks/record_notifier.h"

#include "base/ids.h"

namespace liverec::callbacks {
namespace {

// The RFC 9562 namespace of file_created event ids (a random UUIDv4, fixed forever: changing it
// would give files announced again after an upgrade a second event).
constexpr std::string_view kFileCreatedNamespace = "c174cca2-8fc5-4e29-a8bb-0c5761af0abe";

CallbackEvent EventFor(const metadata::NotifyConfig& config, const std::string& app,
                       const std::string& stream, std::string kind, std::string body) {
  CallbackEvent event;
  event.account_id = config.account_id;
  event.domain = config.domain_name;
  event.app = app;
  event.stream = stream;
  event.kind = std::move(kind);
  event.url = config.notify_url;
  event.body = std::move(body);
  if (config.notify_req_auth) event.sign_key = config.notify_auth_key;
  return event;
}

}  // namespace

std::string FileCreatedEventId(const std::string& account_id, const std::string& record_id) {
  // Lengths first, so no two (account, record) pairs make the same name.
  return NameBasedId(kFileCreatedNamespace,
                     std::to_string(account_id.size()) + ":" + account_id + "/" + record_id);
}

Result<std::string> OutboxRecordNotifier::FileCreated(const std::string& account_id,
                                                      const std::string& record_id,
                                                      const FileCreatedInfo& file) {
  auto config = configs_.Find(account_id, file.domain);
  if (!config) return Error(config.error());
  if (!*config || (*config)->notify_url.empty()) return std::string();
  CallbackEvent event =
      EventFor(**config, file.app, file.stream, "file_created", FileCreatedBody(file));
  event.id = FileCreatedEventId(account_id, record_id);
  return outbox_.Enqueue(event);
}

Result<std::string> OutboxRecordNotifier::StatusChanged(
    const std::string& account_id, const std::string& domain, const std::string& app,
    const std::string& stream, RecordStatusEvent event, const std::string& reason) {
  auto config = configs_.Find(account_id, domain);
  if (!config) return Error(config.error());
  if (!*config || !(*config)->need_status_notify || (*config)->notify_url.empty()) {
    return std::string();
  }
  return outbox_.Enqueue(EventFor(**config, app, stream, std::string(StatusEventName(event)),
                                  StatusEventBody(domain, app, stream, event, reason)));
}

}  // namespace liverec::callbacks
