#include "handlers/renderer.hpp"

#include <kainjow/mustache.hpp>
#include <span>
#include <stdexcept>

#include "domain/embedded_file.hpp"

namespace tannha::handlers {

std::span<const domain::embedded_file> embedded_templates();

namespace mu = kainjow::mustache;

namespace {

mu::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mu::data d{mu::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mu::data d{mu::data::type::list};
      for (const auto& e : j) d.push_back(to_data(e));
      return d;
    }
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mu::data{mu::data::type::bool_true} : mu::data{mu::data::type::bool_false};
    case nlohmann::json::value_t::string:
      // An empty string is false, so "{{#phone}}SĐT: {{phone}}{{/phone}}" disappears with no phone.
      if (j.get_ref<const std::string&>().empty()) return mu::data{mu::data::type::bool_false};
      return mu::data{j.get<std::string>()};
    case nlohmann::json::value_t::null:
      return mu::data{mu::data::type::bool_false};
    default:
      return mu::data{j.dump()};
  }
}

// Templates are files: drop the final newline so a one-line message does not end with one.
std::string strip_final_newline(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

}  // namespace

struct renderer::impl {
  std::map<std::string, std::unique_ptr<mu::mustache>, std::less<>> templates;
};

renderer::renderer() : renderer(embedded_templates(), false) {}

renderer::renderer(std::span<const domain::embedded_file> files, bool html) : impl_(std::make_unique<impl>()) {
  for (const auto& f : files) {
    std::string name(f.name);
    constexpr std::string_view ext = ".mustache";
    if (name.size() > ext.size() && name.ends_with(ext)) name.resize(name.size() - ext.size());
    auto t = std::make_unique<mu::mustache>(strip_final_newline(f.content));
    if (!t->is_valid()) throw std::logic_error("template " + name + ": " + t->error_message());
    if (!html) t->set_custom_escape([](const std::string& s) { return s; });
    impl_->templates.emplace(std::move(name), std::move(t));
  }
}

renderer::~renderer() = default;

std::string renderer::render(std::string_view name, const nlohmann::json& data) const {
  auto it = impl_->templates.find(name);
  if (it == impl_->templates.end()) throw std::logic_error("no template named " + std::string(name));
  auto out = it->second->render(to_data(data));
  if (!it->second->is_valid()) throw std::logic_error("template " + std::string(name) + ": " + it->second->error_message());
  return strip_final_newline(out);
}

std::vector<std::string> renderer::names() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : impl_->templates) out.push_back(k);
  return out;
}

}  // namespace tannha::handlers
