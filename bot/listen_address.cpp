#include "bot/listen_address.hpp"

namespace tannha::bot {

std::optional<listen_address> parse_listen_address(std::string_view s) {
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = s.substr(0, colon);
  const std::string_view port = s.substr(colon + 1);
  if (port.empty() || port.size() > 5) return std::nullopt;
  unsigned long value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned long>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  if (host.front() == '[') {
    if (host.size() <= 2 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else {
    for (char c : host) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
      if (!ok) return std::nullopt;
    }
  }
  return listen_address{std::string(host), static_cast<unsigned short>(value)};
}

}  // namespace tannha::bot
