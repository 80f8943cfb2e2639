#include "base/build_info.h"

#include "build_info_values.h"  // generated at build time (src/base/CMakeLists.txt)

namespace liverec {

std::string_view BuildVersion() { return LIVEREC_BUILD_VERSION; }
std::string_view BuildCommit() { return LIVEREC_BUILD_COMMIT; }

}  // namespace liverec
