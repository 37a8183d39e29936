# Helpers shared by every target of the project.

# Strict warnings on our own code only (generated code is compiled without them).
function(casework_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
                                           -Werror=unused-result)
endfunction()

# casework_library(name SOURCES ... DEPS ...): a static library of ours.
function(casework_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  casework_warnings(${name})
endfunction()

# casework_server(target): the allocator of a long-running server or benchmark. glibc's malloc
# spent about a fifth of the projection's apply thread in malloc/free and consolidation;
# jemalloc (RocksDB's recommendation) gave a 15,000-child rebuild 20-30% more events/s and a
# smaller peak RSS (README, "The projection at a large LA's scale"). Linked by name, with
# --no-as-needed, because nothing calls it: it replaces malloc and free.
function(casework_server target)
  if(CASEWORK_WITH_JEMALLOC)
    target_link_libraries(${target} PRIVATE -Wl,--no-as-needed PkgConfig::JEMALLOC)
  endif()
endfunction()

# casework_test(name SOURCES ... DEPS ...): one test executable per test file, registered
# with CTest.
function(casework_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  casework_warnings(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
  # Every GoogleTest executable is a "unit" test (run under the sanitizers by
  # scripts/test.sh); LABELS adds more (e.g. "tsan").
  set_tests_properties(${name} PROPERTIES LABELS "unit;${ARG_LABELS}")
  set_property(GLOBAL APPEND PROPERTY CASEWORK_UNIT_TESTS ${name})
endfunction()
