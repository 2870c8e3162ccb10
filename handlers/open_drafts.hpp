#pragma once
// A user's unfinished /dangky forms in one chat (issue 14, item 4). Several may be open: each is
// named to the user by its person's name (and its number when names repeat); an answer goes to
// the one form waiting for it, or the bot asks which, changing nothing until told.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "handlers/context.hpp"
#include "handlers/form_parser.hpp"

namespace tannha::handlers {

/// How many unfinished forms one user keeps in a chat; a new one beyond drops the oldest, and
/// the reply says so (templates/giup_dangky.mustache says 5 too).
inline constexpr std::size_t max_open_drafts = 5;

/// One unfinished form.
struct open_draft {
  storage::draft_record row;
  parsed_form form;
  std::vector<form_field> waits;  ///< the lines it waits for: missing, refused or asked about
  int number = 0;                 ///< its place among the user's open forms, oldest = 1
};

/// The sender's unfinished forms for ctx.unit in this chat, and the open "which form?" question.
struct open_drafts {
  std::vector<open_draft> forms;                  ///< oldest first
  std::optional<storage::draft_record> question;  ///< kind "chon", at most one
  /// The open form with this row id, or null.
  const open_draft* by_id(std::int64_t id) const;
  /// Every open form, oldest first.
  std::vector<const open_draft*> all() const;
};

/// Reads the sender's open forms and question (changes nothing).
open_drafts load_drafts(context& ctx);

/// A form's stored body: its recognised values and the lines it waits for.
std::string draft_body(const parsed_form& form, const std::vector<form_field>& waits);

/// The person's name a form gives, as it would be stored ("Nguyễn Văn Tư"), or "".
std::string draft_name(const parsed_form& form);

/// How a form is named in this chat: its person's name (as echoes are: numbers masked, a health
/// word withheld in a group), "phiếu chưa có họ tên" without one, and its number when another
/// open form has the same name.
std::string draft_label(context& ctx, const open_drafts& open, const open_draft& d);

/// Template data of listed forms: {number, label, waits}, the label without number (the list
/// shows it).
nlohmann::json draft_list(context& ctx, const std::vector<const open_draft*>& forms);

/// Which of `choices` a short answer picks: its number ("2", "số 2", "phiếu 2", "#2") or its
/// person's name (whole or its last words, marks and an honorific optional); null when it picks
/// none or several.
const open_draft* pick_draft(const std::string& text, const std::vector<const open_draft*>& choices);

/// The question "which form?", kept until answered.
struct draft_question {
  bool cancel = false;             ///< asked by /huy: the choice drops a form
  std::string answer{};            ///< the answer to apply once a form is chosen ("" for /huy)
  std::vector<std::int64_t> ids{}; ///< the forms listed, in order
};
/// Stores the question (replacing an earlier one) and replies with the numbered list.
void ask_which(context& ctx, const open_drafts& open, const std::vector<const open_draft*>& choices,
               draft_question q);
/// A stored question; an unreadable one lists nothing.
draft_question read_question(const storage::draft_record& row);

}  // namespace tannha::handlers
