// What this binary was built from, for `liverec version` and the liverec_build_info metric.
// Thread-safety: constants.
#pragma once

#include <string_view>

namespace liverec {

// The project version (CMake's PROJECT_VERSION), e.g. "0.1.0".
std::string_view BuildVersion();
// The git commit the build was made at (12 hex digits), or "" when built outside a checkout.
std::string_view BuildCommit();

}  // namespace liverec
