// The controlled-printing endpoints (/api/v1/print-requests…, docs/api.md):
// request parameters and bodies read, PrintService called, its answer as
// JSON. Internal to the server; Api::handle routes the print actions here
// (start, complete and abort with the workstation's agent authenticated).
#pragma once

#include <boost/json/object.hpp>

#include <optional>

#include "custos/vault/api.hpp"
#include "custos/vault/print_service.hpp"

namespace custos::vault {

// `agent` is set for start, complete and abort (the agent's credential was
// checked); `name` is the last path segment ("approve", "return", …).
Result<ApiResponse> handle_print(PrintService& prints, Action action, std::optional<Id> id, std::string_view name,
                                 const Agent* agent, const ApiRequest& request, const Principal& principal,
                                 const Origin& origin);

// The JSON of one request (also what start answers inside "request").
boost::json::object print_request_json(const PrintRequest& r, UnixSeconds now);

}  // namespace custos::vault
