# Helpers shared by every module's CMakeLists.

# rivet_test(NAME SOURCES... LIBS... LABEL label)
# A GoogleTest binary registered with CTest, one CTest test per TEST().
# The label says where it runs: `unit` (ASan only), `concurrency` (ASan and
# TSan), `stress` (large counts; ASan and TSan). One label per binary: CMake
# 3.25's PRE_TEST discovery cannot carry a list of labels.
function(rivet_test name)
    cmake_parse_arguments(ARG "" "LABEL" "SOURCES;LIBS" ${ARGN})
    if(NOT RIVET_BUILD_TESTS)
        return()
    endif()
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBS} rivet_flags GTest::gtest GTest::gtest_main)
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS ${ARG_LABEL}
                         DISCOVERY_TIMEOUT 60)
endfunction()

# Every public header must compile on its own (STYLE.md): one translation unit
# per header, including only that header.
function(rivet_check_headers)
    file(GLOB_RECURSE headers RELATIVE ${PROJECT_SOURCE_DIR}/include
         ${PROJECT_SOURCE_DIR}/include/rivet/*.hpp)
    set(sources)
    foreach(header ${headers})
        string(MAKE_C_IDENTIFIER ${header} id)
        set(src ${PROJECT_BINARY_DIR}/header_check/${id}.cpp)
        file(CONFIGURE OUTPUT ${src} CONTENT "#include <${header}>\n")
        list(APPEND sources ${src})
    endforeach()
    add_library(rivet_header_check OBJECT ${sources})
    target_include_directories(rivet_header_check PRIVATE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(rivet_header_check PRIVATE rivet_flags)
endfunction()

# rivet_module(NAME DEPS targets... [EXCLUDE patterns...])
# The library rivet_<NAME> (alias rivet::<NAME>) from every .cpp in the
# calling folder but the unit tests (*_test.cpp), micro-benchmarks
# (*_bench.cpp) and files matching EXCLUDE, which sit beside the code. DEPS
# are linked publicly. Sets <NAME>_tests and <NAME>_benches (those files) in
# the caller's scope.
function(rivet_module name)
    cmake_parse_arguments(ARG "" "" "DEPS;EXCLUDE" ${ARGN})
    set(dir ${CMAKE_CURRENT_SOURCE_DIR})
    file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cpp)
    file(GLOB tests CONFIGURE_DEPENDS ${dir}/*_test.cpp)
    file(GLOB benches CONFIGURE_DEPENDS ${dir}/*_bench.cpp)
    set(excluded)
    foreach(pattern ${ARG_EXCLUDE})
        file(GLOB matched CONFIGURE_DEPENDS ${dir}/${pattern})
        list(APPEND excluded ${matched})
    endforeach()
    list(REMOVE_ITEM sources ${tests} ${benches} ${excluded} "")

    add_library(rivet_${name} ${sources})
    add_library(rivet::${name} ALIAS rivet_${name})
    target_include_directories(rivet_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(rivet_${name} PUBLIC ${ARG_DEPS} PRIVATE rivet_flags)
    set(${name}_tests ${tests} PARENT_SCOPE)
    set(${name}_benches ${benches} PARENT_SCOPE)
endfunction()
