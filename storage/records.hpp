#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "domain/request_state.hpp"
#include "domain/role.hpp"
#include "domain/time.hpp"

namespace tannha::storage {

/// A member of a unit with a role.
struct member_record {
  std::string unit_id;
  std::string user_id;
  domain::role role = domain::role::none;
  std::string village;       ///< for truongthon
  std::string display_name;  ///< personal data: never logged
  std::string source;        ///< "config" | "invite"
};

/// A person served (personal, sensitive data).
struct citizen_record {
  std::int64_t id = 0;
  std::string unit_id;
  std::string full_name;
  std::string folded_name;
  std::optional<int> birth_year;
  std::string village;
  std::string address;
  std::string folded_place;  ///< village and address folded for /tim (handlers::folded_place)
  std::string phone;
  std::string categories;  ///< ';'-separated display names
  std::string notes;
  bool approved = false;
};

/// A request with what a listing or a record needs.
struct request_record {
  std::int64_t id = 0;
  std::string unit_id;
  std::int64_t number = 0;
  std::int64_t citizen_id = 0;
  std::string procedure_code;
  domain::request_state state = domain::request_state::registered;
  std::string registered_by;
  std::string registered_chat;
  domain::instant registered_at{};
  std::optional<domain::day> proposed_day;
  std::optional<domain::day> visit_day;
  std::string visit_time;  ///< "HH:MM" or ""
  std::string team;
  std::string dossier_code;
  std::optional<domain::instant> received_at;
  std::optional<domain::day> due_day;
  std::optional<domain::instant> result_at;
  std::optional<domain::instant> returned_at;
  std::string return_way;
  std::optional<int> rating;
  std::string rating_note;
  std::string notes;
};

/// One entry of a request's history.
struct event_record {
  std::int64_t id = 0;
  std::int64_t request_id = 0;
  domain::instant at{};
  std::string actor;
  std::optional<domain::request_state> from;
  domain::request_state to = domain::request_state::registered;
  std::string note;
  /// The score a rating event gives (1..5); nullopt on every other event.
  std::optional<int> rating{};
};

}  // namespace tannha::storage
