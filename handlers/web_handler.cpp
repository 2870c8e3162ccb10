// /web (private chat): a one-time link to the web pages, tied to the member and their unit;
// /web thoát ends every web session of the member (issue 17).
#include "handlers/commands.hpp"
#include "handlers/text.hpp"
#include "storage/web_sessions.hpp"

namespace tannha::handlers {

namespace {

/// How long a login link stays valid: long enough to open it, short enough that an old chat
/// message opens nothing.
constexpr auto web_link_lifetime = std::chrono::minutes{15};

bool asks_logout(const std::string& args) {
  const auto f = fold_compact(args);
  return f == "thoat" || f == "dangxuat" || f == "logout";
}

}  // namespace

void handle_web(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  storage::web_session_repository web(svc.db);
  if (asks_logout(args)) {
    const int ended = web.end_all(ctx.msg.user_id, ctx.now);
    svc.audit.record(ctx.unit->id, ctx.msg.user_id, "web_logout", std::nullopt, std::to_string(ended), ctx.now);
    ctx.reply_t("web_thoat", {{"count", ended}, {"any", ended > 0}});
    return;
  }
  if (svc.web_url.empty() || !svc.new_token || !svc.code_hash) {
    ctx.reply_t("web_tat");
    return;
  }
  const std::string token = svc.new_token();
  web.add_login(svc.code_hash(token), ctx.unit->id, ctx.msg.user_id, ctx.now, ctx.now + web_link_lifetime);
  svc.audit.record(ctx.unit->id, ctx.msg.user_id, "web_link", std::nullopt, "", ctx.now);
  ctx.reply_t("web_lien_ket", {{"link", svc.web_url + "/web/login?t=" + token},
                               {"minutes", web_link_lifetime.count()},
                               {"unit", ctx.unit->name}});
}

}  // namespace tannha::handlers
