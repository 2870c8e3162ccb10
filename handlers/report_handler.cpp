// /quahan and /baocao: the same computations as the scheduled digest and reports, on demand.
#include "domain/period.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/job_runner.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

// The period /baocao asks for (domain::parse_period_words), read from its words folded and with
// Telex slips taken out; nullopt when a word is not understood.
std::optional<domain::period> requested_period(const std::string& args, domain::day today) {
  return domain::parse_period_words(fold_loose(args), today);
}

}  // namespace

void handle_overdue(context& ctx, const std::string&) {
  // The same list as the daily digest; it carries no phone, address or health detail, so it
  // may be shown in the group.
  ctx.reply(*overdue_text(ctx.svc.reports, ctx.svc.units_repo, ctx.svc.render, *ctx.unit, ctx.now, false));
}

void handle_report(context& ctx, const std::string& args) {
  auto p = requested_period(args, ctx.today());
  if (!p) {
    ctx.reply_t("baocao_khong_hieu", {{"typed", echo(ctx, trim(args))}});
    return;
  }
  ctx.reply(report_text(ctx.svc.reports, ctx.svc.render, *ctx.unit, *p, ctx.now));
}

}  // namespace tannha::handlers
