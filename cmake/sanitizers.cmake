# Sanitizer and fuzzing builds (README "Fuzzing and sanitizers"; tools/sanitize, tools/fuzz).
#   -DLOCALORGS_SANITIZE=address,undefined   every target under ASan + UBSan
#   -DLOCALORGS_SANITIZE=thread              every target under TSan
#   -DLOCALORGS_FUZZ=ON                      the libFuzzer targets of tests/fuzz (clang only), with
#                                            every library instrumented for coverage; implies
#                                            address,undefined
# Any report fails the process: UBSan does not recover, and every executable carries default
# runtime options that halt on the first report (sanitizer_options.cpp).

set(LOCALORGS_SANITIZE "" CACHE STRING "Sanitizers for the whole build: address,undefined or thread")
option(LOCALORGS_FUZZ "Build the libFuzzer targets of tests/fuzz (clang only; implies address,undefined)" OFF)

set(LOCALORGS_SANITIZERS "${LOCALORGS_SANITIZE}")
if(LOCALORGS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LOCALORGS_FUZZ needs clang (libFuzzer ships with it), e.g. -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  if(LOCALORGS_SANITIZERS STREQUAL "")
    set(LOCALORGS_SANITIZERS address,undefined)
  elseif(NOT LOCALORGS_SANITIZERS STREQUAL "address,undefined")
    message(FATAL_ERROR "LOCALORGS_FUZZ runs under address,undefined, not ${LOCALORGS_SANITIZERS}")
  endif()
  # Coverage feedback from every library a target links, not only from the target itself.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

if(LOCALORGS_SANITIZERS)
  if(NOT LOCALORGS_SANITIZERS MATCHES "^(address,undefined|address|undefined|thread)$")
    message(FATAL_ERROR "LOCALORGS_SANITIZE: expected address,undefined, address, undefined or thread, "
                        "got '${LOCALORGS_SANITIZERS}'")
  endif()
  add_compile_options(-fsanitize=${LOCALORGS_SANITIZERS} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${LOCALORGS_SANITIZERS})
  if(LOCALORGS_SANITIZERS MATCHES "undefined")
    # UBSan's vptr check reads the vtable only after probing it through a pipe(2); with every
    # descriptor in use (the server at its open-files limit, tests/e2e/test_hostile_input.py) the
    # probe fails and every virtual call it checks is reported as "invalid vptr". Use-after-free,
    # the bug behind a real invalid vptr, stays ASan's to find.
    add_compile_options(-fno-sanitize=vptr)
    add_link_options(-fno-sanitize=vptr)
  endif()
endif()

# Gives every executable defined so far, in `dir` and below, the default runtime options.
function(localorgs_add_sanitizer_options dir)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target ${targets})
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      target_sources(${target} PRIVATE ${CMAKE_SOURCE_DIR}/cmake/sanitizer_options.cpp)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir ${subdirs})
    localorgs_add_sanitizer_options(${subdir})
  endforeach()
endfunction()
