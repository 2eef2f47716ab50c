#include "custos/device/fake.hpp"

namespace custos::device {

Result<std::optional<Uevent>> ScriptedUeventSource::next(std::chrono::milliseconds /*timeout*/) {
  while (!script_.empty()) {
    Step step = std::move(script_.front());
    script_.pop_front();
    if (auto* datagram = std::get_if<std::string>(&step)) {
      auto event = parse_uevent(*datagram);
      if (!event) return fail(std::move(event).error());
      if (*event) return event;
      continue;  // a libudev message: skipped, as the real source does
    }
    if (auto* event = std::get_if<Uevent>(&step)) return std::optional<Uevent>(std::move(*event));
    if (auto* error = std::get_if<Error>(&step)) return fail(std::move(*error));
    return std::optional<Uevent>();  // Timeout
  }
  return std::optional<Uevent>();
}

}  // namespace custos::device
