#include <iostream>

#include <nlohmann/json.hpp>

#include "api/signature_v1.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/ids.h"
#include "base/percent_encoding.h"
#include "base/random.h"
#include "base/time_format.h"
#include "commands.h"
#include "config/config.h"
#include "net/http_client.h"
#include "server/bootstrap.h"

namespace liverec::apps {
namespace {

std::string Encode(const api::ParamMap& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += PopEncode(name) + "=" + PopEncode(value);
  }
  return out;
}

}  // namespace

int RunCall(const CallOptions& options) {
  std::map<std::string, std::string> flags;
  if (!options.data_dir.empty()) flags["data_dir"] = options.data_dir;
  auto config = config::LoadConfig({options.config_file, Environment(), flags});
  if (!config) {
    std::cerr << "liverec call: " << config.error().ToString() << "\n";
    return 2;
  }
  std::string id = options.access_key_id, secret = options.access_key_secret;
  if (id.empty() || secret.empty()) {
    auto stored = server::ReadCredentials(config->data_dir);
    if (!stored) {
      std::cerr << "liverec call: no AccessKey given and " << stored.error().Message()
                << " (start the server once, or pass --access-key-id/--access-key-secret)\n";
      return 2;
    }
    id = stored->access_key_id;
    secret = stored->access_key_secret;
  }
  std::string endpoint =
      options.endpoint.empty() ? "http://" + config->http_listen + "/" : options.endpoint;
  if (!endpoint.ends_with("/")) endpoint += "/";

  SystemClock clock;
  OsRandom random;
  api::ParamMap params{{"Action", options.action},
                       {"Version", "2016-11-01"},
                       {"Format", "JSON"},
                       {"AccessKeyId", id},
                       {"SignatureMethod", "HMAC-SHA1"},
                       {"SignatureVersion", "1.0"},
                       {"SignatureNonce", NewId(clock, random)},
                       {"Timestamp", FormatIsoUtc(clock.NowMs())}};
  for (const auto& kv : options.params) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "liverec call: parameter '" << kv << "' is not Key=Value\n";
      return 2;
    }
    params[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  params["Signature"] = api::V1Signature(secret, api::V1StringToSign(options.method, params));

  net::HttpClientRequest request;
  request.method = options.method;
  if (options.method == "GET") {
    request.url = endpoint + "?" + Encode(params);
  } else {
    request.url = endpoint;
    request.headers["Content-Type"] = "application/x-www-form-urlencoded";
    request.body = Encode(params);
  }
  auto response = net::SendHttpRequest(request);
  if (!response) {
    std::cerr << "liverec call: " << response.error().Message() << "\n";
    return 3;
  }
  auto json = nlohmann::json::parse(response->body, nullptr, false);
  std::cout << (json.is_discarded() ? response->body : json.dump(2)) << std::endl;
  if (response->status >= 400) {
    std::string code = json.is_object() && json.contains("Code") ? json["Code"].dump() : "";
    std::cerr << "liverec call: HTTP " << response->status << " " << code << "\n";
    return 1;
  }
  return 0;
}

}  // namespace liverec::apps
