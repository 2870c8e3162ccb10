#pragma once
// The /dangky form's checks, shared with /sua (a correction is checked as a registration is).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/procedure.hpp"
#include "handlers/context.hpp"
#include "handlers/form_parser.hpp"
#include "storage/records.hpp"

namespace tannha::handlers {

/// A form checked field by field as /dangky checks it.
struct form_check {
  storage::citizen_record citizen;               ///< the fields that passed, normalised (name, phone, …)
  const domain::procedure* procedure = nullptr;  ///< when Thủ tục passed
  std::vector<form_problem> problems;            ///< what did not pass, as /dangky lists it
  std::vector<std::string> notes;                ///< what was read differently from what was typed
};

/// Checks every field of `f` for the unit and sender of `ctx` (a village head's own village too).
form_check check_form(context& ctx, const parsed_form& f);

/// Template data of problems (templates/dangky_thieu's keys), what was typed as a short masked
/// excerpt.
nlohmann::json problems_data(context& ctx, const std::vector<form_problem>& problems);

}  // namespace tannha::handlers
