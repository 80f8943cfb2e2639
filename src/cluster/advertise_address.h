// AdvertiseAddress: the host:port a node registers for others to reach it ([cluster]
// advertise_http / advertise_rtmp). Thread-safety: a pure function.
#pragma once

#include <cstdint>
#include <string>

namespace liverec::cluster {

// `configured` when set; else the listen address's host with the bound port, the `host_name`
// standing in for a wildcard host ("0.0.0.0", "::", "[::]", "").
std::string AdvertiseAddress(const std::string& configured, const std::string& listen,
                             uint16_t bound_port, const std::string& host_name);

}  // namespace liverec::cluster
