#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace tannha::bot {

/// A server.listen value taken apart.
struct listen_address {
  std::string host;  ///< without the brackets of an IPv6 address
  unsigned short port = 0;
};

/// Parses "host:port" (a numeric port up to 65535; 0 lets the system choose one) or
/// "[v6-address]:port". The host is a name or address of letters, digits, '.' and '-' (or
/// anything in brackets); nullopt when `s` is not of this form. The one reading of the
/// setting: the config checks it with this, the server binds what it returns.
std::optional<listen_address> parse_listen_address(std::string_view s);

}  // namespace tannha::bot
