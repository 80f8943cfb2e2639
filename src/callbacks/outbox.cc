#include "callbacks/outbox.h"

#include "base/ids.h"

namespace liverec::callbacks {

Result<std::string> Outbox::Enqueue(const CallbackEvent& event) {
  metadata::CallbackEventRow row;
  row.account_id = event.account_id;
  row.id = event.id.empty() ? NewId(clock_, random_) : event.id;
  row.domain_name = event.domain;
  row.app_name = event.app;
  row.stream_name = event.stream;
  row.kind = event.kind;
  row.url = event.url;
  row.method = event.method;
  row.body = event.body;
  row.sign_key = event.sign_key;
  row.query = event.query;
  row.sign_host = event.sign_host;
  row.created_at_ms = row.next_attempt_ms = clock_.NowMs();
  row.last_headers = "{}";
  if (event.id.empty()) {
    LIVEREC_RETURN_IF_ERROR(repository_.Insert(row));
  } else {
    auto inserted = repository_.InsertIfAbsent(row);
    if (!inserted) return Error(inserted.error());
    if (!*inserted) return row.id;  // enqueued before: nothing new to send
  }
  if (wake_up_) wake_up_();
  return row.id;
}

}  // namespace liverec::callbacks
