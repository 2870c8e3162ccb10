#pragma once
#include <cxxabi.h>

#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include <boost/core/demangle.hpp>

#include "bot/log.hpp"

namespace tannha::bot {

/// The type name of the exception being handled (call inside a catch block), readable.
inline std::string current_exception_type() {
  if (const std::type_info* t = abi::__cxa_current_exception_type()) return boost::core::demangle(t->name());
  return "unknown";
}

/// The completion handler of every co_spawn: an exception that escaped the coroutine is logged
/// as `event=coroutine_failed where=… exception=<type>` (the type only: a message may hold user
/// text) and goes no further, so nothing ends silently and nothing unwinds the io_context.
inline auto log_escaped(std::string_view where) {
  return [where = std::string(where)](std::exception_ptr e) noexcept {
    if (!e) return;
    try {
      std::string type;
      try {
        std::rethrow_exception(e);
      } catch (...) {
        type = current_exception_type();
      }
      log_error("coroutine_failed", {{"where", where}, {"exception", type}});
    } catch (...) {
      // Out of memory while logging: nothing more can be said.
    }
  };
}

}  // namespace tannha::bot
