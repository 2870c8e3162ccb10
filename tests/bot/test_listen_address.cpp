// server.listen is read in one place, for the config's check and the server's bind.
#include <doctest/doctest.h>

#include "bot/listen_address.hpp"

using tannha::bot::parse_listen_address;

TEST_CASE("listen address: host:port and [v6]:port are taken apart") {
  auto a = parse_listen_address("127.0.0.1:8080");
  REQUIRE(a);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  auto b = parse_listen_address("[::1]:0");
  REQUIRE(b);
  CHECK(b->host == "::1");
  CHECK(b->port == 0);
  auto c = parse_listen_address("localhost:65535");
  REQUIRE(c);
  CHECK(c->host == "localhost");
  CHECK(c->port == 65535);
}

TEST_CASE("listen address: anything else is refused") {
  for (const char* s : {"8080", ":8080", "host:", "host:99999", "host:123456", "host:8o", "host:-1", "[]:80",
                        "[::1:80", "ho st:80", "not-an-address", "h/x:80"}) {
    CAPTURE(s);
    CHECK_FALSE(parse_listen_address(s));
  }
}
