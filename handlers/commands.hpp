#pragma once
#include <string>

#include "handlers/command_table.hpp"
#include "handlers/context.hpp"

namespace tannha::handlers {

/// /giup [lệnh]
void handle_help(context& ctx, const std::string& args);
/// /dangky + form
void handle_register(context& ctx, const std::string& args);
/// An answer to an unfinished /dangky (the missing lines, a yes or no, which form): it goes to
/// the one open form waiting for it, or the bot asks which; false when it answers no draft.
bool handle_draft_answer(context& ctx, const std::string& text);
/// /huy without "#": drops one of the sender's unfinished /dangky forms (the only one, or the
/// one named by number or name; with several and no word, asks which). False when `args` names
/// no draft, so that /huy #N goes on as a request's cancellation.
bool cancel_draft(context& ctx, const std::string& args);
/// The unit of the user's unfinished /dangky in this chat, if any (reads only).
std::optional<std::string> registration_open_unit(services& svc, const std::string& chat_id,
                                                  const std::string& user_id, domain::instant now);
/// /sua #N + form lines: corrects an open request (handlers/edit_handler.cpp)
void handle_edit(context& ctx, const std::string& args);
/// /hoso #N
void handle_record(context& ctx, const std::string& args);
/// /tim chữ
void handle_search(context& ctx, const std::string& args);

// The request lifecycle (handlers/lifecycle_handler.cpp).
/// /xacminh #N [ghi chú]
void handle_verify(context& ctx, const std::string& args);
/// /tuchoi #N lý do
void handle_reject(context& ctx, const std::string& args);
/// /xeplich #N [ngày] [giờ] [@người…]
void handle_schedule(context& ctx, const std::string& args);
/// /phancong #N người…
void handle_assign(context& ctx, const std::string& args);
/// /tiepnhan #N [mã hồ sơ]
void handle_receive(context& ctx, const std::string& args);
/// /bosung #N giấy tờ
void handle_supplement(context& ctx, const std::string& args);
/// /cokq #N
void handle_result(context& ctx, const std::string& args);
/// /datra #N [cách trả]
void handle_return(context& ctx, const std::string& args);
/// /danhgia #N 1-5 [nhận xét]
void handle_rate(context& ctx, const std::string& args);
/// /hoan #N lý do
void handle_postpone(context& ctx, const std::string& args);
/// /huy #N lý do
void handle_cancel(context& ctx, const std::string& args);

// Membership (handlers/membership_handler.cpp).
/// /moi vaitro [thôn]
void handle_invite(context& ctx, const std::string& args);
/// /thamgia MÃ (private chat; ctx.unit may be null)
void handle_join(context& ctx, const std::string& args);
/// /thanhvien
void handle_members(context& ctx, const std::string& args);
/// /vaitro người vaitro|thuhoi
void handle_role(context& ctx, const std::string& args);

// Schedule and feedback (handlers/schedule_handler.cpp, handlers/feedback_handler.cpp).
/// /lich [tuần này | tuần sau | dd/mm]
void handle_schedule_view(context& ctx, const std::string& args);
/// /phananh nội dung (ctx.unit may be null in private chat)
void handle_feedback(context& ctx, const std::string& args);

// Overdue and reports (handlers/report_handler.cpp).
/// /quahan
void handle_overdue(context& ctx, const std::string& args);
/// /baocao [tuan | thang | quy | nam] [kỳ trước]
void handle_report(context& ctx, const std::string& args);

/// /thutuc [chữ]: the procedure catalog, whole or searched
void handle_catalog(context& ctx, const std::string& args);

// Setting up without ids (handlers/setup_handler.cpp).
/// /web [thoát] (private chat): a one-time link to the web pages, or the end of every session
/// (handlers/web_handler.cpp)
void handle_web(context& ctx, const std::string& args);
/// /id: the sender's and the chat's platform ids
void handle_id(context& ctx, const std::string& args);
/// /batdau MÃ (private chat): the first leader of a unit without one claims it
void handle_claim(context& ctx, const std::string& args);
/// /ketnoi (in a group, leaders): this group becomes the unit's group
void handle_connect(context& ctx, const std::string& args);

/// /thongbao [tat | bat loại tin]: the kinds of posts the member receives privately
void handle_notifications(context& ctx, const std::string& args);

/// Replies that the sender may not run the command, naming who may.
void refuse(context& ctx, action a);
/// The request numbered in `args` for a command that reads or edits one record (/hoso, /sua):
/// the sender's right is checked before saying whether the number exists; answers and returns
/// nullopt when the number is missing, not allowed or unknown.
std::optional<storage::request_record> find_request(context& ctx, action a, const std::string& args);
/// Display name of a member or user id for posts ("Lê Thị Hoa"), falling back to a role label.
std::string actor_name(context& ctx, const std::string& user_id);

}  // namespace tannha::handlers
