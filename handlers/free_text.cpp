#include "handlers/free_text.hpp"

#include <span>
#include <stdexcept>

#include "domain/embedded_file.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

std::span<const domain::embedded_file> embedded_lexicons();

const domain::health_lexicon& health_words() {
  static const domain::health_lexicon lexicon = [] {
    for (const auto& f : embedded_lexicons())
      if (f.name == "health_words.txt") return domain::health_lexicon(f.content);
    throw std::logic_error("data/health_words.txt is not built into the binary");
  }();
  return lexicon;
}

std::string group_text(const renderer& render, std::string_view text, std::int64_t number) {
  auto view = domain::free_text_for_group(text, fold(text), health_words());
  if (!view.withheld) return view.text;
  nlohmann::json data = nlohmann::json::object();
  if (number > 0) data["number"] = number;
  return render.render("noi_dung_rieng", data);
}

std::string chat_text(const context& ctx, std::string_view text, std::int64_t number) {
  if (!ctx.in_group()) return std::string(text);
  return group_text(ctx.svc.render, text, number);
}

std::string chat_masked(const context& ctx, std::string_view text) {
  if (!ctx.in_group()) return std::string(text);
  return domain::mask_numbers(text);
}

std::string echo(const context& ctx, std::string_view typed) {
  if (ctx.in_group() && health_words().mentions(fold(typed))) return "…";
  return domain::echo_excerpt(typed);
}

}  // namespace tannha::handlers
