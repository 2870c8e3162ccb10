#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <span>
#include <vector>

#include "domain/embedded_file.hpp"

namespace tannha::handlers {

/// Renders the Mustache templates of templates/ (built into the binary). Data is JSON: objects,
/// arrays (sections), booleans, strings and numbers. Output is plain text: no HTML escaping.
class renderer {
 public:
  /// Parses every embedded template once; throws std::logic_error naming a broken template.
  renderer();
  /// Renders other embedded templates (the web pages'): with `html`, every {{value}} is
  /// HTML-escaped (& < > " ' become entities); {{{value}}} stays raw.
  renderer(std::span<const domain::embedded_file> files, bool html);
  ~renderer();

  /// Renders a template by name (file name without ".mustache"); throws std::logic_error for an
  /// unknown name (a programming error, not a user's).
  std::string render(std::string_view name, const nlohmann::json& data = nlohmann::json::object()) const;
  /// Names of all templates.
  std::vector<std::string> names() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tannha::handlers
