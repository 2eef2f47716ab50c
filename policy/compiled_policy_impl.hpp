// Internal: the compiled form of a policy, shared by the device evaluator
// (compiled_policy.cpp) and the access decisions (access_decisions.cpp).
//
// Everything a decision compares is an integer: rule strings are interned
// into `strings`, conditions and their values sit in flat arrays, and rules
// with an exact VID:PID (or VID:*) are indexed so a device only meets the
// rules that can possibly match it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "custos/policy/evaluator.hpp"

namespace custos::policy {

namespace detail {

inline constexpr std::uint32_t kNoString = 0xFFFFFFFFU;

struct CompiledCondition {
  Attribute attribute = Attribute::id;
  SetOp op = SetOp::one_of;
  std::uint32_t begin = 0;  // range in the value array of its attribute
  std::uint32_t end = 0;
};

struct CompiledRule {
  DeviceTarget target = DeviceTarget::block;
  std::uint32_t begin = 0;  // range in CompiledDepartment::conditions
  std::uint32_t end = 0;
};

struct CompiledDepartment {
  std::string name;
  DepartmentSettings settings;
  std::array<std::string, 3> implicit_ids;  // by InterfaceKind
  std::vector<std::string> rule_ids;
  std::vector<CompiledRule> rules;
  std::vector<CompiledCondition> conditions;
  std::vector<IdPattern> ids;
  std::vector<InterfacePattern> interfaces;
  std::vector<std::uint32_t> strings;  // interned ids
  std::vector<ConnectType> connect_types;
  // Candidate rules by device id; each list ascending. A device's candidates
  // are exact[vid:pid] + by_vendor[vid] + generic, merged in rule order.
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> exact;
  std::unordered_map<std::uint16_t, std::vector<std::uint32_t>> by_vendor;
  std::vector<std::uint32_t> generic;
  // Ids of the settings that answer access questions.
  std::string printing_id;
  std::string grants_max_id;
  std::array<std::string, 3> allow_printing_ids;  // by level - 1
  std::array<std::string, 3> view_own_ids;
  std::array<std::string, 3> max_grant_ids;
};

}  // namespace detail

struct CompiledPolicy::Impl {
  std::vector<detail::CompiledDepartment> departments;  // sorted by name
  std::unordered_map<std::string_view, std::uint32_t> department_index;
  std::deque<std::string> string_storage;  // stable addresses for the views below
  std::unordered_map<std::string_view, std::uint32_t> strings;

  std::uint32_t intern(const std::string& text);
  std::uint32_t lookup(std::string_view text) const noexcept;
};

}  // namespace custos::policy
