#include "bot/claim.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <iostream>
#include <stdexcept>

#include "domain/time.hpp"
#include "storage/claim_repository.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::bot {

namespace {

// No 0/O and no 1/I/L: a code read aloud or copied by hand cannot be mistaken.
constexpr std::string_view claim_alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
constexpr std::size_t claim_code_length = 10;

// "17:00 Thứ Năm 26/11" in the unit's local time, for the line printed with a code.
std::string expiry_stamp(domain::instant t, std::chrono::minutes offset) {
  auto local = domain::to_local(t, offset);
  auto d = domain::local_day(local);
  auto mins = std::chrono::duration_cast<std::chrono::minutes>(local - std::chrono::local_seconds{d.time_since_epoch()});
  return domain::format_hhmm(mins) + " " + domain::format_weekday_date(d);
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 0xF]);
  }
  return out;
}

std::string new_claim_code() {
  std::string code;
  while (code.size() < claim_code_length) {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a claim code");
    // 31 letters: keep bytes below 248 (8 × 31) so that every letter is equally likely.
    for (unsigned char b : bytes)
      if (b < 248 && code.size() < claim_code_length) code.push_back(claim_alphabet[b % claim_alphabet.size()]);
  }
  return code;
}

std::string issue_claim_code(storage::database& db, const std::string& unit_id, domain::instant now) {
  auto code = new_claim_code();
  storage::claim_record c;
  c.code_hash = sha256_hex(code);
  c.unit_id = unit_id;
  c.created_at = now;
  c.expires_at = now + claim_ttl;
  storage::write_transaction tx(db);
  storage::claim_repository(db).issue(c);
  tx.commit();
  return code;
}

int print_claim_codes(const config& cfg, storage::database& db, domain::instant now, std::ostream& out) {
  storage::unit_repository units(db);
  int printed = 0;
  for (const auto& u : cfg.units) {
    if (units.has_leader(u.id)) continue;
    auto code = issue_claim_code(db, u.id, now);
    out << "Mã khởi tạo cho " << u.name << " (" << u.id << "): " << code
        << " — người đầu tiên nhắn riêng cho bot \"/batdau " << code << "\" sẽ là lãnh đạo; hết hạn lúc "
        << expiry_stamp(now + claim_ttl, u.utc_offset) << ".\n";
    ++printed;
  }
  out << std::flush;
  return printed;
}

int run_claim(const config& cfg, const clock& clk, const std::string& unit_id) {
  storage::database db(cfg.storage.path);
  storage::unit_repository units(db);
  units.sync_config(cfg.units, clk.now());
  if (unit_id.empty()) {
    if (print_claim_codes(cfg, db, clk.now(), std::cout) == 0)
      std::cout << "Mọi đơn vị đều đã có lãnh đạo: không cần mã khởi tạo. Lãnh đạo mời thêm người bằng /moi.\n";
    return 0;
  }
  const domain::unit* unit = nullptr;
  for (const auto& u : cfg.units)
    if (u.id == unit_id) unit = &u;
  if (!unit) {
    std::cerr << "tannha claim: no unit \"" << unit_id << "\" in " << cfg.source << "\n";
    return 2;
  }
  if (units.has_leader(unit->id)) {
    std::cout << unit->name << " đã có lãnh đạo: không cấp mã khởi tạo. Lãnh đạo mời thêm người bằng /moi.\n";
    return 1;
  }
  config one = cfg;
  one.units = {*unit};
  print_claim_codes(one, db, clk.now(), std::cout);
  return 0;
}

}  // namespace tannha::bot
