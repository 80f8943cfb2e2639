# liverec_layer(NAME <layer> DEPS <targets...> [TEST_DEPS <targets...>] [POSTGRES])
# One static library per layer folder: every *.cc below the folder that is not a *_test.cc.
# Tests beside the code (*_test.cc) form one test binary per library, <layer>_test, linked with
# TEST_DEPS too (e.g. liverec::testing), whose tests CTest discovers one by one, each with a
# timeout. POSTGRES: the tests need the throwaway PostgreSQL cluster (the CTest fixture
# `postgres`, tests/CMakeLists.txt): CTest starts it before them and stops it after them, and
# they find it through LIVEREC_TEST_POSTGRES_DIR (src/testing/test_database.h).
set(LIVEREC_TEST_TIMEOUT 60 CACHE STRING "Per-test timeout (seconds) for unit tests")
set(LIVEREC_TEST_POSTGRES_DIR ${CMAKE_BINARY_DIR}/test-postgres)
math(EXPR unit_test_timeout "${LIVEREC_TEST_TIMEOUT} * ${LIVEREC_TIMEOUT_FACTOR}")

# The main() of every GoogleTest binary: GoogleTest's own, except that a skipped test fails
# (tests/gtest_main.cc). Test binaries link liverec_gtest_main, never GTest::gtest_main.
add_library(liverec_gtest_main STATIC ${PROJECT_SOURCE_DIR}/tests/gtest_main.cc)
target_link_libraries(liverec_gtest_main PUBLIC GTest::gtest GTest::gmock)

function(liverec_layer)
  cmake_parse_arguments(L "POSTGRES" "NAME" "DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_sources "")
  set(test_sources "")
  foreach(f ${all_sources})
    if(f MATCHES "_test\\.cc$")
      list(APPEND test_sources ${f})
    else()
      list(APPEND lib_sources ${f})
    endif()
  endforeach()
  add_library(liverec_${L_NAME} STATIC ${lib_sources})
  add_library(liverec::${L_NAME} ALIAS liverec_${L_NAME})
  target_include_directories(liverec_${L_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(liverec_${L_NAME} PUBLIC ${L_DEPS})
  if(test_sources)
    add_executable(${L_NAME}_test ${test_sources})
    target_link_libraries(${L_NAME}_test PRIVATE liverec_${L_NAME} ${L_TEST_DEPS} liverec_gtest_main)
    set(postgres_properties "")
    if(L_POSTGRES)
      set(postgres_properties FIXTURES_REQUIRED postgres
                              ENVIRONMENT LIVEREC_TEST_POSTGRES_DIR=${LIVEREC_TEST_POSTGRES_DIR})
    endif()
    gtest_discover_tests(${L_NAME}_test
      TEST_PREFIX "${L_NAME}."
      DISCOVERY_TIMEOUT ${unit_test_timeout}
      PROPERTIES TIMEOUT ${unit_test_timeout} LABELS unit ${postgres_properties})
  endif()
endfunction()
