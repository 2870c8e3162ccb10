#include "handlers/command_parser.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <span>
#include <utility>

#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

/// Longest run of words tried as one command name ("co ket qua" is the longest, 3 words).
constexpr std::size_t max_command_words = 4;

std::optional<action> lookup(std::string_view compact) {
  if (const auto* row = find_command(compact)) return row->id;
  return std::nullopt;
}

/// Byte length of the UTF-8 sequence starting with `lead` (input is valid UTF-8 here).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

/// The code point at byte `i` of valid UTF-8 text.
char32_t code_point_at(std::string_view s, std::size_t i) {
  const auto cps = code_points(s.substr(i, sequence_length(static_cast<unsigned char>(s[i]))));
  return cps.empty() ? U'\0' : cps.front();
}

struct span {
  std::size_t begin;
  std::size_t end;
};

/// Whitespace-separated words of one line, as byte spans.
std::vector<span> words_of(std::string_view line) {
  std::vector<span> out;
  std::size_t i = 0;
  bool in_word = false;
  while (i < line.size()) {
    const std::size_t n = sequence_length(static_cast<unsigned char>(line[i]));
    const bool space = is_space(code_point_at(line, i));
    if (!space && !in_word) out.push_back({i, i});
    if (!space) out.back().end = i + n;
    in_word = !space;
    i += n;
  }
  return out;
}

/// Byte offset of the first '/' that starts a word, or npos.
std::size_t command_slash(std::string_view s) {
  bool after_space = true;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '/' && after_space) return i;
    after_space = is_space(code_point_at(s, i));
    i += sequence_length(static_cast<unsigned char>(s[i]));
  }
  return std::string_view::npos;
}

/// Line breaks as '\n' only, so that args split cleanly into lines.
std::string unify_newlines(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

/// Canonical names close to what was typed, best first: plausible typos of the first one to
/// three words run together, and names the typed word begins.
std::vector<std::string> suggest_commands(const std::vector<std::string>& compact_runs) {
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  const auto rows = command_table();
  std::vector<std::size_t> best(rows.size(), none);
  const auto consider = [&](const std::string& typed, std::string_view name, action a) {
    const std::size_t tl = code_points(typed).size();
    if (tl == 0) return;
    const bool prefix = tl >= 3 && name.size() > tl && name.substr(0, tl) == typed;
    if (tl > name.size() + std::max<std::size_t>(1, (tl + 1) / 3) && !prefix)
      return;  // too long to be a typo (and a long paste must stay cheap)
    const std::size_t d = edit_distance(typed, name);
    const bool typo = d <= std::max<std::size_t>(1, (tl + 1) / 3) && d < std::min(tl, name.size());
    if (!typo && !prefix) return;
    auto& slot = best[static_cast<std::size_t>(a)];
    slot = std::min(slot, d);
  };
  for (const auto& typed : compact_runs) {
    for (const auto& row : rows) consider(typed, row.name, row.id);
    for (const auto& row : rows)
      for (const auto& alias : split(row.aliases, ' ')) consider(typed, alias, row.id);
  }
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < best.size(); ++i)
    if (best[i] != none) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return best[x] < best[y]; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < order.size() && i < 3; ++i)
    out.emplace_back(rows[order[i]].name);
  return out;
}

/// Bytes at the start of `rest` that spell the bot's name (`name` already fold_compact-ed),
/// compared letter by letter, folded and ignoring spaces, '_' and '-' (fold_compact), so
/// "Tận Nhà", "tan nha", "TậnNhà" and "Tận Nhà/lich" all name the bot; the name must end at a
/// word boundary ("Tận Nhàn" is someone else). 0 when `rest` does not start with the name.
std::size_t mention_length(std::string_view rest, std::string_view name) {
  if (name.empty()) return 0;
  std::size_t matched = 0;  // bytes of `name` matched so far
  std::size_t i = 0;
  while (i < rest.size() && matched < name.size()) {
    const std::size_t n = sequence_length(static_cast<unsigned char>(rest[i]));
    const std::string_view ch = rest.substr(i, n);
    if (is_space(code_point_at(rest, i))) {
      if (matched == 0) return 0;  // "@ Tận Nhà": not a mention
      i += n;
      continue;
    }
    const std::string f = fold_compact(ch);
    if (name.compare(matched, f.size(), f) != 0) return 0;
    matched += f.size();
    i += n;
  }
  if (matched < name.size()) return 0;
  if (i < rest.size()) {
    // A letter or digit right after the name continues another word: not the bot.
    const std::string next = fold_compact(rest.substr(i, sequence_length(static_cast<unsigned char>(rest[i]))));
    if (!next.empty() && std::isalnum(static_cast<unsigned char>(next.front()))) return 0;
  }
  return i;
}

/// The message without the bot's mention at its start when it is there, else the message
/// unchanged. Any of `bot_names` counts (the configured name, the platform's username and
/// display name), the longest that matches winning ("@Tận Nhà Bot" over "@Tận Nhà"). A ':' or
/// ',' right after it is dropped. With `bare`, the name is looked for without the '@' (for
/// "Tận Nhà /lich", as a client may render a mention); nullopt when the name is not there.
std::optional<std::string> drop_bot_mention(std::string_view s, std::span<const std::string> bot_names, bool bare) {
  if (!bare && (s.empty() || s.front() != '@')) return std::nullopt;
  const std::string_view rest = s.substr(bare ? 0 : 1);
  std::size_t longest = 0;
  for (const auto& name : bot_names) longest = std::max(longest, mention_length(rest, fold_compact(name)));
  if (longest == 0) return std::nullopt;
  std::string out = trim(rest.substr(longest));
  if (!out.empty() && (out.front() == ':' || out.front() == ',')) out = trim(std::string_view(out).substr(1));
  return out;
}

/// Parses text already normalised (NFC, trimmed, newlines unified).
command_parse parse_normalised(std::string s) {
  command_parse r;

  if (!s.empty() && s.front() == '@') {
    // Zalo puts the bot's display name (spaces and all) before the command, so we cannot tell
    // where the mention ends; the command is the first word starting with '/'. With no such
    // word the message is plain text and is returned whole, mention included.
    const std::size_t slash = command_slash(s);
    if (slash == std::string::npos) {
      r.text = std::move(s);
      return r;
    }
    s.erase(0, slash);
  }
  r.text = s;
  if (s.empty() || s.front() != '/') return r;

  const std::string_view all = s;
  const std::size_t line_end = std::min(all.find('\n'), all.size());
  const std::string_view first_line = all.substr(0, line_end);
  const std::vector<span> words = words_of(first_line);
  r.how = command_parse::kind::unknown;
  if (words.empty() || words.front().begin != 0 || words.front().end == 1)
    return r;  // "/" alone or followed by a space: nothing to match or suggest

  // The first word without its '/' and without Telegram's "@BotName".
  const std::string_view first_word =
      first_line.substr(1, words.front().end - 1);
  const std::size_t at = first_word.find('@');
  const std::string_view command_word = first_word.substr(0, at);
  const bool had_bot_name = at != std::string_view::npos;
  r.word = std::string(command_word);
  if (command_word.empty()) return r;

  const auto word_text = [&](std::size_t k) {  // words[0..k) joined, '/' and @BotName dropped
    std::string t(command_word);
    for (std::size_t i = 1; i < k; ++i)
      t.append(" ").append(first_line.substr(words[i].begin, words[i].end - words[i].begin));
    return t;
  };
  const auto accept = [&](action a, std::size_t args_from) {
    r.how = command_parse::kind::command;
    r.command = parsed_command{a, trim(all.substr(args_from))};
    r.word.clear();
    return r;
  };

  // Longest run of leading words that spells a command name.
  const std::size_t most = had_bot_name ? 1 : std::min(words.size(), max_command_words);
  for (std::size_t k = most; k >= 1; --k)
    if (const auto a = lookup(fold_compact(word_text(k)))) return accept(*a, words[k - 1].end);

  // "/xeplich#12", "/huy12": the command word runs straight into the request number.
  const std::size_t glued = command_word.find_first_of("#0123456789");
  if (glued != std::string_view::npos && glued > 0)
    if (const auto a = lookup(fold_compact(command_word.substr(0, glued))))
      return accept(*a, 1 + glued);

  std::vector<std::string> runs;
  for (std::size_t k = 1; k <= std::min<std::size_t>(had_bot_name ? 1 : 3, words.size()); ++k)
    runs.push_back(fold_compact(word_text(k)));
  r.suggestions = suggest_commands(runs);
  return r;
}

}  // namespace

command_parse parse_command(std::string_view raw, std::span<const std::string> bot_names) {
  // drop_bot_mention keeps a trimmed suffix of the normalised text, which is normalised too:
  // the text is normalised once (it was a tenth of an update's time at full load, issue 7).
  std::string text = unify_newlines(to_nfc(raw));
  if (auto rest = drop_bot_mention(text, bot_names, false)) return parse_normalised(std::move(*rest));
  // The name without '@' counts only when a known command follows it: at the start of plain
  // text (or before "/something" the bot does not know) it may be the person's own words.
  if (auto rest = drop_bot_mention(text, bot_names, true); rest && !rest->empty() && rest->front() == '/') {
    auto parsed = parse_normalised(std::move(*rest));
    if (parsed.how == command_parse::kind::command) return parsed;
  }
  return parse_normalised(std::move(text));
}

command_parse parse_command(std::string_view raw, std::string_view bot_name) {
  const std::string names[] = {std::string(bot_name)};
  return parse_command(raw, names);
}

command_parse parse_command(std::string_view raw) { return parse_normalised(unify_newlines(to_nfc(raw))); }


std::optional<long long> parse_request_number(std::string_view arg) {
  const std::string s = to_nfc(arg);
  std::string_view v = s;
  const auto skip_spaces = [&] {
    while (!v.empty() && is_space(code_point_at(v, 0)))
      v.remove_prefix(sequence_length(static_cast<unsigned char>(v[0])));
  };
  // "số 12": the word "số" (any case or accent) before the number.
  const auto first = words_of(v.substr(0, std::min(v.find('\n'), v.size())));
  if (!first.empty() && fold(v.substr(first[0].begin, first[0].end - first[0].begin)) == "so") {
    v.remove_prefix(first[0].end);
    skip_spaces();
  }
  if (!v.empty() && v.front() == '#') {
    v.remove_prefix(1);
    skip_spaces();
  }
  long long n = 0;
  std::size_t digits = 0;
  while (digits < v.size() && v[digits] >= '0' && v[digits] <= '9') {
    const int d = v[digits] - '0';
    if (n > (9'000'000'000'000'000'000LL - d) / 10) return std::nullopt;  // absurdly long
    n = n * 10 + d;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  v.remove_prefix(digits);
  // The number must end its word ("12abc" is no number); light punctuation may follow.
  if (!v.empty() && !is_space(code_point_at(v, 0)) && std::string_view(",;:.)").find(v[0]) ==
                                                          std::string_view::npos)
    return std::nullopt;
  if (n == 0) return std::nullopt;  // request numbers start at 1
  return n;
}

}  // namespace tannha::handlers
