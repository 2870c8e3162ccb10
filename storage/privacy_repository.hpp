#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/time.hpp"
#include "storage/database.hpp"
#include "storage/draft_repository.hpp"
#include "storage/outbox.hpp"
#include "storage/records.hpp"

namespace tannha::storage {

/// How long each kind of personal data is kept ([privacy] in the config).
struct retention_policy {
  std::chrono::seconds sent_messages = std::chrono::days{30};     ///< text of sent / dead messages
  std::chrono::seconds processed_updates = std::chrono::days{14}; ///< processed update ids
  std::chrono::seconds closed_requests = std::chrono::years{5};   ///< since a citizen's last request closed
  std::chrono::seconds audit = std::chrono::years{5};             ///< audit entries
};

/// What one retention purge did (counts only: they are logged).
struct retention_counts {
  int messages_erased = 0;      ///< outbox texts erased (sent or dead)
  int updates_removed = 0;      ///< processed update ids deleted
  int drafts_removed = 0;       ///< expired drafts deleted
  int invites_removed = 0;      ///< expired unused invitation and claim codes deleted
  int citizens_anonymised = 0;  ///< citizens whose personal data was erased
  int audit_removed = 0;        ///< audit entries deleted
  /// Rows changed in all.
  int total() const {
    return messages_erased + updates_removed + drafts_removed + invites_removed + citizens_anonymised + audit_removed;
  }
};

/// A citizen with the anonymisation mark.
struct person_record {
  citizen_record citizen;
  std::optional<domain::instant> created_at;
  std::optional<domain::instant> anonymised_at;
};

/// One audit entry.
struct audit_entry {
  domain::instant at{};
  std::string actor;
  std::string action;
  std::optional<std::int64_t> request_id;
  std::string detail;
};

/// One outbox message that names a person.
struct person_message {
  std::int64_t id = 0;
  std::string chat_id;
  std::string state;
  domain::instant created_at{};
  std::string text;
};

/// A request with its history.
struct person_request {
  request_record request;
  std::vector<event_record> events;
};

/// Everything held about one person (`tannha privacy show|export`).
struct person_data {
  person_record person;
  std::vector<person_request> requests;
  std::vector<person_message> messages;  ///< outbox rows whose text names the person
  std::vector<draft_record> drafts;      ///< unfinished forms that carry the person's data
  std::vector<audit_entry> audit;        ///< entries about the person's requests
};

/// What erasing a person changes (or would change, for a dry run).
struct erase_counts {
  int requests_cancelled = 0;  ///< open requests cancelled
  int requests_cleared = 0;    ///< requests whose notes, rating note and dossier code are erased
  int event_notes_erased = 0;  ///< history entries whose free text is erased
  int messages_erased = 0;     ///< sent or dead messages whose text is erased
  int messages_dropped = 0;    ///< pending messages naming the person, deleted unsent
  int drafts_removed = 0;      ///< unfinished forms naming the person, deleted
  bool citizen_anonymised = false;
};

/// Retention and a person's rights (issue 15): what is held about a person, erasure to the
/// byte (the connection runs with secure_delete), and the daily purge. All writes go inside
/// the caller's write transaction.
class privacy_repository {
 public:
  explicit privacy_repository(database& db) : db_(db) {}

  /// Deletes or erases whatever `policy` no longer allows to be kept at `now`. Anonymised
  /// citizens get `placeholder` as their name. Citizens are looked for among the requests
  /// closed between `closed_since` and the period's cut: the previous purge's cut, so each
  /// day reads only the closings that crossed it since (the epoch for a full search, as after
  /// a start with a possibly shorter period).
  retention_counts purge(const retention_policy& policy, const std::string& placeholder, domain::instant now,
                         domain::instant closed_since = domain::instant{});

  /// The citizen of a request of the unit, if the request exists.
  std::optional<std::int64_t> citizen_of_request(const std::string& unit_id, std::int64_t number);
  /// Everything held about the unit's citizen `citizen_id`; nullopt when there is no such citizen.
  std::optional<person_data> collect(const std::string& unit_id, std::int64_t citizen_id);
  /// What erase() would change, changing nothing.
  erase_counts plan_erase(const person_data& p);
  /// Erases the person now, whatever is open: open requests are cancelled by `actor` with
  /// `reason`, free text of every request and history entry erased, the citizen anonymised
  /// (name → `placeholder`), messages and drafts that name the person erased or deleted.
  erase_counts erase(const person_data& p, const std::string& actor, const std::string& reason,
                     const std::string& placeholder, domain::instant now);

 private:
  void anonymise_citizen(std::int64_t citizen_id, const std::string& placeholder, domain::instant now);
  /// Clears the free text of the citizen's requests and history; the history entries changed.
  int clear_request_text(std::int64_t citizen_id);
  database& db_;
};

}  // namespace tannha::storage
