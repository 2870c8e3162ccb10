// libFuzzer: the TOML config and catalog loaders on any text: a result or a failure listing
// the problems, never an exception or a crash.
#include <cstdint>
#include <string_view>

#include "bot/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // A source in a folder that does not exist, so a catalog path in the input reads nothing.
  (void)tannha::bot::parse_config(text, "/nonexistent-fuzz-dir/config.toml");
  (void)tannha::bot::parse_catalog(text, "/nonexistent-fuzz-dir/catalog.toml");
  return 0;
}
