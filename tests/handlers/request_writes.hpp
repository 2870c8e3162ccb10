#pragma once
// Direct storage writes for report and job tests: a citizen, a request, and a state change
// with its event, the way the lifecycle handlers store them (request_repository::update).
#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "storage/citizen_repository.hpp"
#include "storage/database.hpp"
#include "storage/request_repository.hpp"
#include "storage/unit_repository.hpp"

namespace tannha::test {

/// Adds a citizen; returns the id.
inline std::int64_t add_citizen(storage::database& db, const std::string& unit, const std::string& name,
                                const std::string& village, const std::string& categories,
                                domain::instant at) {
  storage::citizen_repository repo(db);
  storage::citizen_record c;
  c.unit_id = unit;
  c.full_name = name;
  c.folded_name = name;
  c.birth_year = 1940;
  c.village = village;
  c.address = "xóm 1";
  c.phone = "0912345678";
  c.categories = categories;
  return repo.insert(c, at);
}

/// Registers a request for a citizen at `at`; returns its number.
inline std::int64_t add_request(storage::database& db, const std::string& unit, std::int64_t citizen,
                                const std::string& procedure, domain::instant at,
                                std::optional<domain::day> proposed = std::nullopt) {
  storage::write_transaction tx(db);
  storage::unit_repository units(db);
  storage::request_repository repo(db);
  storage::request_record r;
  r.unit_id = unit;
  r.number = units.take_request_number(unit);
  r.citizen_id = citizen;
  r.procedure_code = procedure;
  r.registered_by = "admin-1";
  r.registered_chat = "group";
  r.registered_at = at;
  r.proposed_day = proposed;
  repo.insert(r, "admin-1", at);
  tx.commit();
  return r.number;
}

/// Moves request #number to `to` at `at`, after `change` edits its fields; appends the event.
inline void move_request(storage::database& db, const std::string& unit, std::int64_t number,
                         domain::request_state to, domain::instant at,
                         const std::function<void(storage::request_record&)>& change = {}) {
  storage::write_transaction tx(db);
  storage::request_repository repo(db);
  auto r = repo.by_number(unit, number);
  REQUIRE(r.has_value());
  auto from = r->state;
  const auto rating_before = r->rating;
  r->state = to;
  if (change) change(*r);
  // A new score is a rating event, as /danhgia records it.
  storage::event_record ev{0, r->id, at, "cb-1", from, to, "", std::nullopt};
  if (r->rating != rating_before) ev.rating = r->rating;
  repo.update(*r, ev);
  tx.commit();
}

}  // namespace tannha::test
