#pragma once
#include <chrono>
#include <iosfwd>
#include <string>
#include <string_view>

#include "bot/clock.hpp"
#include "bot/config.hpp"
#include "storage/database.hpp"

namespace tannha::bot {

/// How long a claim code stays valid.
inline constexpr std::chrono::hours claim_ttl{24};

/// Lower-case hex SHA-256 of `text` (claim codes are stored only as this).
std::string sha256_hex(std::string_view text);
/// A new claim code: 10 characters of an alphabet without 0/O or 1/I/L, from OpenSSL's CSPRNG.
std::string new_claim_code();
/// Issues a code for `unit_id` valid for claim_ttl from `now` (its unused codes are replaced);
/// returns the code, which is shown once and never stored.
std::string issue_claim_code(storage::database& db, const std::string& unit_id, domain::instant now);
/// For each configured unit without any leader, issues a code and prints one Vietnamese line
/// with it to `out` (stdout, never the structured log); returns how many were printed.
int print_claim_codes(const config& cfg, storage::database& db, domain::instant now, std::ostream& out);
/// `claim`: a new code for `unit_id` (or every unit without a leader when empty).
int run_claim(const config& cfg, const clock& clk, const std::string& unit_id);

}  // namespace tannha::bot
