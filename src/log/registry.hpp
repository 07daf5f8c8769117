// registry: every logger of the process, by name. Loggers are never
// destroyed (records in flight point at them), so the registry is leaked.
#pragma once

#include <functional>
#include <rivet/log/logger.hpp>

namespace rivet::log::detail {

/// Calls `fn` on each logger, under the registry's lock.
void for_each_logger(const std::function<void(const logger&)>& fn);

}  // namespace rivet::log::detail
