#pragma once
// The log moved to log/log.hpp so that handlers/ may use it too; bot code keeps its names.
#include "log/log.hpp"

namespace tannha::bot {

using log::log_debug;
using log::log_error;
using log::log_field;
using log::log_info;
using log::log_level;
using log::log_threshold;
using log::log_warn;

}  // namespace tannha::bot
