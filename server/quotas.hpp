#pragma once
// The per-organization quotas as the config file ("Quotas") and the control plane
// (/_localorgs/organizations/{id}/quotas) name them: one table, so both take the same members.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "model/types.hpp"

namespace localorgs::server {

struct QuotaField {
    std::string_view name;
    int min;
    int model::Quotas::*value = nullptr;                    // a plain count, or
    std::optional<int> model::Quotas::*optional = nullptr;  // one whose null means "AWS's rule"
};

inline constexpr QuotaField kQuotaFields[] = {
    {"MaxAccounts", 1, &model::Quotas::max_accounts},
    {"InvitationsPerDay", 0, nullptr, &model::Quotas::invitations_per_day},
    {"InitializationSeconds", 0, &model::Quotas::initialization_seconds},
    {"MaxOrganizationalUnits", 0, &model::Quotas::max_organizational_units},
    {"CreateAccountSeconds", 0, &model::Quotas::create_account_seconds},
    {"CloseAccountSeconds", 0, &model::Quotas::close_account_seconds},
    {"MaxConcurrentAccountCreations", 1, &model::Quotas::max_concurrent_creations},
    {"MaxConcurrentAccountClosures", 1, &model::Quotas::max_concurrent_closures},
    {"AccountClosuresPer30Days", 0, nullptr, &model::Quotas::closures_per_30_days},
    {"MaxInboundResponsibilityTransfers", 0, &model::Quotas::max_inbound_transfers},
    {"MaxOutboundResponsibilityTransfers", 0, &model::Quotas::max_outbound_transfers},
    {"MaxResponsibilityTransferChainLevels", 1, &model::Quotas::max_transfer_chain_levels},
    {"MaxResponsibilityTransfersInChain", 1, &model::Quotas::max_transfers_in_chain},
};

nlohmann::json quotas_json(const model::Quotas& q);
// Applies the members `body` has onto `q`. Throws config_error naming `where` and the member for
// an unknown one or a value out of range; `q` is unchanged then.
void apply_quotas(const nlohmann::json& body, const std::string& where, model::Quotas& q);

}  // namespace localorgs::server
