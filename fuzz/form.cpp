// libFuzzer: the labelled-form reader and the merge of an answer into a draft, on any bytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "handlers/form_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // The first half is the draft, the rest the answer (splitting anywhere, even mid-UTF-8).
  auto half = text.size() / 2;
  auto whole = tannha::handlers::parse_form(text);
  auto draft = tannha::handlers::parse_form(text.substr(0, half));
  auto answer = tannha::handlers::parse_form(text.substr(half));
  auto merged = tannha::handlers::merge_forms(draft, answer);
  // Suggestions are given per unknown label.
  if (whole.label_suggestions.size() > whole.unknown_labels.size()) std::abort();
  (void)merged;
  return 0;
}
