// The web pages (issue 17) through the route table, without sockets: /web in private chat gives
// a one-time link, the link opens a session (cookie), pages follow the chat's role rules, escape
// every value, carry the security headers, and audit what they show; the public list needs no
// login and shows no phone. A real dispatcher and SQLite file, the real SHA-256 of bot/.
#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include <memory>
#include <string>
#include <vector>

#include "bot/claim.hpp"
#include "bot/config.hpp"
#include "bot/web_routes.hpp"
#include "handlers/dispatch_fixture.hpp"
#include "handlers/request_writes.hpp"
#include "handlers/web_site.hpp"
#include "storage/audit_log.hpp"
#include "storage/unit_repository.hpp"
#include "test_support.hpp"

using namespace tannha;
using namespace std::chrono_literals;

namespace web_tests {
namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

handlers::dispatcher_options web_dispatch_options() {
  handlers::dispatcher_options o;
  o.code_hash = [](std::string_view s) { return bot::sha256_hex(s); };
  o.web_url = "https://tannha.example";
  o.web_token = [] { return bot::random_token(); };
  return o;
}

// A dispatcher, the web site over the same database, and the route table the server would serve.
struct web_fixture {
  test::dispatch_fixture chat;
  domain::instant now = test::local(2026, 11, 18, 10);
  bot::metrics stats;
  std::unique_ptr<handlers::web_site> site;
  bot::route_table routes{64 * 1024, stats};

  explicit web_fixture(bool public_list = true, std::vector<domain::unit> units = {test::demo_unit()})
      : chat(std::move(units), test::test_catalog(), web_dispatch_options()) {
    site = std::make_unique<handlers::web_site>(
        chat.db(), chat.dispatcher().units(), test::test_catalog(),
        handlers::web_options{"https://tannha.example", 12, public_list, [] { return bot::random_token(); },
                              [](std::string_view s) { return bot::sha256_hex(s); }});
    bot::add_web_routes(routes, *site, chat.db(), [this] { return now; }, stats);
  }

  void add_member(const std::string& user, domain::role role, const std::string& name) {
    storage::write_transaction tx(chat.db());
    storage::unit_repository(chat.db()).put_member({"binhgiang", user, role, "", name, "invite"}, now);
    tx.commit();
  }

  // The token of the link /web answers `user` with in private chat.
  std::string link_token(const std::string& user, const std::string& text = "/web") {
    chat.take();
    chat.priv(user, text, now);
    auto reply = chat.take_one();
    auto at = reply.find("/web/login?t=");
    REQUIRE(at != std::string::npos);
    REQUIRE(has(reply, "https://tannha.example/web/login?t="));
    auto token = reply.substr(at + 13);
    token = token.substr(0, token.find_first_of(" \n"));
    return token;
  }

  bot::http_response get(const std::string& target, const std::string& cookie = "", const std::string& peer = "10.0.0.1") {
    bot::http_request req{bot::http::verb::get, target, 11};
    if (!cookie.empty()) req.set(bot::http::field::cookie, "other=1; tn_phien=" + cookie);
    req.set(bot::peer_header, peer);
    return routes.handle(req);
  }

  // Logs `user` in through a fresh link; returns the session cookie's value.
  std::string login(const std::string& user) {
    auto res = get("/web/login?t=" + link_token(user));
    REQUIRE(res.result_int() == 302);
    std::string cookie(res[bot::http::field::set_cookie]);
    auto eq = cookie.find('=');
    return cookie.substr(eq + 1, cookie.find(';') - eq - 1);
  }
};

std::string header(const bot::http_response& res, std::string_view name) { return std::string(res[name]); }

}  // namespace

TEST_CASE("web: /web in private chat answers a one-time login link; opening it sets a session cookie and redirects to /web/") {
  web_fixture f;
  auto token = f.link_token("admin-1");
  CHECK(token.size() == 64);
  // Only the token's hash is stored.
  CHECK(f.chat.db().db().execAndGet("SELECT COUNT(*) FROM web_logins WHERE token_hash = '" + bot::sha256_hex(token) + "'").getInt() == 1);
  CHECK(f.chat.db().db().execAndGet("SELECT COUNT(*) FROM web_logins WHERE token_hash = '" + token + "'").getInt() == 0);

  auto res = f.get("/web/login?t=" + token);
  CHECK(res.result_int() == 302);
  CHECK(header(res, "Location") == "/web/");
  auto cookie = header(res, "Set-Cookie");
  CHECK(cookie.starts_with("tn_phien="));
  CHECK(has(cookie, "HttpOnly"));
  CHECK(has(cookie, "SameSite=Strict"));
  CHECK(has(cookie, "Secure"));
  CHECK(has(cookie, "Path=/web"));
  CHECK(has(cookie, "Max-Age=43200"));
  auto session = cookie.substr(9, cookie.find(';') - 9);
  CHECK(f.chat.db().db().execAndGet("SELECT COUNT(*) FROM web_sessions WHERE session_hash = '" + bot::sha256_hex(session) + "'").getInt() == 1);

  auto page = f.get("/web/", session);
  CHECK(page.result_int() == 200);
  CHECK(has(page.body(), "Xã Bình Giang"));
  CHECK(has(page.body(), "<svg"));

  // A second use of the same link opens nothing and says how to get a new one.
  auto again = f.get("/web/login?t=" + token);
  CHECK(again.result_int() >= 400);
  CHECK(again.result_int() < 500);
  CHECK(header(again, "Set-Cookie").empty());
  CHECK(has(again.body(), "đã được dùng"));
  CHECK(has(again.body(), "/web"));
  CHECK_FALSE(has(again.body(), "tổng quan"));
}

TEST_CASE("web: an expired or unknown link answers a Vietnamese page with the way to a new link") {
  web_fixture f;
  auto token = f.link_token("admin-1");
  f.now += 16min;
  auto expired = f.get("/web/login?t=" + token);
  CHECK(expired.result_int() == 410);
  CHECK(has(expired.body(), "hết hạn"));
  auto unknown = f.get("/web/login?t=abc");
  CHECK(unknown.result_int() == 403);
  CHECK(has(unknown.body(), "gửi <code>/web</code>"));
}

TEST_CASE("web: pages without a session answer the login explanation, never data") {
  web_fixture f;
  auto n = test::add_request(f.chat.db(), "binhgiang",
                             test::add_citizen(f.chat.db(), "binhgiang", "Trần Thị Mơ", "Đông Hải", "", f.now), "CT-01", f.now);
  for (const std::string& path : std::vector<std::string>{"/web/", "/web/lich", "/web/hoso", "/web/hoso/" + std::to_string(n), "/web/baocao",
                           "/web/thanhvien", "/web/baocao/tai?ky=2026-11&noidung=requests&dang=csv"}) {
    CAPTURE(path);
    auto res = f.get(path, "not-a-session");
    CHECK(res.result_int() == 403);
    CHECK(has(res.body(), "Cần đăng nhập"));
    CHECK_FALSE(has(res.body(), "Trần Thị Mơ"));
    CHECK_FALSE(has(res.body(), "Xã Bình Giang"));
  }
}

TEST_CASE("web: every page carries the security headers; only the public list may be framed") {
  web_fixture f;
  auto session = f.login("admin-1");
  for (const std::string& path : std::vector<std::string>{"/web/", "/web/lich", "/web/hoso", "/web/baocao", "/web/thanhvien", "/web/login?t=x", "/web/"}) {
    CAPTURE(path);
    auto res = f.get(path, session);
    CHECK(res.result_int() < 500);
    auto csp = header(res, "Content-Security-Policy");
    CHECK(has(csp, "default-src 'none'"));
    CHECK(has(csp, "style-src 'self'"));
    CHECK(has(csp, "frame-ancestors 'none'"));
    CHECK_FALSE(has(csp, "script-src"));
    CHECK_FALSE(has(csp, "unsafe-inline"));
    CHECK(header(res, "X-Content-Type-Options") == "nosniff");
    CHECK(header(res, "Referrer-Policy") == "no-referrer");
    CHECK(header(res, "X-Frame-Options") == "DENY");
    CHECK_FALSE(has(res.body(), "<script"));
    CHECK_FALSE(has(res.body(), "style=\""));
    CHECK_FALSE(has(res.body(), "http://"));
  }
  auto pub = f.get("/cong-khai/binhgiang");
  CHECK(pub.result_int() == 200);
  CHECK(header(pub, "X-Frame-Options").empty());
  CHECK(header(pub, "X-Content-Type-Options") == "nosniff");
  CHECK_FALSE(has(header(pub, "Content-Security-Policy"), "frame-ancestors"));
  auto css = f.get("/web/style.css");
  CHECK(css.result_int() == 200);
  CHECK(has(header(css, "Content-Type"), "text/css"));
  // Read-only: the pages answer GET only.
  bot::http_request post{bot::http::verb::post, "/web/", 11};
  CHECK(f.routes.handle(post).result_int() == 405);
}

TEST_CASE("web: every value is HTML-escaped") {
  web_fixture f;
  auto citizen = test::add_citizen(f.chat.db(), "binhgiang", "<script>alert(1)</script> \"Tư\" & 'Ba'", "Đông Hải", "", f.now);
  auto n = test::add_request(f.chat.db(), "binhgiang", citizen, "CT-01", f.now);
  auto session = f.login("admin-1");
  for (const std::string& path : std::vector<std::string>{"/web/hoso", "/web/hoso/" + std::to_string(n), "/web/hoso?tim=%3Cb%3E"}) {
    CAPTURE(path);
    auto res = f.get(path, session);
    CHECK(res.result_int() == 200);
    CHECK_FALSE(has(res.body(), "<script>"));
    CHECK_FALSE(has(res.body(), "<b>"));
  }
  auto record = f.get("/web/hoso/" + std::to_string(n), session);
  CHECK(has(record.body(), "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Tư&quot; &amp; &apos;Ba&apos;"));
}

TEST_CASE("web: role rules are the chat's: a volunteer sees neither records, reports nor members; a leader sees all") {
  web_fixture f;
  f.add_member("tnv-1", domain::role::tinhnguyen, "Tình nguyện A");
  f.add_member("cb-1", domain::role::canbo, "Cán bộ B");
  auto n = test::add_request(f.chat.db(), "binhgiang",
                             test::add_citizen(f.chat.db(), "binhgiang", "Lê Văn Hai", "Tây Sơn", "", f.now), "CT-01", f.now);
  const std::string record = "/web/hoso/" + std::to_string(n);

  auto volunteer = f.login("tnv-1");
  CHECK(f.get("/web/", volunteer).result_int() == 200);
  CHECK(f.get("/web/lich", volunteer).result_int() == 200);
  CHECK(f.get(record, volunteer).result_int() == 403);
  CHECK_FALSE(has(f.get(record, volunteer).body(), "0912345678"));
  CHECK(f.get("/web/baocao", volunteer).result_int() == 403);
  CHECK(f.get("/web/thanhvien", volunteer).result_int() == 403);
  CHECK(f.get("/web/baocao/tai?ky=2026-11&noidung=requests&dang=csv", volunteer).result_int() == 403);

  auto staff = f.login("cb-1");
  CHECK(f.get(record, staff).result_int() == 200);
  CHECK(f.get("/web/baocao", staff).result_int() == 200);
  CHECK(f.get("/web/thanhvien", staff).result_int() == 403);

  auto leader = f.login("admin-1");
  auto members = f.get("/web/thanhvien", leader);
  CHECK(members.result_int() == 200);
  CHECK(has(members.body(), "Tình nguyện A"));
  auto full = f.get(record, leader);
  CHECK(full.result_int() == 200);
  CHECK(has(full.body(), "0912345678"));
  CHECK(has(full.body(), "Lê Văn Hai"));
}

TEST_CASE("web: opening a record is audited; the report's downloads are the export's files, personal ones audited") {
  web_fixture f;
  auto n = test::add_request(f.chat.db(), "binhgiang",
                             test::add_citizen(f.chat.db(), "binhgiang", "Phạm Thị Ba", "Bắc Hà", "", f.now), "CT-01", f.now);
  auto id = storage::request_repository(f.chat.db()).by_number("binhgiang", n)->id;
  auto session = f.login("admin-1");
  storage::audit_log audit(f.chat.db());
  CHECK(audit.count_for(id, "view_record") == 0);
  CHECK(f.get("/web/hoso/" + std::to_string(n), session).result_int() == 200);
  CHECK(audit.count_for(id, "view_record") == 1);
  CHECK(f.get("/web/hoso/9999", session).result_int() == 404);

  auto csv = f.get("/web/baocao/tai?ky=2026-11&noidung=requests&dang=csv", session);
  CHECK(csv.result_int() == 200);
  CHECK(has(header(csv, "Content-Type"), "text/csv"));
  CHECK(has(header(csv, "Content-Disposition"), "attachment"));
  CHECK(has(csv.body(), "Phạm Thị Ba"));
  CHECK(f.chat.db().db().execAndGet("SELECT COUNT(*) FROM audit WHERE action = 'export_requests'").getInt() == 1);
  auto xlsx = f.get("/web/baocao/tai?ky=2026-11&noidung=report&dang=xlsx", session);
  CHECK(xlsx.result_int() == 200);
  CHECK(xlsx.body().starts_with("PK"));
  CHECK(f.get("/web/baocao/tai?ky=2026-13&noidung=report&dang=csv", session).result_int() == 400);
}

TEST_CASE("web: /web thoát ends every session of the member") {
  web_fixture f;
  auto a = f.login("admin-1");
  auto b = f.login("admin-1");
  CHECK(f.get("/web/", a).result_int() == 200);
  CHECK(f.get("/web/", b).result_int() == 200);
  f.chat.take();
  f.chat.priv("admin-1", "/web thoát", f.now);
  CHECK(has(f.chat.take_one(), "2 phiên"));
  CHECK(f.get("/web/", a).result_int() == 403);
  CHECK(f.get("/web/", b).result_int() == 403);
}

TEST_CASE("web: /web is for members, in private chat") {
  web_fixture f;
  f.chat.take();
  f.chat.group("admin-1", "/web", f.now);
  CHECK_FALSE(has(f.chat.take_one(), "/web/login"));
  f.chat.priv("stranger", "/web", f.now);
  CHECK_FALSE(has(f.chat.take_one(), "/web/login"));
}

TEST_CASE("web: failed logins are limited per address") {
  web_fixture f;
  for (int i = 0; i < 10; ++i) CHECK(f.get("/web/login?t=wrong" + std::to_string(i), "", "10.0.0.9").result_int() == 403);
  auto token = f.link_token("admin-1");
  CHECK(f.get("/web/login?t=" + token, "", "10.0.0.9").result_int() == 429);
  // Another address is not held back, and the limit passes with time.
  CHECK(f.get("/web/login?t=" + token, "", "10.0.0.10").result_int() == 302);
  f.now += 16min;
  CHECK(f.get("/web/login?t=wrong", "", "10.0.0.9").result_int() == 403);
}

TEST_CASE("web: the public list shows people served — name, village, procedure, day returned — with no phone and no login") {
  web_fixture f;
  auto c = test::add_citizen(f.chat.db(), "binhgiang", "Đỗ Văn Năm", "Nam Hưng", "thương binh", test::local(2026, 11, 2));
  auto n = test::add_request(f.chat.db(), "binhgiang", c, "CT-01", test::local(2026, 11, 2));
  test::move_request(f.chat.db(), "binhgiang", n, domain::request_state::returned, test::local(2026, 11, 10),
                     [](storage::request_record& r) { r.returned_at = test::local(2026, 11, 10); });
  auto open = test::add_request(f.chat.db(), "binhgiang",
                                test::add_citizen(f.chat.db(), "binhgiang", "Chưa Trả", "Đông Hải", "", f.now), "CT-01", f.now);
  (void)open;
  auto res = f.get("/cong-khai/binhgiang");
  CHECK(res.result_int() == 200);
  CHECK(has(header(res, "Content-Type"), "text/html"));
  CHECK(has(res.body(), "Đỗ Văn Năm"));
  CHECK(has(res.body(), "Nam Hưng"));
  CHECK(has(res.body(), "Chứng thực chữ ký"));
  CHECK(has(res.body(), "10/11/2026"));
  CHECK_FALSE(has(res.body(), "0912345678"));
  CHECK_FALSE(has(res.body(), "xóm 1"));
  CHECK_FALSE(has(res.body(), "thương binh"));
  CHECK_FALSE(has(res.body(), "Chưa Trả"));
  auto csv = f.get("/cong-khai/binhgiang?ky=2026-11&dang=csv");
  CHECK(csv.result_int() == 200);
  CHECK(has(header(csv, "Content-Type"), "text/csv"));
  CHECK(has(csv.body(), "\"Đỗ Văn Năm\",\"Nam Hưng\",\"Chứng thực chữ ký\",\"10/11/2026\""));
  CHECK_FALSE(has(csv.body(), "0912345678"));
  CHECK(f.get("/cong-khai/nowhere").result_int() == 404);
  CHECK(f.get("/cong-khai/binhgiang?ky=2026-10").result_int() == 200);
  CHECK_FALSE(has(f.get("/cong-khai/binhgiang?ky=2026-10").body(), "Đỗ Văn Năm"));
}

TEST_CASE("web: the public list can be turned off for the deployment") {
  web_fixture f(false);
  CHECK(f.get("/cong-khai/binhgiang").result_int() == 404);
}

TEST_CASE("web: query strings are percent-decoded and cookies found among others") {
  CHECK(bot::url_decode("a+b%20c%C3%A1%zz") == "a b cá%zz");
  bot::http_request req{bot::http::verb::get, "/web/hoso?tim=Tr%E1%BA%A7n+Th%E1%BB%8B&thon=&x", 11};
  req.set(bot::http::field::cookie, "a=1; tn_phien=abc ; b=2");
  auto w = bot::to_web_request(req);
  CHECK(w.path == "/web/hoso");
  CHECK(w.query["tim"] == "Trần Thị");
  CHECK(w.query["thon"].empty());
  CHECK(w.session == "abc");
}

}  // namespace web_tests

namespace web_tests {

TEST_CASE("web config: [web] has defaults, public_url defaults to the listen address, a unit may turn its list off") {
  const std::string base =
      "[platform]\nkind = \"console\"\nwebhook_secret = \"s3cret-s3cret\"\n\n[[units]]\nid = \"a\"\nname = \"Xã A\"\nvillages = [\"Thôn 1\"]\n";
  auto plain = bot::parse_config("[server]\nlisten = \"127.0.0.1:9090\"\n" + base, "t.toml");
  if (!plain) FAIL(plain.error().message);
  CHECK(plain->web.enabled);
  CHECK(plain->web.public_list);
  CHECK(plain->web.session_hours == 12);
  CHECK(plain->web.public_url == "http://127.0.0.1:9090");
  CHECK(plain->units[0].public_list);

  auto set = bot::parse_config("[web]\nenabled = false\npublic_url = \"https://x.example/\"\nsession_hours = 4\n"
                               "public_list = false\n" + base + "public_list = false\n", "t.toml");
  REQUIRE(set);
  CHECK_FALSE(set->web.enabled);
  CHECK(set->web.public_url == "https://x.example");
  CHECK(set->web.session_hours == 4);
  CHECK_FALSE(set->web.public_list);
  CHECK_FALSE(set->units[0].public_list);

  auto bad = bot::parse_config("[web]\npublic_url = \"x.example\"\nsession_hours = 0\nenabled = \"yes\"\n" + base, "t.toml");
  REQUIRE_FALSE(bad);
  CHECK(has(bad.error().message, "web.public_url"));
  CHECK(has(bad.error().message, "web.session_hours"));
  CHECK(has(bad.error().message, "web.enabled"));
}

TEST_CASE("web: a unit that turned its public list off has none") {
  web_fixture f;
  auto units = f.chat.units();
  units[0].public_list = false;
  handlers::web_site site(f.chat.db(), units, test::test_catalog(),
                          handlers::web_options{"http://x", 12, true, [] { return bot::random_token(); },
                                                [](std::string_view s) { return bot::sha256_hex(s); }});
  handlers::web_request r;
  r.path = "/cong-khai/binhgiang";
  CHECK(site.public_list(r, f.now).status == 404);
  units[0].public_list = true;
  CHECK(site.public_list(r, f.now).status == 200);
}

TEST_CASE("web: a member of several units switches unit on the page") {
  auto other = test::demo_unit("khac", "group-k", {"admin-1"});
  other.name = "Phường Khác";
  web_fixture f(true, {test::demo_unit(), other});
  auto res = f.get("/web/login?t=" + f.link_token("admin-1", "/web [Phường Khác]"));
  REQUIRE(res.result_int() == 302);
  std::string cookie(res[bot::http::field::set_cookie]);
  auto session = cookie.substr(9, cookie.find(';') - 9);
  auto page = f.get("/web/", session);
  CHECK(has(page.body(), "<h1>Phường Khác — tổng quan</h1>"));
  CHECK(has(page.body(), "<option value=\"binhgiang\">Xã Bình Giang</option>"));
  CHECK(has(page.body(), "<h1>Xã Bình Giang — tổng quan</h1>") == false);
  auto switched = f.get("/web/?dv=binhgiang", session);
  CHECK(has(switched.body(), "<h1>Xã Bình Giang — tổng quan</h1>"));
  CHECK(has(switched.body(), "/web/lich?dv=binhgiang"));
  // A unit the person is not a member of is not shown.
  auto foreign = f.get("/web/?dv=nowhere", session);
  CHECK(has(foreign.body(), "<h1>Phường Khác — tổng quan</h1>"));
}

}  // namespace web_tests
