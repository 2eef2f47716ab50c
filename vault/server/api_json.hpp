// JSON forms of the vault's values for the API (Boost.JSON). Internal to the
// server; docs/api.md shows each shape.
#pragma once

#include <boost/json.hpp>

#include "custos/vault/model.hpp"
#include "custos/vault/register_service.hpp"

namespace custos::vault::api_json {

boost::json::object user(const User& user);
boost::json::object department(const Department& department);
boost::json::object document(const Document& document);
boost::json::object grant(const Grant& grant, UnixSeconds now);
boost::json::object audit(const AuditRecord& record);
boost::json::object lending_register(const LendingRegister& lending);

}  // namespace custos::vault::api_json
