// DefaultInitAllocator: std::allocator whose value-less construct() default-initializes, so
// `resize(n)` of a vector of bytes grows it without zero-filling what the caller is about to
// overwrite (std::allocator value-initializes: a memset of every new byte). Everything else,
// including `resize(n, value)` and `assign`, behaves as with std::allocator.
// Thread-safety: as std::allocator (stateless).
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace liverec {

template <typename T>
class DefaultInitAllocator : public std::allocator<T> {
 public:
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };

  using std::allocator<T>::allocator;

  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    std::allocator_traits<std::allocator<T>>::construct(static_cast<std::allocator<T>&>(*this), p,
                                                        std::forward<Args>(args)...);
  }
};

// Bytes a writer appends by growing first and writing after (the TS packetizer's output).
using UninitBytes = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

}  // namespace liverec
