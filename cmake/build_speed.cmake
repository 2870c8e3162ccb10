# Shorter clean builds (`make test` from a fresh clone on 2 cores): precompiled headers for the
# heavy third-party headers, and unity builds where the sources allow them.
# Both are off switches for debugging a build: -DTANNHA_PCH=OFF, -DTANNHA_UNITY_BUILD=OFF.
option(TANNHA_PCH "Precompile the heavy third-party headers (Beast/Asio, nlohmann/json, doctest)" ON)
option(TANNHA_UNITY_BUILD "Compile several sources of a target as one translation unit" ON)

# The third-party headers each family of targets spends its time parsing. (Not the standard
# headers: included first, ahead of the sources' own order, they made GCC 12 report a false
# -Warray-bounds in tests/domain/calendar_test.cpp.)
set(TANNHA_PCH_JSON <nlohmann/json.hpp>)
set(TANNHA_PCH_SQLITE <SQLiteCpp/Database.h> <SQLiteCpp/Statement.h> <SQLiteCpp/Transaction.h>)
set(TANNHA_PCH_ASIO
    <boost/asio/any_io_executor.hpp> <boost/asio/as_tuple.hpp> <boost/asio/awaitable.hpp>
    <boost/asio/co_spawn.hpp> <boost/asio/detached.hpp> <boost/asio/io_context.hpp>
    <boost/asio/ip/tcp.hpp> <boost/asio/post.hpp> <boost/asio/steady_timer.hpp>
    <boost/asio/use_awaitable.hpp> <boost/beast/core/flat_buffer.hpp>
    <boost/beast/core/tcp_stream.hpp> <boost/beast/http.hpp>)
set(TANNHA_PCH_DOCTEST <doctest/doctest.h>)

# tannha_speed_up(TARGET [PCH header…] [UNITY_BATCH n] [NO_UNITY file…])
#   PCH          headers to precompile for the target
#   UNITY_BATCH  sources per unity translation unit (0: no unity build)
#   NO_UNITY     sources compiled on their own (names that clash with another source's)
function(tannha_speed_up target)
  cmake_parse_arguments(arg "" "UNITY_BATCH" "PCH;NO_UNITY" ${ARGN})
  if(TANNHA_PCH AND arg_PCH)
    target_precompile_headers(${target} PRIVATE ${arg_PCH})
  endif()
  if(TANNHA_UNITY_BUILD AND arg_UNITY_BATCH)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${arg_UNITY_BATCH})
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # A unity source includes the .cpp files, so GCC takes their anonymous-namespace types for
      # a header's and warns when a coroutine frame of an external function holds one.
      target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
    endif()
    foreach(f IN LISTS arg_NO_UNITY)
      set_source_files_properties(${f} TARGET_DIRECTORY ${target} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
    endforeach()
  endif()
endfunction()
