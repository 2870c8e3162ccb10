#pragma once
// The config of the e2e tests that run one unit without a group (members mode) and its
// leader: the fake Zalo API, quick relay limits, Bình Giang with one admin.
#include <string>

#include "bot/fake_platform.hpp"

namespace tannha::test {

/// One members-mode unit (no chat_id) whose admin is a0000000000000000001, on `fp`.
inline std::string members_unit_config(const fake_platform& fp, const std::string& secret) {
  return R"([server]
listen = "127.0.0.1:0"
[platform]
kind = "zalo"
api_base = ")" + fp.base_url() + R"("
token = "T"
webhook_secret = ")" + secret + R"("
[storage]
path = "@DB@"
[relay]
per_chat_per_second = 100.0
per_group_per_minute = 6000
global_per_second = 1000.0
[[units]]
id = "binhgiang"
name = "Xã Bình Giang"
admins = ["a0000000000000000001"]
villages = ["Đông Hải", "Tây Sơn"]
visit_days = ["Thứ Bảy"]
)";
}

}  // namespace tannha::test
