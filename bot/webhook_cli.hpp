#pragma once
#include <string>

#include "bot/config.hpp"

namespace tannha::bot {

/// `webhook set|info|delete`: calls the platform's setWebhook (with `url` and the configured
/// secret as secret_token), getWebhookInfo or deleteWebhook, and prints the platform's answer
/// with the token blanked out. 0 when the platform answered ok:true, 1 otherwise, 2 for misuse.
int run_webhook_cli(const config& cfg, const std::string& action, const std::string& url);

}  // namespace tannha::bot
