#include "bot/platform.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include <nlohmann/json.hpp>

namespace tannha::bot {

using json = nlohmann::json;

namespace {

// Untrusted JSON: every access goes through these, which never throw and never assert.
const json* field(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

const json* object_field(const json& obj, std::string_view key) {
  auto* f = field(obj, key);
  return f && f->is_object() ? f : nullptr;
}

std::optional<std::string> string_field(const json& obj, std::string_view key) {
  auto* f = field(obj, key);
  if (!f || !f->is_string()) return std::nullopt;
  return f->get_ref<const std::string&>();
}

std::optional<std::int64_t> integer_value(const json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;  // floats (including numbers too big for 64 bits) are not ids
}

// Ids: non-empty strings as they are, integers as decimal text.
std::optional<std::string> id_value(const json* v) {
  if (!v) return std::nullopt;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty() || s.size() > 256) return std::nullopt;
    return s;
  }
  if (auto n = integer_value(*v)) return std::to_string(*n);
  return std::nullopt;
}

bool bool_field(const json& obj, std::string_view key) {
  auto* f = field(obj, key);
  return f && f->is_boolean() && f->get<bool>();
}

decoded_update malformed(std::string reason) {
  decoded_update d;
  d.how = decode_how::malformed;
  d.reason = std::move(reason);
  return d;
}

decoded_update ignored(std::string reason) {
  decoded_update d;
  d.how = decode_how::ignored;
  d.reason = std::move(reason);
  return d;
}

// A reply's target may come as {"message_id": …} under one of a few names.
std::string reply_target(const json& msg) {
  for (auto key : {"reply_to_message", "quote", "quoted_message"}) {
    if (auto* r = object_field(msg, key)) {
      if (auto id = id_value(field(*r, "message_id"))) return *id;
    }
  }
  return {};
}

decoded_update decode_telegram(const json& j) {
  if (!j.is_object()) return malformed("not an object");
  auto update_id = field(j, "update_id");
  if (!update_id) return malformed("no update_id");
  auto uid = integer_value(*update_id);
  if (!uid) return malformed("update_id not an integer");

  auto* m = field(j, "message");
  if (!m) {
    if (field(j, "edited_message")) return ignored("edited message");
    return ignored("no message");  // callback_query, my_chat_member, channel_post…
  }
  if (!m->is_object()) return malformed("message not an object");

  auto* chat = object_field(*m, "chat");
  if (!chat) return malformed("no chat");
  auto chat_id = id_value(field(*chat, "id"));
  if (!chat_id) return malformed("bad chat.id");
  auto type = string_field(*chat, "type");
  if (!type) return malformed("bad chat.type");
  bool is_group = false;
  if (*type == "group" || *type == "supergroup") is_group = true;
  else if (*type == "private") is_group = false;
  else return ignored("chat type " + std::string(type->size() > 16 ? "other" : *type));

  auto* from = field(*m, "from");
  if (!from) return ignored("no sender");  // anonymous admins, channel posts
  if (!from->is_object()) return malformed("from not an object");
  auto user_id = id_value(field(*from, "id"));
  if (!user_id) return malformed("bad from.id");
  if (bool_field(*from, "is_bot")) return ignored("from a bot");

  auto* date = field(*m, "date");
  if (!date) return malformed("no date");
  auto secs = integer_value(*date);
  if (!secs) return malformed("bad date");

  decoded_update d;
  d.how = decode_how::message;
  auto& msg = d.message;
  msg.platform = "telegram";
  msg.update_id = std::to_string(*uid);
  msg.chat_id = *chat_id;
  msg.is_group = is_group;
  msg.user_id = *user_id;
  auto first = string_field(*from, "first_name").value_or("");
  auto last = string_field(*from, "last_name").value_or("");
  msg.user_name = last.empty() ? first : (first.empty() ? last : first + " " + last);
  msg.date = domain::instant{std::chrono::seconds{*secs}};

  auto* text = field(*m, "text");
  if (text) {
    if (!text->is_string()) return malformed("text not a string");
    msg.text = text->get_ref<const std::string&>();
    msg.kind = handlers::message_kind::text;
  } else {
    msg.text = string_field(*m, "caption").value_or("");
    msg.kind = handlers::message_kind::other;
  }
  msg.reply_to = reply_target(*m);
  d.reason = "ok";
  return d;
}

decoded_update decode_zalo(const json& root) {
  if (!root.is_object()) return malformed("not an object");
  const json* j = &root;
  if (auto* r = field(root, "result")) {
    if (!r->is_object()) return malformed("result not an object");
    j = r;
  }
  auto event = string_field(*j, "event_name");
  if (!event) return malformed("no event_name");
  auto* m = field(*j, "message");
  bool is_text_event = *event == "message.text.received";
  if (!m) {
    if (is_text_event) return malformed("no message");
    return ignored("event without message");
  }
  if (!m->is_object()) return malformed("message not an object");
  if (event->rfind("message.", 0) != 0) return ignored("not a message event");

  auto* chat = object_field(*m, "chat");
  if (!chat) return malformed("no chat");
  auto chat_id = id_value(field(*chat, "id"));
  if (!chat_id) return malformed("bad chat.id");
  auto* from = object_field(*m, "from");
  if (!from) return malformed("no from");
  auto user_id = id_value(field(*from, "id"));
  if (!user_id) return malformed("bad from.id");
  if (bool_field(*from, "is_bot")) return ignored("from a bot");
  auto message_id = id_value(field(*m, "message_id"));
  if (!message_id) return malformed("bad message_id");
  auto* date = field(*m, "date");
  if (!date) return malformed("no date");
  auto ms = integer_value(*date);
  if (!ms) return malformed("bad date");

  decoded_update d;
  d.how = decode_how::message;
  auto& msg = d.message;
  msg.platform = "zalo";
  msg.update_id = *message_id;
  msg.chat_id = *chat_id;
  msg.is_group = string_field(*chat, "chat_type").value_or("") == "GROUP";
  msg.user_id = *user_id;
  msg.user_name = string_field(*from, "display_name").value_or("");
  msg.date = domain::instant{std::chrono::seconds{*ms / 1000}};

  auto* text = field(*m, "text");
  if (text && !text->is_string()) return malformed("text not a string");
  if (is_text_event) {
    if (!text) return malformed("text event without text");
    msg.kind = handlers::message_kind::text;
    msg.text = text->get_ref<const std::string&>();
  } else if (*event == "message.unsupported.received") {
    msg.kind = handlers::message_kind::unsupported;
  } else {
    // Images keep their caption; stickers, voice, links… are "other".
    msg.kind = handlers::message_kind::other;
    if (auto caption = string_field(*m, "caption")) msg.text = *caption;
    else if (text) msg.text = text->get_ref<const std::string&>();
  }
  msg.reply_to = reply_target(*m);
  d.reason = "ok";
  return d;
}

}  // namespace

std::optional<platform_kind> parse_platform_kind(std::string_view s) {
  if (s == "zalo") return platform_kind::zalo;
  if (s == "telegram") return platform_kind::telegram;
  if (s == "console") return platform_kind::console;
  return std::nullopt;
}

std::string_view to_string(platform_kind k) {
  switch (k) {
    case platform_kind::zalo: return "zalo";
    case platform_kind::telegram: return "telegram";
    case platform_kind::console: return "console";
  }
  return "console";
}

decoded_update decode_update(platform_kind kind, std::string_view body) {
  if (body.empty()) return malformed("empty body");
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) return malformed("not JSON");
  if (!j.is_object()) return malformed("not an object");
  switch (kind) {
    case platform_kind::zalo: return decode_zalo(j);
    case platform_kind::telegram: return decode_telegram(j);
    case platform_kind::console: {
      if (field(j, "update_id")) return decode_telegram(j);
      auto* r = object_field(j, "result");
      if (field(j, "event_name") || (r && field(*r, "event_name"))) return decode_zalo(j);
      return malformed("unknown shape");
    }
  }
  return malformed("unknown platform");
}

std::string encode_send(platform_kind kind, const std::string& chat_id, const std::string& text) {
  json j = json::object();
  bool numeric = false;
  if (kind == platform_kind::telegram && !chat_id.empty()) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(chat_id.data(), chat_id.data() + chat_id.size(), n);
    // Only when the text round-trips exactly ("007" or "+5" stay strings).
    if (ec == std::errc{} && p == chat_id.data() + chat_id.size() && std::to_string(n) == chat_id) {
      j["chat_id"] = n;
      numeric = true;
    }
  }
  if (!numeric) j["chat_id"] = chat_id;
  j["text"] = text;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

send_result interpret_send_response(platform_kind kind, int http_status, std::string_view body) {
  (void)kind;  // both platforms share the Bot API answer shape
  send_result r;
  if (http_status == 0) {
    r.status = send_status::retry;
    r.error = "no answer";
    r.later = true;
    return r;
  }
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  std::string description;
  std::optional<std::int64_t> error_code;
  std::optional<bool> ok;
  if (!j.is_discarded() && j.is_object()) {
    if (auto* f = field(j, "ok"); f && f->is_boolean()) ok = f->get<bool>();
    if (auto* f = field(j, "error_code")) error_code = integer_value(*f);
    description = string_field(j, "description").value_or("");
    if (description.size() > 200) description.resize(200);
    if (auto* p = object_field(j, "parameters")) {
      if (auto* ra = field(*p, "retry_after")) {
        if (auto n = integer_value(*ra); n && *n >= 0 && *n <= 86400) r.retry_after = static_cast<int>(*n);
      }
    }
  }

  auto describe = [&](std::int64_t code) {
    std::string e = "error " + std::to_string(code);
    if (!description.empty()) e += ": " + description;
    return e;
  };
  auto classify = [&](std::int64_t code) {
    if (code == 429 || code == 408 || code == 401 || code >= 500 || code <= 0) {
      // 401: a bad token is the operator's to fix; keep the messages until then.
      r.status = send_status::retry;
      r.later = true;
    } else if (code >= 400 && code < 500) {
      r.status = send_status::permanent;
    } else {
      r.status = send_status::retry;
    }
    r.error = describe(code);
  };

  if (http_status >= 200 && http_status < 300) {
    if (!ok) {
      r.status = send_status::retry;
      r.error = "http " + std::to_string(http_status) + ": unreadable answer";
      return r;
    }
    if (*ok) {
      r.status = send_status::ok;
      r.retry_after.reset();
      r.later = false;
      if (auto* res = object_field(j, "result")) {
        if (auto id = id_value(field(*res, "message_id"))) r.message_id = *id;
      }
      return r;
    }
    // Zalo: HTTP 200 with ok:false. An unknown or missing code is retried (and dies after
    // max_attempts) rather than dropped at once.
    if (!error_code) {
      r.status = send_status::retry;
      r.error = "ok:false" + (description.empty() ? std::string() : ": " + description);
      return r;
    }
    classify(*error_code);
    return r;
  }
  classify(http_status);
  if (r.status != send_status::retry) r.retry_after.reset();
  return r;
}

std::vector<std::string_view> secret_header_names(platform_kind kind) {
  constexpr std::string_view telegram = "X-Telegram-Bot-Api-Secret-Token";
  constexpr std::string_view zalo = "X-Bot-Api-Secret-Token";
  switch (kind) {
    case platform_kind::zalo: return {zalo};
    case platform_kind::telegram: return {telegram};
    case platform_kind::console: return {telegram, zalo};
  }
  return {};
}

std::string default_api_base(platform_kind kind) {
  switch (kind) {
    // Zalo's Bot API documentation (docs.zaloplatforms.com, 2026) names this host; the older
    // bot-api.zapps.me appears in earlier guides. As in the README and example config.
    case platform_kind::zalo: return "https://bot-api.zaloplatforms.com";
    case platform_kind::telegram: return "https://api.telegram.org";
    case platform_kind::console: return "";
  }
  return "";
}

std::string method_url(platform_kind kind, const platform_config& cfg, std::string_view method) {
  std::string base = cfg.api_base.empty() ? default_api_base(kind) : cfg.api_base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/bot" + cfg.token + "/" + std::string(method);
}

std::string send_url(platform_kind kind, const platform_config& cfg) { return method_url(kind, cfg, "sendMessage"); }

std::string encode_get_updates(platform_kind kind, std::optional<std::int64_t> offset, int timeout_seconds) {
  json j = json::object();
  j["timeout"] = timeout_seconds;
  if (kind == platform_kind::telegram && offset) j["offset"] = *offset;
  return j.dump();
}

poll_answer interpret_poll_response(platform_kind kind, int http_status, std::string_view body) {
  poll_answer a;
  if (http_status == 0) {
    a.error = "no answer";
    return a;
  }
  // Zalo: 408 means the long poll ended with nothing (also when it comes inside a 200).
  if (kind == platform_kind::zalo && http_status == 408) {
    a.what = poll_answer::how::empty;
    return a;
  }
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  std::optional<bool> ok;
  std::optional<std::int64_t> error_code;
  std::string description;
  if (!j.is_discarded() && j.is_object()) {
    if (auto* f = field(j, "ok"); f && f->is_boolean()) ok = f->get<bool>();
    if (auto* f = field(j, "error_code")) error_code = integer_value(*f);
    description = string_field(j, "description").value_or("");
    if (description.size() > 200) description.resize(200);
    if (auto* p = object_field(j, "parameters")) {
      if (auto* ra = field(*p, "retry_after")) {
        if (auto n = integer_value(*ra); n && *n >= 0 && *n <= 86400) a.retry_after = static_cast<int>(*n);
      }
    }
  }
  auto fail = [&](std::int64_t code) {
    a.what = poll_answer::how::retry;
    a.conflict = code == 409;
    a.error = "error " + std::to_string(code) + (description.empty() ? std::string() : ": " + description);
    return a;
  };
  if (http_status < 200 || http_status >= 300) return fail(error_code.value_or(http_status));
  if (!ok) {
    a.error = "http " + std::to_string(http_status) + ": unreadable answer";
    return a;
  }
  if (!*ok) {
    // Zalo ends an empty long poll with 408, sometimes only named in the description.
    if (kind == platform_kind::zalo &&
        (error_code == 408 || (!error_code && description.find("Request timeout") != std::string::npos))) {
      a.what = poll_answer::how::empty;
      return a;
    }
    return fail(error_code.value_or(0));
  }
  const json* result = field(j, "result");
  if (kind == platform_kind::telegram) {
    if (!result || !result->is_array()) {
      a.error = "result is not a list";
      return a;
    }
    for (const auto& u : *result) {
      if (!u.is_object()) continue;
      auto* id = field(u, "update_id");
      auto n = id ? integer_value(*id) : std::nullopt;
      a.updates.push_back(u.dump(-1, ' ', false, json::error_handler_t::replace));
      a.update_ids.push_back(n.value_or(-1));
    }
    a.what = a.updates.empty() ? poll_answer::how::empty : poll_answer::how::updates;
    return a;
  }
  // Zalo (and console): one update, shaped like a webhook delivery.
  if (!result || result->is_null() || (result->is_object() && result->empty()) ||
      (result->is_array() && result->empty())) {
    a.what = poll_answer::how::empty;
    return a;
  }
  if (result->is_array()) {
    for (const auto& u : *result) {
      if (!u.is_object()) continue;
      a.updates.push_back(u.dump(-1, ' ', false, json::error_handler_t::replace));
      a.update_ids.push_back(-1);
    }
  } else if (result->is_object()) {
    a.updates.push_back(result->dump(-1, ' ', false, json::error_handler_t::replace));
    a.update_ids.push_back(-1);
  } else {
    a.error = "result is not an object";
    return a;
  }
  a.what = a.updates.empty() ? poll_answer::how::empty : poll_answer::how::updates;
  return a;
}

std::size_t max_text_units(platform_kind kind) {
  return kind == platform_kind::telegram ? 4096 : 2000;
}

std::optional<std::vector<std::string>> bot_names_of_get_me(int http_status, std::string_view body) {
  if (http_status < 200 || http_status >= 300) return std::nullopt;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.value("ok", false) || !j.contains("result") || !j["result"].is_object()) return std::nullopt;
  std::vector<std::string> names;
  for (const char* key : {"username", "account_name", "display_name", "first_name"}) {
    const auto it = j["result"].find(key);
    if (it == j["result"].end() || !it->is_string()) continue;
    auto name = it->get<std::string>();
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  return names;
}

}  // namespace tannha::bot
