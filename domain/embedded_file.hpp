#pragma once
#include <string_view>

namespace tannha::domain {

/// A file built into the binary (migrations, templates, data); name is relative to its folder.
struct embedded_file {
  std::string_view name;
  std::string_view content;
};

}  // namespace tannha::domain
