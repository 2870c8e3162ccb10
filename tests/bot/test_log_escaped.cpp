// Every co_spawn completes with log_escaped(): an escaped exception is logged with its type
// and goes no further.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "bot/log.hpp"
#include "bot/log_escaped.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace tannha::bot;
namespace asio = boost::asio;

namespace {

using test::stderr_of;

asio::awaitable<void> throws_runtime_error() {
  throw std::runtime_error("secret user text");
  co_return;
}

asio::awaitable<void> throws_int() {
  throw 42;
  co_return;
}

asio::awaitable<void> finishes() { co_return; }

}  // namespace

TEST_CASE("log_escaped: an exception that leaves a coroutine is logged with its type and not rethrown") {
  const auto before = log_threshold().load();
  log_threshold() = log_level::info;
  auto text = stderr_of([] {
    asio::io_context ioc;
    asio::co_spawn(ioc, throws_runtime_error(), log_escaped("test_lane"));
    asio::co_spawn(ioc, throws_int(), log_escaped("test_other"));
    asio::co_spawn(ioc, finishes(), log_escaped("test_quiet"));
    CHECK_NOTHROW(ioc.run());
  });
  log_threshold() = before;
  CHECK(text.find("level=error event=coroutine_failed where=test_lane exception=std::runtime_error") !=
        std::string::npos);
  CHECK(text.find("where=test_other exception=int") != std::string::npos);
  CHECK(text.find("test_quiet") == std::string::npos);  // a coroutine that ends well says nothing
  CHECK(text.find("secret user text") == std::string::npos);  // the type, never the message
}
