#include "bot/webhook_cli.hpp"

#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

#include "bot/http_client.hpp"
#include "bot/platform.hpp"

namespace tannha::bot {

namespace {

// Replaces every occurrence of `secret` in `s` (answers may echo a URL with the token).
std::string blank_out(std::string s, const std::string& secret) {
  if (secret.empty()) return s;
  for (auto at = s.find(secret); at != std::string::npos; at = s.find(secret, at + 3)) s.replace(at, secret.size(), "***");
  return s;
}

}  // namespace

int run_webhook_cli(const config& cfg, const std::string& action, const std::string& url) {
  auto kind = parse_platform_kind(cfg.platform.kind);
  if (!kind || *kind == platform_kind::console) {
    std::cerr << "tannha webhook: platform.kind must be zalo or telegram\n";
    return 2;
  }
  if (cfg.platform.token.empty()) {
    std::cerr << "tannha webhook: platform.token (or TANNHA_TOKEN) is needed\n";
    return 2;
  }
  std::string method;
  nlohmann::json body = nlohmann::json::object();
  if (action == "set") {
    if (url.empty()) {
      std::cerr << "tannha webhook set: --url URL is required (the public HTTPS address of webhook_path)\n";
      return 2;
    }
    if (cfg.platform.webhook_secret.empty()) {
      std::cerr << "tannha webhook set: platform.webhook_secret (or TANNHA_WEBHOOK_SECRET) must be set first:\n"
                   "the server refuses every post without it\n";
      return 2;
    }
    if (url.rfind("https://", 0) != 0) std::cerr << "tannha webhook set: note: platforms accept only https:// URLs\n";
    method = "setWebhook";
    body["url"] = url;
    body["secret_token"] = cfg.platform.webhook_secret;
  } else if (action == "info") {
    method = "getWebhookInfo";
  } else if (action == "delete") {
    method = "deleteWebhook";
  } else {
    std::cerr << "tannha webhook: the action must be set, info or delete\n";
    return 2;
  }

  boost::asio::io_context ioc;
  http_client client(ioc.get_executor());
  auto fut = boost::asio::co_spawn(
      ioc, client.post_json(method_url(*kind, cfg.platform, method), body.dump(), std::chrono::seconds(30)),
      boost::asio::use_future);
  ioc.run();
  auto reply = fut.get();
  if (reply.status == 0) {
    std::cerr << "tannha webhook " << action << ": no answer from the platform: " << reply.error << "\n";
    return 1;
  }
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  std::string shown = j.is_discarded() ? reply.body : j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  shown = blank_out(blank_out(shown, cfg.platform.token), cfg.platform.webhook_secret);
  std::cout << method << ": HTTP " << reply.status << "\n" << shown << "\n";
  bool ok = !j.is_discarded() && j.is_object() && j.contains("ok") && j["ok"].is_boolean() && j["ok"].get<bool>();
  return ok && reply.status >= 200 && reply.status < 300 ? 0 : 1;
}

}  // namespace tannha::bot
