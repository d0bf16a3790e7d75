#pragma once
// Every contact of the control plane with the model and the repository, in one place: the reads
// that become the JSON the control plane answers (and the console shows), and the few changes
// the control plane makes itself. Routes (routes.cpp) deal in HTTP only and call these, so a
// change in the model's records or the repository's queries is a change here alone.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/clock.hpp"
#include "model/repository.hpp"
#include "model/service.hpp"
#include "model/types.hpp"

namespace localorgs::server::control::views {

using nlohmann::json;

// --- reads ------------------------------------------------------------------------------------

// {"Accounts": [Account, ...]}, every account the emulator knows, by id, with what time has
// brought about (creations and closures due) settled first.
// The emulator's time and its offset from the machine's, in epoch seconds.
json clock(const model::SystemClock& clock);

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

// --- the console's reads ------------------------------------------------------------------------
// Each answers one page, read through the API's own operations (called as the organization's
// management account and encoded by the generated codecs, so a shape is exactly what a client of
// the API gets) or the repository's console queries (model::ConsoleRepository), which page on an
// index. `now` is the emulator's time.

// A "created_ms.id" / "requested_ms.id" position of a newest-first list; a 400 when malformed.
struct Position {
    model::Millis ms = 0;
    std::string id;  // "" = the first page
};
Position position(const std::string& token);

// {"Organizations": [summary, ...], "NextToken"?}: newest first. With members and open
// handshakes (the first few of each) for the overview.
json organizations(model::Service& service, model::Repository& repo, model::Millis now, const Position& after,
                   std::size_t limit, bool with_contents);
// {"Organizations": [summary]} of one organization; a 404 when there is none.
json organization(model::Service& service, model::Repository& repo, model::Millis now, const std::string& id);
// One level of the tree: the root, the organizational units under `parent_id` ("" = the root) and
// a page of its accounts: {"OrganizationId", "Root", "Parent", "OrganizationalUnits",
// "Accounts", "NextToken"?, "MemberCount"}, the root, each OU and each account with the policies
// attached to it ("PolicyCount", "PolicyCountByType"). `token` is a NextToken of the model's.
json tree(model::Service& service, model::Repository& repo, const std::string& organization_id,
          const std::string& parent_id, const std::string& token, std::size_t limit);
// The organization's accounts whose id, name or email contains `text` (any case), with their
// parent and their policy counts: {"OrganizationId", "Search", "Accounts", "Truncated"}.
json tree_search(model::Service& service, model::Repository& repo, const std::string& organization_id,
                 const std::string& text, std::size_t limit);

struct HandshakeListing {
    std::string organization_id;  // and/or
    std::string party;            // an account id or email address the handshakes went to
    std::vector<std::string> states;
    std::string action;
    Position after;
    std::size_t limit = 50;
};
// {"Handshakes": [row, ...], "Total", "NextToken"?}, newest first.
json handshakes(model::Repository& repo, model::Millis now, const HandshakeListing& listing);
// {"Handshake": as DescribeHandshake returns it, "OrganizationId", "ParentHandshakeId"?,
// "Children": [...], "ChildCount"}; a 404 for a handshake the API would not show either.
json handshake(model::Service& service, model::Repository& repo, model::Millis now, const std::string& id);
// {"Messages": [...], "Total"}: the outbox newest first, `limit` messages after the newest `offset`.
json newest_messages(model::Repository& repo, const std::string& to, std::size_t offset, std::size_t limit);

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
