// libFuzzer: the Telegram webhook decoder never throws or misbehaves on any body, and a decoded
// message carries what the dispatcher relies on.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bot/platform.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto d = tannha::bot::decode_update(tannha::bot::platform_kind::telegram, body);
  if (d.how == tannha::bot::decode_how::message) {
    // Every delivered message has an id to dedupe on and a chat to answer in.
    if (d.message.update_id.empty() || d.message.chat_id.empty()) std::abort();
    (void)tannha::bot::encode_send(tannha::bot::platform_kind::telegram, d.message.chat_id, d.message.text);
  }
  return 0;
}
