#include "storage/local/open_beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>  // struct open_how, RESOLVE_*
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

namespace liverec::storage {
namespace {

// Components of `relative`, or false when one is empty, "." or "..".
bool ValidComponents(std::string_view relative) {
  if (relative.empty()) return false;
  while (true) {
    auto slash = relative.find('/');
    std::string_view part = relative.substr(0, slash);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    relative.remove_prefix(slash + 1);
  }
}

UniqueFd OpenRoot(const std::string& root) {
  return UniqueFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
}

UniqueFd Walk(int root_fd, std::string_view relative, int flags) {
  UniqueFd dir;
  int at = root_fd;
  while (true) {
    auto slash = relative.find('/');
    std::string part(relative.substr(0, slash));
    if (slash == std::string_view::npos) {
      return UniqueFd(::openat(at, part.c_str(), flags | O_NOFOLLOW | O_CLOEXEC));
    }
    UniqueFd next(::openat(at, part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.Valid()) {
      // A link to a directory fails as ENOTDIR under O_NOFOLLOW | O_DIRECTORY: say ELOOP.
      if (errno == ENOTDIR) {
        struct stat st {};
        if (::fstatat(at, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
          errno = ELOOP;
        } else {
          errno = ENOTDIR;
        }
      }
      return next;
    }
    dir = std::move(next);
    at = dir.Get();
    relative.remove_prefix(slash + 1);
  }
}

}  // namespace

UniqueFd OpenBeneathByWalkForTest(const std::string& root, const std::string& relative, int flags) {
  if (!ValidComponents(relative)) {
    errno = EXDEV;
    return UniqueFd();
  }
  UniqueFd root_fd = OpenRoot(root);
  if (!root_fd.Valid()) return root_fd;
  return Walk(root_fd.Get(), relative, flags);
}

UniqueFd OpenBeneath(const std::string& root, const std::string& relative, int flags) {
  if (!ValidComponents(relative)) {
    errno = EXDEV;
    return UniqueFd();
  }
  UniqueFd root_fd = OpenRoot(root);
  if (!root_fd.Valid()) return root_fd;
  struct open_how how {};
  how.flags = static_cast<uint64_t>(flags | O_NOFOLLOW | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
  long fd = ::syscall(SYS_openat2, root_fd.Get(), relative.c_str(), &how, sizeof how);
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  if (errno != ENOSYS && errno != EPERM) return UniqueFd();
  return Walk(root_fd.Get(), relative, flags);
}

}  // namespace liverec::storage
