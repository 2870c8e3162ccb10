#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "handlers/command_table.hpp"

namespace tannha::handlers {

/// What a plain-text message probably asks for (issue 14, item 9).
struct intent_guess {
  handlers::action command;
  std::string args;   ///< the arguments it implies ("thang nay", "#12"), folded; may be empty
  bool run = false;   ///< a read-only command, run at once; otherwise the bot only asks
};

/// The command a question or a loose phrase means: "có bao nhiêu hồ sơ quá hạn?" -> /quahan,
/// "báo cáo tháng này" -> /baocao thang nay, "tuần này có mấy hồ sơ?" -> /baocao tuan nay,
/// "lịch tuần sau" -> /lich tuan sau, "?" / "hướng dẫn" -> /giup, "xem hồ sơ 12" -> /hoso #12
/// (all run); "muốn đăng ký cho ông Tư" -> /dangky, "hủy hồ sơ 5" -> /huy #5 (asked, never run: a
/// guess must not change data). Matched folded, without diacritics and with Telex slips taken
/// out; nullopt when nothing fits.
std::optional<intent_guess> guess_intent(std::string_view text);

}  // namespace tannha::handlers
