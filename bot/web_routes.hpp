#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "bot/metrics.hpp"
#include "bot/routes.hpp"
#include "domain/time.hpp"
#include "handlers/web_site.hpp"
#include "storage/database.hpp"

namespace tannha::bot {

/// 32 random bytes from OpenSSL as 64 hex digits: a /web link's token or a session id.
std::string random_token();
/// Percent-decoding of a query component ('+' is a space); malformed escapes are kept as typed.
std::string url_decode(std::string_view s);
/// The web pages' view of an HTTP request: path, decoded query, the session cookie, the address.
handlers::web_request to_web_request(const http_request& req);
/// An HTTP response carrying a web answer (status, headers, body), counted like every answer.
http_response to_http(const handlers::web_response& w, const http_request& req, metrics& m);

/// Adds the rows of the web pages (issue 17) to `t`: /web/login, /web/, /web/lich, /web/hoso,
/// /web/hoso/<N>, /web/baocao (+ /web/baocao/tai, the exports' files), /web/thanhvien,
/// /web/style.css and /cong-khai/<unit>. Every row answers GET only; `now` is the process clock.
void add_web_routes(route_table& t, handlers::web_site& site, storage::database& db,
                    std::function<domain::instant()> now, metrics& m);

}  // namespace tannha::bot
