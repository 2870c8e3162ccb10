// Questions instead of commands (issue 14, item 9): a few phrasings per command, matched on
// folded words. Read-only commands run; a command that changes data is only proposed.
#include "handlers/intent.hpp"

#include <algorithm>
#include <array>

#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

// Folded words of a message with punctuation dropped: "Có bao nhiêu hồ sơ quá hạn?" ->
// " co bao nhieu ho so qua han " (padded, for whole-phrase search).
std::string intent_words(std::string_view text) {
  std::string cleaned;
  for (char c : std::string(text)) {
    if (c == '?' || c == '!' || c == ',' || c == '.' || c == ';' || c == ':' || c == '"' || c == '(' || c == ')')
      cleaned.push_back(' ');
    else
      cleaned.push_back(c);
  }
  return " " + fold_loose(cleaned) + " ";
}

bool has_phrase(const std::string& padded, std::string_view phrase) {
  return padded.find(" " + std::string(phrase) + " ") != std::string::npos;
}

bool has_any(const std::string& padded, std::initializer_list<std::string_view> phrases) {
  for (auto p : phrases)
    if (has_phrase(padded, p)) return true;
  return false;
}

bool is_number(std::string_view w) {
  if (w.empty()) return false;
  for (char c : w)
    if ((c < '0' || c > '9') && c != '/' && c != '-') return false;
  return w.front() >= '0' && w.front() <= '9';
}

// The words of a period kept from a question: "tuần này có mấy hồ sơ" -> "tuan nay".
std::string period_words(const std::string& padded) {
  static constexpr std::array<std::string_view, 14> keep{"tuan", "thang", "quy", "nam", "nay", "truoc", "roi",
                                                         "ngoai", "ky", "qua", "vua", "t", "q", "w"};
  std::string out;
  bool in_period = false;
  for (const auto& w : split(trim(padded), ' ')) {
    bool kind_glued = w.size() > 1 && (w[0] == 't' || w[0] == 'q') && is_number(w.substr(1));
    bool is_kind = w == "tuan" || w == "thang" || w == "quy" || w == "nam" || w == "ky" || kind_glued;
    bool keep_word = std::find(keep.begin(), keep.end(), w) != keep.end() || kind_glued;
    if (is_kind) in_period = true;
    // "qua" belongs to a period only after a kind word ("tuần qua"), not in "quá hạn".
    if ((keep_word && (in_period || is_kind)) || (in_period && is_number(w))) {
      if (!out.empty()) out += ' ';
      out += w;
    } else {
      in_period = false;
    }
  }
  return out;
}

// A request number in the message: "hồ sơ 12", "#12", "số 12".
std::string number_arg(const std::string& padded) {
  for (const auto& w : split(trim(padded), ' ')) {
    std::string_view v = w;
    if (!v.empty() && v.front() == '#') v.remove_prefix(1);
    if (!v.empty() && v.size() <= 6 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return "#" + std::string(v);
  }
  return {};
}

// The day words /lich takes: "tuan sau", "hom nay", "mai", "dd/mm".
std::string schedule_words(const std::string& padded) {
  if (has_any(padded, {"tuan sau", "tuan toi"})) return "tuan sau";
  if (has_phrase(padded, "tuan truoc")) return "tuan truoc";
  if (has_phrase(padded, "hom nay")) return "hom nay";
  if (has_any(padded, {"ngay mai", "mai"})) return "ngay mai";
  for (const auto& w : split(trim(padded), ' '))
    if (w.find('/') != std::string::npos && is_number(w)) return w;
  return {};
}

}  // namespace

std::optional<intent_guess> guess_intent(std::string_view text) {
  const std::string t = intent_words(text);
  const std::string bare = trim(t);
  const std::string raw = trim(std::string(text));
  if (raw.empty()) return std::nullopt;
  if (bare.empty() && raw.find('?') != std::string::npos) return intent_guess{action::giup, "", true};  // "?", "??"

  // Commands that change data: only proposed.
  struct writer {
    std::initializer_list<std::string_view> phrases;
    action command;
  };
  const std::array<writer, 10> writers{{
      {{"huy ho so", "huy lich", "muon huy", "xin huy"}, action::huy},
      {{"hoan lich", "hoan ho so", "xin hoan", "muon hoan"}, action::hoan},
      {{"doi lich", "xep lich", "dat lich", "hen lich", "xeplich"}, action::xeplich},
      {{"xac minh", "xacminh"}, action::xacminh},
      {{"tu choi"}, action::tuchoi},
      {{"tiep nhan"}, action::tiepnhan},
      {{"da tra", "tra ket qua"}, action::datra},
      {{"danh gia", "cham diem"}, action::danhgia},
      {{"phan anh", "gop y", "khieu nai", "kien nghi"}, action::phananh},
      {{"dang ky", "dang ki", "dangky", "dk ho so", "lam ho so cho", "dang ky cho"}, action::dangky},
  }};

  // Read-only questions first where a phrase is unmistakable.
  if (has_any(t, {"qua han", "tre han", "tre hen", "cham tre", "bi tre", "qua hen"}))
    return intent_guess{action::quahan, "", true};
  if (has_any(t, {"bao cao", "baocao", "bc", "thong ke", "thongke", "tong ket", "so lieu"}) ||
      (has_any(t, {"bao nhieu", "may"}) && has_any(t, {"ho so", "hs", "viec", "nguoi"}))) {
    bool writes = false;
    for (const auto& w : writers)
      if (w.command != action::dangky && has_any(t, w.phrases)) writes = true;
    if (!writes) return intent_guess{action::baocao, period_words(t), true};
  }
  for (const auto& w : writers)
    if (has_any(t, w.phrases)) {
      std::string args = w.command == action::dangky || w.command == action::phananh ? std::string() : number_arg(t);
      return intent_guess{w.command, args, false};
    }
  if (has_any(t, {"lich", "lich tham", "lich den nha", "di dau", "di nha ai", "den nha ai"}))
    return intent_guess{action::lich, schedule_words(t), true};
  if (has_any(t, {"xem ho so", "ho so so", "tinh trang ho so", "ho so"}) && !number_arg(t).empty())
    return intent_guess{action::hoso, number_arg(t), true};
  if (has_any(t, {"tim", "tim ho so", "tra cuu", "tim kiem"})) return intent_guess{action::tim, "", false};
  if (has_any(t, {"thanh vien", "ai trong nhom", "danh sach can bo"})) return intent_guess{action::thanhvien, "", true};
  if (has_any(t, {"thu tuc", "giay to gi", "can giay to", "can nhung gi", "danh muc"}))
    return intent_guess{action::thutuc, "", true};
  if (has_any(t, {"giup", "huong dan", "tro giup", "help", "menu", "cac lenh", "lenh gi", "lam sao", "cach dung",
                  "dung the nao", "lam the nao", "lam gi duoc", "bat dau", "start"}))
    return intent_guess{action::giup, "", true};
  return std::nullopt;
}

}  // namespace tannha::handlers
