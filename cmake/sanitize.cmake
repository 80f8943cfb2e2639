# LIVEREC_SANITIZE: AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer in every
# target, for the sanitizer build of the tests (`make sanitize`, tests/README.md). Any report
# stops the process, so a test that reaches one fails. Every executable of this build carries its
# runtime options (tests/sanitizers/sanitizer_options.cc) and the leak suppressions of
# tests/sanitizers/lsan.supp. Sanitized code is slower: every test timeout is multiplied by
# LIVEREC_TIMEOUT_FACTOR (tests/CMakeLists.txt, cmake/liverec.cmake).
option(LIVEREC_SANITIZE "Build with -fsanitize=address,undefined (tests/README.md)" OFF)

if(LIVEREC_SANITIZE)
  set(LIVEREC_TIMEOUT_FACTOR 3 CACHE STRING "Multiplier of every test timeout")
  set(sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=all
      -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 17)
    # Clang before 17 cannot emit -fsanitize=function's prologue data for a coroutine's split
    # functions ("error: Cannot represent a difference across sections", e.g. on any
    # boost::asio::awaitable function). GCC has no such check either.
    list(APPEND sanitize_flags -fno-sanitize=function)
  endif()
  # -O1 (after the build type's -O2): fast enough, with exact stacks. _GLIBCXX_ASSERTIONS
  # checks operator[] of std::vector, std::string, std::span..., which ASan cannot see inside
  # a container's capacity.
  add_compile_options(${sanitize_flags} -O1 ${LIVEREC_DEBUG_FLAG} -D_GLIBCXX_ASSERTIONS)
  add_link_options(${sanitize_flags})
  add_library(liverec_sanitizer_options OBJECT
              ${PROJECT_SOURCE_DIR}/tests/sanitizers/sanitizer_options.cc)
  target_compile_definitions(liverec_sanitizer_options PRIVATE
    LIVEREC_LSAN_SUPPRESSIONS="${PROJECT_SOURCE_DIR}/tests/sanitizers/lsan.supp")
  # Every executable defined from here on links the options, except the libFuzzer targets
  # (fuzz/, property LIVEREC_FUZZER) when LIVEREC_FUZZ shares this build: libFuzzer sets its own,
  # and the slow unwinder would cost them most of their executions.
  link_libraries("$<$<AND:$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>,$<NOT:$<BOOL:$<TARGET_PROPERTY:LIVEREC_FUZZER>>>>:$<TARGET_OBJECTS:liverec_sanitizer_options>>")
else()
  set(LIVEREC_TIMEOUT_FACTOR 1 CACHE STRING "Multiplier of every test timeout")
endif()
