#include "cluster/advertise_address.h"

namespace liverec::cluster {

std::string AdvertiseAddress(const std::string& configured, const std::string& listen,
                             uint16_t bound_port, const std::string& host_name) {
  if (!configured.empty()) return configured;
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") host = host_name;
  return host + ":" + std::to_string(bound_port);
}

}  // namespace liverec::cluster
