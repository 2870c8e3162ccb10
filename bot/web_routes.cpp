#include "bot/web_routes.hpp"

#include <openssl/rand.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "bot/exporter.hpp"
#include "domain/period.hpp"
#include "handlers/command_table.hpp"
#include "storage/audit_log.hpp"

namespace tannha::bot {

namespace {

int web_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view web_trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of one cookie in a Cookie header ("a=1; tn_phien=…"), or "".
std::string web_cookie(const http_request& req, std::string_view name) {
  for (auto it = req.find(http::field::cookie); it != req.end() && it->name() == http::field::cookie; ++it) {
    std::string_view v = it->value();
    while (!v.empty()) {
      auto semi = v.find(';');
      auto part = web_trim(v.substr(0, semi));
      auto eq = part.find('=');
      if (eq != std::string_view::npos && web_trim(part.substr(0, eq)) == name) return std::string(web_trim(part.substr(eq + 1)));
      if (semi == std::string_view::npos) break;
      v.remove_prefix(semi + 1);
    }
  }
  return {};
}

// A temporary file's bytes: write_xlsx writes to a path.
std::optional<std::string> web_xlsx_bytes(const sheet& s) {
  char path[] = "/tmp/tannha-web-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) return std::nullopt;
  ::close(fd);
  auto ok = write_xlsx(s, path);
  std::optional<std::string> out;
  if (ok) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    out = ss.str();
  }
  std::remove(path);
  return out;
}

}  // namespace

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a web token");
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && web_hex_digit(s[i + 1]) >= 0 &&
               web_hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(web_hex_digit(s[i + 1]) * 16 + web_hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

handlers::web_request to_web_request(const http_request& req) {
  handlers::web_request w;
  std::string_view target = req.target();
  w.path = std::string(path_of(target));
  if (auto q = target.find('?'); q != std::string_view::npos) {
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
      auto amp = rest.find('&');
      auto part = rest.substr(0, amp);
      if (!part.empty()) {
        auto eq = part.find('=');
        std::string key = url_decode(part.substr(0, eq));
        std::string value = eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1));
        w.query[std::move(key)] = std::move(value);
      }
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  w.session = web_cookie(req, handlers::web_site::cookie_name);
  if (auto it = req.find(peer_header); it != req.end()) w.address = std::string(it->value());
  return w;
}

http_response to_http(const handlers::web_response& w, const http_request& req, metrics& m) {
  auto res = respond(m, static_cast<http::status>(w.status), req.version(), req.keep_alive(), w.body, w.content_type);
  for (const auto& [k, v] : w.headers) res.insert(k, v);
  return res;
}

void add_web_routes(route_table& t, handlers::web_site& site, storage::database& db,
                    std::function<domain::instant()> now, metrics& m) {
  using page_fn = handlers::web_response (handlers::web_site::*)(const handlers::web_request&, domain::instant);
  auto row = [&](std::string path, page_fn fn, bool prefix = false) {
    route r{http::verb::get, std::move(path),
            [&site, fn, now, &m](const http_request& req) -> route_step {
              auto w = to_web_request(req);
              return to_http((site.*fn)(w, now()), req, m);
            },
            nullptr, prefix};
    t.add(std::move(r));
  };
  row("/web/login", &handlers::web_site::login);
  row("/web/", &handlers::web_site::dashboard);
  row("/web/lich", &handlers::web_site::schedule);
  row("/web/hoso", &handlers::web_site::records);
  row("/web/hoso/", &handlers::web_site::record, true);
  row("/web/baocao", &handlers::web_site::report);
  row("/web/thanhvien", &handlers::web_site::members);
  row("/cong-khai/", &handlers::web_site::public_list, true);
  t.add({http::verb::get, "/web", [&m](const http_request& req) -> route_step {
           handlers::web_response w;
           w.status = 301;
           w.headers = {{"Location", "/web/"}};
           return to_http(w, req, m);
         },
         nullptr});
  t.add({http::verb::get, "/web/style.css",
         [&site, &m](const http_request& req) -> route_step { return to_http(site.stylesheet(), req, m); }, nullptr});
  // The same files as `tannha export`, for those who may run /baocao; personal data audited.
  t.add({http::verb::get, "/web/baocao/tai", [&site, &db, now, &m](const http_request& req) -> route_step {
           auto w = to_web_request(req);
           const auto at = now();
           auto v = site.viewer(w, at);
           if (!v) return to_http(site.not_logged_in(), req, m);
           domain::actor_context who{v->member.role};
           if (!handlers::may(handlers::action::baocao, who)) return to_http(site.forbidden(*v, "tải báo cáo"), req, m);
           auto p = domain::parse_period_key(w.query["ky"]);
           auto what = parse_export_what(w.query["noidung"]);
           auto format = parse_export_format(w.query["dang"]);
           if (!p || !what || !format) {
             handlers::web_response bad;
             bad.status = 400;
             bad.content_type = "text/plain; charset=utf-8";
             bad.body = "400 Bad Request\n";
             return to_http(bad, req, m);
           }
           auto s = build_export(db, *v->unit, *what, *p);
           handlers::web_response file;
           file.headers = {{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"},
                           {"Referrer-Policy", "no-referrer"}};
           const std::string name = v->unit->id + "-" + w.query["noidung"] + "-" + p->key;
           if (*format == export_format::csv) {
             file.content_type = "text/csv; charset=utf-8";
             file.body = to_csv(s);
             file.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
           } else {
             auto bytes = web_xlsx_bytes(s);
             if (!bytes) return to_http({500, "text/plain; charset=utf-8", {}, "500 Internal Server Error\n"}, req, m);
             file.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
             file.body = std::move(*bytes);
             file.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".xlsx\"");
           }
           if (*what != export_what::report) {
             storage::write_transaction tx(db);
             storage::audit_log(db).record(v->unit->id, v->user_id, "export_" + w.query["noidung"], std::nullopt,
                                           "period=" + p->key + " format=" + w.query["dang"] +
                                               " rows=" + std::to_string(s.rows.size()) + " out=web",
                                           at);
             tx.commit();
           }
           return to_http(file, req, m);
         },
         nullptr});
}

}  // namespace tannha::bot
