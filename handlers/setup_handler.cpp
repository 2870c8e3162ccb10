// Setting up without ids (issue 12): /id tells the platform ids of the sender and the chat,
// /batdau claims a unit that has no leader with the one-time code `tannha serve` or
// `tannha claim` printed, and /ketnoi makes the group it is sent in the unit's group.
#include <cctype>

#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"
#include "storage/claim_repository.hpp"

namespace tannha::handlers {

namespace {

using nlohmann::json;

// Wrong codes a person may send in an hour before /batdau stops listening to them: a code has
// 31^10 values, so five guesses an hour find none.
constexpr int max_wrong_tries = 5;
constexpr auto wrong_try_window = std::chrono::hours{1};

// The code as typed: case, spaces and dashes do not matter ("k7m2-p9qx" is "K7M2P9QX").
std::string normalize_claim_code(const std::string& args) {
  std::string code;
  for (char c : args) {
    if (c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\r') continue;
    code.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return code;
}

}  // namespace

void handle_id(context& ctx, const std::string&) {
  // The group's own unit: in a group no unit uses, ctx.unit is the sender's.
  const domain::unit* group_unit = ctx.in_group() ? ctx.svc.unit_by_chat(ctx.msg.chat_id) : nullptr;
  ctx.reply_t("id_tra_loi", {{"user", ctx.msg.user_id},
                             {"chat", ctx.msg.chat_id},
                             {"group", ctx.in_group()},
                             {"platform", ctx.msg.platform},
                             {"unit", group_unit ? json(group_unit->name) : json(nullptr)}});
}

void handle_claim(context& ctx, const std::string& args) {
  auto& svc = ctx.svc;
  const std::string code = normalize_claim_code(args);
  if (code.empty()) {
    ctx.reply_t("batdau_thieu_ma");
    return;
  }
  storage::claim_repository claims(svc.db);
  const auto& user = ctx.msg.user_id;
  if (claims.wrong_tries_since(user, ctx.now - wrong_try_window) >= max_wrong_tries) {
    ctx.reply_t("batdau_qua_nhieu", {{"max", max_wrong_tries}});
    return;
  }
  if (!svc.code_hash) throw std::logic_error("no claim code hash configured");
  const std::string hash = svc.code_hash(code);
  auto claim = claims.find(hash);
  const domain::unit* unit = claim ? svc.unit_by_id(claim->unit_id) : nullptr;
  auto status = unit ? claims.status(hash, ctx.now) : storage::claim_status::unknown;
  if (status == storage::claim_status::unknown) {
    claims.record_wrong_try(user, ctx.now);
    const int left = max_wrong_tries - claims.wrong_tries_since(user, ctx.now - wrong_try_window);
    ctx.reply_t("batdau_ma_sai", {{"code", echo(ctx, code)}, {"left", left}, {"none_left", left <= 0}, {"max", max_wrong_tries}});
    return;
  }
  if (status != storage::claim_status::valid) {
    const bool by_you = status == storage::claim_status::used && claim->used_by == user;
    ctx.reply_t("batdau_ma_het", {{"used", status == storage::claim_status::used && !by_you},
                                  {"used_by_you", by_you},
                                  {"expired", status == storage::claim_status::expired}});
    return;
  }
  if (svc.units_repo.has_leader(unit->id)) {
    // Claiming is for a unit nobody leads yet; afterwards its leaders invite people (/moi).
    ctx.reply_t("batdau_da_co_lanh_dao", {{"unit", unit->name}});
    return;
  }
  if (!claims.consume(hash, user, ctx.now)) throw std::logic_error("valid claim not consumed");
  storage::member_record m;
  m.unit_id = unit->id;
  m.user_id = user;
  m.role = domain::role::lanhdao;
  m.display_name = ctx.msg.user_name;
  m.source = "claim";
  svc.units_repo.put_member(m, ctx.now);
  svc.audit.record(unit->id, user, "claim", std::nullopt, "lanhdao", ctx.now);
  ctx.unit = unit;
  ctx.member = svc.units_repo.member(unit->id, user);
  ctx.reply_t("batdau_xong", {{"unit", unit->name}, {"has_group", !unit->chat_id.empty()}});
}

void handle_connect(context& ctx, const std::string&) {
  auto& svc = ctx.svc;
  const auto* unit = ctx.unit;
  if (!unit) throw std::logic_error("/ketnoi without a unit");
  const auto& chat = ctx.msg.chat_id;
  if (unit->chat_id == chat) {
    ctx.reply_t("ketnoi_da_co", {{"unit", unit->name}});
    return;
  }
  if (auto other = svc.units_repo.unit_of_group(chat); other && *other != unit->id) {
    const auto* o = svc.unit_by_id(*other);
    ctx.reply_t("ketnoi_nhom_khac", {{"other", o ? o->name : *other}});
    return;
  }
  const std::string old = unit->chat_id;
  svc.units_repo.connect_group(unit->id, chat, ctx.msg.user_id, ctx.now);
  svc.audit.record(unit->id, ctx.msg.user_id, "group_connected", std::nullopt,
                   (old.empty() ? std::string("-") : old) + " -> " + chat, ctx.now);
  ctx.group_change = std::make_pair(unit->id, chat);
  json data = {{"unit", unit->name}, {"actor", actor_name(ctx, ctx.msg.user_id)}, {"moved", !old.empty()}};
  ctx.reply_t("ketnoi_xong", data);
  if (!old.empty()) ctx.out.push_back({old, svc.render.render("ketnoi_nhom_cu", data)});
}

}  // namespace tannha::handlers
