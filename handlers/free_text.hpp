#pragma once
// Free text (reasons, notes, papers, feedback) and echoes of what users typed, as a chat may see
// them: whole in private views, masked in groups (SECURITY.md; the rules are domain/masking's).
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/masking.hpp"
#include "handlers/context.hpp"

namespace tannha::handlers {

/// The shipped health lexicon (data/health_words.txt, built into the binary), parsed once.
const domain::health_lexicon& health_words();

/// Free text as a group may see it: numbers masked, or the neutral phrase of
/// templates/noi_dung_rieng when it mentions health or disability. `number`: the request the
/// phrase points to for the whole text (0: none). The stored text is never changed.
std::string group_text(const renderer& render, std::string_view text, std::int64_t number = 0);

/// Free text as the chat of this update may see it: whole in a private chat, group_text() in
/// a group.
std::string chat_text(const context& ctx, std::string_view text, std::int64_t number = 0);

/// A short typed field that is not free text (a visit team written as names) as this chat may
/// see it: numbers masked in a group, as typed in a private chat.
std::string chat_masked(const context& ctx, std::string_view text);

/// What a user typed, to repeat it in an error reply: a short excerpt with numbers masked
/// (domain::echo_excerpt); in a group, "…" alone when it mentions health or disability.
std::string echo(const context& ctx, std::string_view typed);

}  // namespace tannha::handlers
