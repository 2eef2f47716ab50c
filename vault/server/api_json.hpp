// JSON forms of the vault's values for the API (Boost.JSON). Internal to the
// server; docs/api.md shows each shape.
#pragma once

#include <boost/json.hpp>

#include "custos/vault/destruction_service.hpp"
#include "custos/vault/log_service.hpp"
#include "custos/vault/model.hpp"
#include "custos/vault/register_service.hpp"

namespace custos::vault::api_json {

boost::json::object user(const User& user);
boost::json::object department(const Department& department);
boost::json::object document(const Document& document);
boost::json::object grant(const Grant& grant, UnixSeconds now);
boost::json::object audit(const AuditRecord& record);
boost::json::object destruction_request(const DestructionRequest& request);
// A supervision's answer: the destruction record, the seq of its audit log
// entry, the decided request and whether the write-ahead log was emptied.
boost::json::object destruction_record(const DestructionRecord& record);
// A signed tree head: its fields for people, and "signed_head", the hex of
// its 157-byte encoding, which is what programs keep and check.
boost::json::object tree_head(const merkle::SignedTreeHead& head);
boost::json::array hashes(const std::vector<merkle::Hash>& hashes);
// An export's plan: its canonical header line and the entries it spans.
boost::json::object export_plan(const ExportPlan& plan, const merkle::LogId& log_id);
// Entries as canonical lines with their recorded leaf hashes.
boost::json::object entries_page(const EntriesPage& page);
boost::json::object lending_register(const LendingRegister& lending);
boost::json::object destruction_register(const DestructionRegister& destruction);

}  // namespace custos::vault::api_json
