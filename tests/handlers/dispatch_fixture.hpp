#pragma once
// A dispatcher over a real SQLite file, with helpers to send messages and read what the bot
// queued. Shared by the handler tests.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "domain/procedure.hpp"
#include "handlers/dispatcher.hpp"
#include "storage/database.hpp"
#include "storage/unit_repository.hpp"
#include "test_support.hpp"

namespace tannha::test {

/// The catalog used by handler tests (a small subset of the shipped one).
inline std::vector<domain::procedure> test_catalog() {
  return {
      {"CT-01", "Chứng thực chữ ký", "Chứng thực", 1, {"ký chứng thực", "chung thuc chu ky"}},
      {"CT-02", "Chứng thực bản sao từ bản chính", "Chứng thực", 1, {"sao y", "chứng thực bản sao"}},
      {"HT-01", "Đăng ký khai sinh", "Hộ tịch", 3, {"khai sinh", "giấy khai sinh"}},
      {"HT-02", "Đăng ký khai tử", "Hộ tịch", 3, {"khai tử"}},
      {"BHYT-01", "Cấp thẻ bảo hiểm y tế", "Bảo hiểm y tế", 5, {"BHYT", "thẻ bảo hiểm"}},
  };
}

/// One message sent by the bot (read back from the outbox).
struct sent {
  std::string chat_id;
  std::string text;
};

class dispatch_fixture {
 public:
  explicit dispatch_fixture(std::vector<domain::unit> units = {demo_unit()},
                            std::vector<domain::procedure> catalog = test_catalog(),
                            handlers::dispatcher_options options = {})
      : db_(dir_.file("bot.db")), units_(std::move(units)), catalog_(std::move(catalog)), options_(std::move(options)) {
    storage::unit_repository repo(db_);
    repo.sync_config(units_, local(2026, 11, 1));
    repo.sync_catalog(catalog_);
    restart();
  }

  /// A new dispatcher over the same database, as after a restart of the server (with units(),
  /// which a test may change first, as a changed config).
  void restart() { dispatcher_ = std::make_unique<handlers::dispatcher>(db_, units_, catalog_, options_); }
  /// The configured units the next restart() uses.
  std::vector<domain::unit>& units() { return units_; }

  /// Sends a text as `user` in `chat` (a group when it is a configured unit's chat or starts
  /// with "group") at `now`; returns the outcome.
  handlers::dispatch_outcome send(const std::string& chat, const std::string& user, const std::string& text,
                                  domain::instant now, bool group) {
    handlers::incoming_message m;
    m.platform = "zalo";
    m.update_id = "u" + std::to_string(++seq_);
    m.chat_id = chat;
    m.is_group = group;
    m.user_id = user;
    m.user_name = "Người dùng " + user;
    m.text = text;
    m.date = now;
    return dispatcher_->handle(m, now);
  }
  handlers::dispatch_outcome group(const std::string& user, const std::string& text, domain::instant now,
                                   const std::string& chat = "group-bg") {
    return send(chat, user, text, now, true);
  }
  handlers::dispatch_outcome priv(const std::string& user, const std::string& text, domain::instant now) {
    return send(user, user, text, now, false);
  }
  handlers::dispatch_outcome raw(const handlers::incoming_message& m, domain::instant now) {
    return dispatcher_->handle(m, now);
  }

  /// Messages queued since the last call.
  std::vector<sent> take() {
    std::vector<sent> out;
    SQLite::Statement q(db_.db(), "SELECT id, chat_id, text FROM outbox WHERE id > ? ORDER BY id");
    q.bind(1, static_cast<std::int64_t>(last_seen_));
    while (q.executeStep()) {
      last_seen_ = q.getColumn(0).getInt64();
      out.push_back({q.getColumn(1).getString(), q.getColumn(2).getString()});
    }
    return out;
  }
  /// The single message queued since the last call (fails the test otherwise).
  std::string take_one() {
    auto v = take();
    REQUIRE(v.size() == 1);
    return v[0].text;
  }

  int count(const std::string& table) {
    return db_.db().execAndGet("SELECT COUNT(*) FROM " + table).getInt();
  }
  storage::database& db() { return db_; }
  handlers::dispatcher& dispatcher() { return *dispatcher_; }

 private:
  temp_dir dir_;
  storage::database db_;
  std::vector<domain::unit> units_;
  std::vector<domain::procedure> catalog_;
  handlers::dispatcher_options options_;
  std::unique_ptr<handlers::dispatcher> dispatcher_;
  int seq_ = 0;
  std::int64_t last_seen_ = 0;
};

/// The example registration form of docs/DESIGN.md §3.
inline const char* full_form =
    "/dangky\nHọ tên: Nguyễn Văn Tư\nNăm sinh: 1938\nThôn: Đông Hải\nĐịa chỉ: xóm 3, cạnh nhà văn hoá\n"
    "SĐT: 0912 345 678\nĐối tượng: thương binh\nThủ tục: chứng thực chữ ký\nGhi chú: chỉ ở nhà buổi sáng";

}  // namespace tannha::test
