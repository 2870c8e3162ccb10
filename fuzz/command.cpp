// libFuzzer: the command parser, request numbers and text folding on any bytes (valid UTF-8
// or not): no crash, no exception, and the folded forms are stable.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "handlers/command_parser.hpp"
#include "handlers/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto a = tannha::handlers::parse_command(text);
  auto b = tannha::handlers::parse_command(text, "Tận Nhà");
  if (a.how == tannha::handlers::command_parse::kind::command && !a.command) std::abort();
  if (b.how == tannha::handlers::command_parse::kind::command && !b.command) std::abort();
  (void)tannha::handlers::parse_request_number(text);
  if (a.command) (void)tannha::handlers::parse_request_number(a.command->args);
  auto f = tannha::handlers::fold(text);
  (void)tannha::handlers::fold_compact(text);
  // Folding what is already folded changes nothing (matching relies on it).
  if (tannha::handlers::fold(f) != f) std::abort();
  return 0;
}
