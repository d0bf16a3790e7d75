#pragma once
// Every contact of the control plane with the model and the repository, in one place: the reads
// that become the JSON the control plane answers, and the few changes the control plane makes
// itself. Routes (routes.cpp) deal in HTTP only and call these, so a change in the model's
// records or the repository's queries is a change here alone.
#include <nlohmann/json.hpp>
#include <string>

#include "model/repository.hpp"
#include "model/service.hpp"
#include "model/types.hpp"

namespace localorgs::server::control::views {

using nlohmann::json;

// --- reads ------------------------------------------------------------------------------------

// {"Accounts": [Account, ...]}, every account the emulator knows, by id, with what time has
// brought about (creations and closures due) settled first.
json accounts(model::Service& service, model::Repository& repo);
// Account = the registry entry, its membership and its state (README, Control plane);
// a 404 when the emulator does not know it.
json account(model::Service& service, model::Repository& repo, const std::string& id);
// {"Messages": [...]}: the outbox, oldest first, optionally only what went to `to`.
json messages(model::Repository& repo, const std::string& to);
// The organization's quotas (server/quotas.hpp); a 404 for an unknown organization.
json quotas(model::Repository& repo, const std::string& organization_id);
// {"Transfers": [...]}: responsibility transfers, both sides, oldest first; only those of
// `organization_id` when it is not empty.
json transfers(model::Repository& repo, model::Millis now, const std::string& organization_id);
// {"TrustedServices", "DelegatedAdministrators" (one row per account and service),
// "ResourcePolicy"}; a 404 for an unknown organization.
json delegation(model::Repository& repo, const std::string& organization_id);

// --- changes ----------------------------------------------------------------------------------

// Forgets everything (POST /_localorgs/reset; the caller re-registers the configured accounts).
void wipe(model::Repository& repo);
// The clock offset is state: kept in the database and restored at start (server/app.cpp).
void save_clock_offset(model::Repository& repo, model::Millis offset_ms);
// What the emulator's time brings about (creations and closures due) happens now.
void settle(model::Service& service, model::Repository& repo);
void clear_messages(model::Repository& repo);
// Creates or updates an account's registry entry from the validated members of `fields` (Email,
// Name, SellerOfRecord, Partition, EmailVerified); the Account after the change.
json put_account(model::Service& service, model::Repository& repo, const std::string& id, const json& fields);
// Changes the quotas named in `fields` (already checked with apply_quotas); the quotas after.
json put_quotas(model::Repository& repo, const std::string& organization_id, const json& fields);

}  // namespace localorgs::server::control::views
