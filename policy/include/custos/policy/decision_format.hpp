// Decisions rendered for people (text) and programs (JSON), as printed by
// `custos policy test` and `custos ... --format json`. The JSON is one object
// per decision, keys in a fixed order, so the output is stable for scripts.
//
//   device text:  department sales (enforced): device allow
//                   03:01:01  allow      rule kbd
//                   08:06:50  block      rule implicit:sales:removable-storage
//   device JSON:  {"department":"sales","audit":false,"device":"allow","device_rule":"kbd",
//                  "interfaces":[{"interface":"03:01:01","target":"allow","rule":"kbd"}, ...]}
//   access JSON:  {"action":"print","level":"top_secret","department":"sales",
//                  "verdict":"deny","rule":"sales:levels.top_secret.allow_printing"}
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "custos/policy/evaluator.hpp"

namespace custos::policy {

std::string format_decision_text(const DeviceDecision& decision);
std::string format_decision_json(const DeviceDecision& decision);
std::string format_access_text(const AccessQuery& query, const AccessDecision& decision);
std::string format_access_json(const AccessQuery& query, const AccessDecision& decision);

// A JSON string literal with its quotes; control characters escaped as \u00XX.
std::string json_quote(std::string_view text);

}  // namespace custos::policy
