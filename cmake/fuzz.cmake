# LIVEREC_FUZZ=ON: the libFuzzer build (docs/fuzzing.md). clang only: every liverec library is
# instrumented for libFuzzer's coverage (fuzzer-no-link) and checked by AddressSanitizer and
# UndefinedBehaviorSanitizer; any undefined behaviour aborts, so the fuzzer reports it as a crash.
# The targets themselves (fuzz/) link libFuzzer's main. `make fuzz` builds only the fuzz targets
# in its own build directory (`cmake --build build-fuzz --target liverec_fuzzers`). CI combines
# this with LIVEREC_SANITIZE in one clang build (`make sanitize SANITIZE_FUZZ=ON`): the tests and
# the fuzz targets then share every compiled library, and the tests carry the coverage
# instrumentation too, which they do not use.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "LIVEREC_FUZZ needs clang (CMAKE_CXX_COMPILER=clang++): libFuzzer is clang's")
endif()
set(LIVEREC_SANITIZERS "address,undefined")
# -fno-sanitize=function: clang 14 cannot emit that check's prologue for the split parts of a
# C++20 coroutine ("Cannot represent a difference across sections", net/ and asio code).
# _GLIBCXX_ASSERTIONS: libstdc++ checks operator[] of vectors, strings and spans, which ASan
# cannot see inside a container's capacity.
if(LIVEREC_SANITIZE)
  # cmake/sanitize.cmake added the sanitizers already. Naming them again here would turn
  # -fsanitize=function back on after its -fno-sanitize=function (CMake keeps only the first of
  # two equal options), so only the coverage instrumentation is added.
  add_compile_options(-fsanitize=fuzzer-no-link)
else()
  add_compile_options(${LIVEREC_DEBUG_FLAG} -O1 -fsanitize=fuzzer-no-link,${LIVEREC_SANITIZERS}
                      -fno-sanitize=function -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS)
  add_link_options(-fsanitize=${LIVEREC_SANITIZERS})
endif()
