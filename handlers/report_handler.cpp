// /quahan and /baocao: the same computations as the scheduled digest and reports, on demand.
#include "domain/period.hpp"
#include "handlers/commands.hpp"
#include "handlers/free_text.hpp"
#include "handlers/job_runner.hpp"
#include "handlers/text.hpp"

namespace tannha::handlers {

namespace {

// The period /baocao asks for: "[tuan|thang|quy|nam] [kỳ trước]" or a key ("2026-11");
// nullopt when a word is not understood.
std::optional<domain::period> requested_period(const std::string& args, domain::day today) {
  auto kind = domain::period_kind::week;
  bool previous = false;
  std::optional<domain::period> explicit_key;
  auto words = split(fold(args), ' ');
  for (std::size_t i = 0; i < words.size(); ++i) {
    auto w = trim(words[i]);
    if (w.empty()) continue;
    if (auto k = domain::period_kind_from_folded(w)) {
      kind = *k;
    } else if (w == "truoc" || w == "roi" || w == "qua") {
      previous = true;  // "kỳ trước", "tháng trước", "tuần rồi", "tuần qua"
    } else if (w == "ky" || w == "nay" || w == "này") {
      // "kỳ này", "tháng này": the current period, the default
    } else if (auto p = domain::parse_period_key(w)) {
      explicit_key = p;
    } else {
      return std::nullopt;
    }
  }
  if (explicit_key) return explicit_key;
  auto p = domain::period_containing(today, kind);
  return previous ? domain::previous(p) : p;
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
