#pragma once
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/procedure.hpp"
#include "domain/time.hpp"
#include "domain/unit.hpp"
#include "storage/database.hpp"
#include "storage/records.hpp"

namespace tannha::handlers {

/// A web request as the pages see it; bot/ builds it from the HTTP request (issue 17).
struct web_request {
  std::string path;                          ///< without the query string
  std::map<std::string, std::string> query;  ///< decoded parameters (the last of a repeated name)
  std::string session;                       ///< the session cookie's value, or ""
  std::string address;                       ///< the client's address: rate limits only, never stored
};

/// A web answer: status, content type, headers (the security headers included) and body.
struct web_response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The value of a header set on this answer, or "".
  std::string header(std::string_view name) const;
};

/// What the web pages need besides the database and the units.
struct web_options {
  std::string public_url;  ///< config web.public_url, without a trailing '/'
  int session_hours = 12;
  bool public_list = true;  ///< the deployment-wide switch of GET /cong-khai/<unit>
  std::function<std::string()> new_token;                         ///< a random session id (bot/: 32 bytes, hex)
  std::function<std::string(std::string_view)> hash;             ///< hex SHA-256 (bot/)
};

/// The member behind a web session, in the unit the page is about.
struct web_viewer {
  std::string user_id;
  const domain::unit* unit = nullptr;
  storage::member_record member;
  std::vector<storage::member_record> memberships;  ///< every unit of this person (the unit switch)
};

/// The web pages (docs: issue 17): login by one-time link, the unit's pages, the public list.
/// Free of sockets: bot/web_routes.cpp turns HTTP requests into web_request and back.
class web_site {
 public:
  /// `units`: the dispatcher's (each unit's current group); kept by reference.
  web_site(storage::database& db, const std::vector<domain::unit>& units, std::vector<domain::procedure> catalog,
           web_options options);
  ~web_site();
  /// From now on serves its own copy of these units instead of the ones given at construction
  /// (a reload, SIGHUP); call on the thread that serves the pages, between requests.
  void set_units(std::vector<domain::unit> units);
  web_site(const web_site&) = delete;
  web_site& operator=(const web_site&) = delete;

  /// GET /web/login?t=TOKEN: 302 to /web/ with the session cookie, or a page saying how to get
  /// a new link (used, expired, unknown: 4xx); 429 after too many failures from one address.
  web_response login(const web_request& r, domain::instant now);
  /// GET /web/: the unit at a glance.
  web_response dashboard(const web_request& r, domain::instant now);
  /// GET /web/lich: visits by day.
  web_response schedule(const web_request& r, domain::instant now);
  /// GET /web/hoso: requests, filtered.
  web_response records(const web_request& r, domain::instant now);
  /// GET /web/hoso/<N>: one request and its history (the rules of /hoso; audited).
  web_response record(const web_request& r, domain::instant now);
  /// GET /web/baocao: the figures of a period, with charts and download links.
  web_response report(const web_request& r, domain::instant now);
  /// GET /web/thanhvien: members and roles (leaders only).
  web_response members(const web_request& r, domain::instant now);
  /// GET /web/style.css
  web_response stylesheet() const;
  /// GET /cong-khai/<unit>: the public list of people served (no login; may be framed).
  web_response public_list(const web_request& r, domain::instant now);

  /// The member behind the request's session, in the unit it asks for (`dv`), if logged in.
  std::optional<web_viewer> viewer(const web_request& r, domain::instant now);
  /// The page for a request without a session (4xx, never data).
  web_response not_logged_in() const;
  /// A page refusing what the viewer's role does not allow (403).
  web_response forbidden(const web_viewer& v, std::string_view what) const;
  /// Cookie name of the session.
  static constexpr std::string_view cookie_name = "tn_phien";

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tannha::handlers
