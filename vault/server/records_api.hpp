// The customer-records endpoints (/api/v1/records…, docs/api.md): request
// parameters and bodies read, RecordsService called, its answer as JSON.
// Internal to the server; Api::handle routes the records actions here.
#pragma once

#include <optional>

#include "custos/vault/api.hpp"
#include "custos/vault/records_service.hpp"

namespace custos::vault {

Result<ApiResponse> handle_records(RecordsService& records, Action action, std::optional<Id> id,
                                   std::string_view name, const ApiRequest& request, const Principal& principal, const Origin& origin);

}  // namespace custos::vault
