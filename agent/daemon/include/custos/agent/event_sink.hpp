// Where the agent's parts put what they must report: a device decision, a
// failed enforcement, a policy applied or refused. The outbox is the real
// sink; tests use a recording one.
//
// Thread-safety: implementations may be called from several threads.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string_view>

namespace custos::agent {

// How much an event matters. The outbox sheds only `info` events when it is
// full; a block decision, a failed enforcement or a tamper attempt is never
// shed.
enum class Severity : std::uint8_t { info, warning, critical };
std::string_view to_string(Severity severity) noexcept;

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Records one event. Never fails from the caller's point of view: a sink
  // that cannot store an event logs why (the caller has enforced already).
  virtual void record(std::string_view kind, Severity severity, boost::json::object detail) = 0;
};

}  // namespace custos::agent
