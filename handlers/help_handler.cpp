// /giup: an overview of the commands the sender may use, or one command's usage.
#include "handlers/command_parser.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

// One command's usage: its help template, told who may run it (the row's audience).
std::string help_text(context& ctx, const command_spec& row) {
  return ctx.svc.render.render("giup_" + std::string(row.name), {{"who", domain::label(row.who)}});
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

void refuse(context& ctx, action a) {
  ctx.reply(ctx.svc.render.render("khong_du_quyen", {{"command", command_name(a)},
                                                     {"who", who_may(a)},
                                                     {"member", ctx.member.has_value()}}));
}

std::optional<storage::request_record> find_request(context& ctx, action a, const std::string& args) {
  auto& svc = ctx.svc;
  auto number = parse_request_number(args);
  if (!number) {
    ctx.reply(svc.render.render("thieu_so_ho_so", {{"command", command_name(a)}}));
    return std::nullopt;
  }
  auto r = svc.requests.by_number(ctx.unit->id, *number);
  domain::actor_context who{ctx.role()};
  if (r) who.is_registrant = r->registered_by == ctx.msg.user_id;
  if (!may(a, who)) {
    refuse(ctx, a);
    return std::nullopt;
  }
  if (!r) ctx.reply(svc.render.render("khong_thay_ho_so", {{"number", *number}, {"unit", ctx.unit->name}}));
  return r;
}

std::string actor_name(context& ctx, const std::string& user_id) {
  if (user_id == ctx.msg.user_id && !ctx.msg.user_name.empty()) return ctx.msg.user_name;
  if (ctx.unit) {
    if (auto m = ctx.svc.units_repo.member(ctx.unit->id, user_id)) {
      if (!m->display_name.empty()) return m->display_name;
      return std::string(domain::label(m->role));
    }
  }
  return "thành viên";
}

void handle_help(context& ctx, const std::string& args) {
  auto topic = trim(args);
  if (topic.empty()) {
    // What the role may ever do (a village head may /hoso their own requests, a volunteer
    // /tiepnhan their assigned ones): list those too, each by the first line of its help.
    domain::actor_context who{ctx.role(), true, true, true};
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& row : command_table())
      if (domain::allows(row.who, who)) lines.push_back(first_line(help_text(ctx, row)));
    ctx.reply(ctx.svc.render.render("giup", {{"unit", ctx.unit ? ctx.unit->name : std::string()},
                                             {"role", ctx.member ? std::string(domain::label(ctx.role())) : std::string()},
                                             {"commands", lines}}));
    return;
  }
  auto parsed = parse_command("/" + topic);
  if (parsed.how == command_parse::kind::command) {
    ctx.reply(help_text(ctx, spec_of(parsed.command->action)));
    return;
  }
  nlohmann::json sugg = parsed.suggestions;
  ctx.reply(ctx.svc.render.render("giup_khong_co", {{"word", echo(ctx, topic)},
                                                    {"suggestions", sugg},
                                                    {"has_suggestions", !parsed.suggestions.empty()}}));
}

}  // namespace tannha::handlers
