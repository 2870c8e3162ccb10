#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/records.hpp"

namespace tannha::storage {

/// Requests and their append-only history.
class request_repository {
 public:
  explicit request_repository(database& db) : db_(db) {}

  /// Inserts a new request and its first event (inside the caller's transaction); returns its id.
  std::int64_t insert(const request_record& r, const std::string& actor, domain::instant now);
  /// By unit and short number.
  std::optional<request_record> by_number(const std::string& unit_id, std::int64_t number);
  /// By id.
  std::optional<request_record> get(std::int64_t id);
  /// Writes every mutable field of r (state included) and appends the event of the change
  /// (inside the caller's transaction).
  void update(const request_record& r, const event_record& ev);
  /// Appends an event without a state change (rating, reassignment, note).
  void append_event(const event_record& ev);
  /// Appends a correction (/sua) without a state change: `ev.note` holds the old and new values
  /// whole, `group_note` what a group may see of them (inside the caller's transaction).
  void append_correction(const event_record& ev, const std::string& group_note);
  /// The group's version of each event that has one (corrections), by event id.
  std::map<std::int64_t, std::string> group_notes(std::int64_t request_id);
  /// Sets the procedure of a request (a /sua correction; its event is appended separately).
  void set_procedure(std::int64_t request_id, const std::string& procedure_code);
  /// A request's history, oldest first.
  std::vector<event_record> events(std::int64_t request_id);

  /// How many open requests hold visit day d (scheduled there, or proposed there and not yet
  /// scheduled elsewhere).
  int booked_on(const std::string& unit_id, domain::day d);
  /// An open request of the same citizen for the same procedure, if any.
  std::optional<request_record> open_for(std::int64_t citizen_id, const std::string& procedure_code);
  /// Requests of a citizen, newest first.
  std::vector<request_record> of_citizen(std::int64_t citizen_id, int limit);
  /// Requests whose dossier code contains the text, newest first.
  std::vector<request_record> by_dossier_code(const std::string& unit_id, const std::string& code_part, int limit);
  /// Open requests with a visit on days [from, to], by day, time and number.
  std::vector<request_record> visits_between(const std::string& unit_id, domain::day from, domain::day to);
  /// Requests of a unit in a state, oldest first.
  std::vector<request_record> in_state(const std::string& unit_id, domain::request_state s);

 private:
  database& db_;
};

}  // namespace tannha::storage
