#include "server/control/views.hpp"

#include <algorithm>
#include <iterator>
#include <map>

#include "model/errors.hpp"
#include "model/ids.hpp"
#include "server/config.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/route_table.hpp"
#include "server/quotas.hpp"
#include "server/wire/api_codec.hpp"

namespace localorgs::server::control::views {
namespace {

json account_json(const model::AccountRecord& a, model::Millis now) {
    // State as DescribeAccount gives it, for accounts in no organization too.
    const char* state = a.closing(now) ? "PENDING_CLOSURE" : a.closed(now) ? "CLOSED" : "ACTIVE";
    return {{"Id", a.id},
            {"Email", a.email},
            {"Name", a.name},
            {"SellerOfRecord", a.seller_of_record},
            {"Partition", a.partition},
            {"EmailVerified", a.email_verified},
            {"OrganizationId", a.organization_id.empty() ? json(nullptr) : json(a.organization_id)},
            {"JoinedMethod", a.joined_method ? json(model::api::to_string(*a.joined_method)) : json(nullptr)},
            {"State", state},
            {"RoleName", a.role_name.empty() ? json(nullptr) : json(a.role_name)},
            {"GovCloudEnabled", a.govcloud_enabled},
            {"GovCloudTwinId", a.twin_account_id.empty() ? json(nullptr) : json(a.twin_account_id)},
            {"PhoneVerified", a.phone_verified},
            {"EulaAccepted", a.eula_accepted},
            {"PaymentInstrument", a.payment_instrument}};
}

json message_json(const model::OutboxMessage& m) {
    return {{"Id", m.id},
            {"To", m.to},
            {"Subject", m.subject},
            {"Body", m.body},
            {"HandshakeId", m.handshake_id},
            {"SentTimestamp", double(m.sent_ms) / 1000.0}};
}

// A responsibility transfer as the control plane shows it: both sides, every timestamp.
json transfer_json(const model::ResponsibilityTransferRecord& t, model::Millis now) {
    auto text_or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
    auto time_or_null = [](model::Millis ms) { return ms ? json(double(ms) / 1000.0) : json(nullptr); };
    return {{"Id", t.id},
            {"Type", model::api::to_string(t.type)},
            {"Name", t.name},
            {"Status", model::api::to_string(t.lapsed(now) ? model::api::ResponsibilityTransferStatus::EXPIRED
                                                           : t.status)},
            {"TargetOrganizationId", t.target_organization_id},
            {"TargetAccountId", t.target_account_id},
            {"SourceOrganizationId", text_or_null(t.source_organization_id)},
            {"SourceAccountId", text_or_null(t.source_account_id)},
            {"SourceEmail", text_or_null(t.recipient_email)},
            {"HandshakeId", t.handshake_id},
            {"RequestedTimestamp", double(t.requested_ms) / 1000.0},
            {"ExpirationTimestamp", double(t.expiration_ms) / 1000.0},
            {"StartTimestamp", double(t.start_ms) / 1000.0},
            {"EndTimestamp", time_or_null(t.end_ms)}};
}

model::OrganizationRecord organization_record(model::Repository& repo, const std::string& id) {
    auto org = repo.organizations.find(id);
    if (!org) not_found("No organization " + id + " exists");
    return *std::move(org);
}

}  // namespace

json clock(const model::SystemClock& clock) {
    return {{"Now", double(clock.now_ms()) / 1000.0}, {"OffsetSeconds", double(clock.offset_ms()) / 1000.0}};
}

json accounts(model::Service& service, model::Repository& repo) {
    service.settle(repo);
    json list = json::array();
    for (const auto& a : repo.accounts.all()) list.push_back(account_json(a, service.now()));
    return {{"Accounts", std::move(list)}};
}

json account(model::Service& service, model::Repository& repo, const std::string& id) {
    service.settle(repo);
    auto a = repo.accounts.find(id);
    if (!a) not_found("No account " + id + " is known");
    return account_json(*a, service.now());
}

json messages(model::Repository& repo, const std::string& to) {
    json list = json::array();
    for (const auto& m : repo.outbox.list(to)) list.push_back(message_json(m));
    return {{"Messages", std::move(list)}};
}

json quotas(model::Repository& repo, const std::string& organization_id) {
    return quotas_json(organization_record(repo, organization_id).quotas);
}

json transfers(model::Repository& repo, model::Millis now, const std::string& organization_id) {
    json list = json::array();
    for (const auto& t : repo.transfers.all())
        if (organization_id.empty() || t.target_organization_id == organization_id ||
            t.source_organization_id == organization_id)
            list.push_back(transfer_json(t, now));
    return {{"Transfers", std::move(list)}};
}

json delegation(model::Repository& repo, const std::string& organization_id) {
    organization_record(repo, organization_id);  // a 404 for an unknown one
    constexpr std::size_t kPage = 500;    // read in keyset pages, as the API does
    json services = json::array(), admins = json::array(), policy = nullptr;
    for (std::string after;;) {
        auto page = repo.delegation.services(organization_id, after, kPage);
        for (const auto& s : page)
            services.push_back({{"ServicePrincipal", s.service_principal}, {"DateEnabled", double(s.enabled_ms) / 1000.0}});
        if (page.size() < kPage) break;
        after = page.back().service_principal;
    }
    for (std::string after;;) {
        auto page = repo.delegation.administrators(organization_id, "", after, kPage);
        for (const auto& a : page)
            for (const auto& d : repo.delegation.services_of(organization_id, a.account_id, "", kPage))
                admins.push_back({{"AccountId", d.account_id},
                                  {"ServicePrincipal", d.service_principal},
                                  {"DelegationEnabledDate", double(d.enabled_ms) / 1000.0}});
        if (page.size() < kPage) break;
        after = page.back().account_id;
    }
    if (auto p = repo.delegation.resource_policy(organization_id)) policy = {{"Id", p->id}, {"Content", p->content}};
    return {{"TrustedServices", std::move(services)},
            {"DelegatedAdministrators", std::move(admins)},
            {"ResourcePolicy", std::move(policy)}};
}

void wipe(model::Repository& repo) {
    repo.wipe();
}

void save_clock_offset(model::Repository& repo, model::Millis offset_ms) {
    repo.settings.save(ControlPlane::kClockOffsetSetting, std::to_string(offset_ms));
}

void settle(model::Service& service, model::Repository& repo) {
    service.settle(repo);
}

void clear_messages(model::Repository& repo) {
    repo.outbox.clear();
}

json put_account(model::Service& service, model::Repository& repo, const std::string& id,
                 const json& fields) {
    model::AccountRecord entry = repo.accounts.find(id).value_or(model::default_account(id));
    apply_account_fields(fields, "Account", entry);
    return account_json(service.accounts.register_account(repo, entry), service.now());
}

json put_quotas(model::Repository& repo, const std::string& organization_id, const json& fields) {
    auto org = organization_record(repo, organization_id);
    apply_quotas(fields, "Quotas", org.quotas);  // checked by the route already
    repo.organizations.save(org);
    return quotas_json(org.quotas);
}

}  // namespace localorgs::server::control::views

// --- the console's reads ----------------------------------------------------------------------------

namespace localorgs::server::control::views {
namespace {

// Counting visits each match: beyond this many, the console says "100,000+".
constexpr std::size_t kCountAtMost = 100'000;

json seconds(model::Millis ms) {
    return double(ms) / 1000.0;
}

std::string token_of(model::Millis ms, const std::string& id) {
    return std::to_string(ms) + "." + id;
}

// The API's own answer to `operation` called by `caller` with `input`: the model's operation
// encoded by the generated codec (server/wire/api_codec.cpp), so the console shows exactly what
// a client of the API sees. Throws the operation's api_error.
json api(model::Service& service, model::Repository& repo, const std::string& caller,
         std::string_view operation, const json& input) {
    const auto* binding = service.find(operation);
    const auto codecs = wire::operation_codecs();
    const auto codec =
        std::find_if(codecs.begin(), codecs.end(), [&](const auto& c) { return c.name == operation; });
    if (!binding || codec == codecs.end())
        throw std::logic_error("the console reads an operation the service lacks");
    return json::parse(codec->run(*binding, service, repo, model::Caller{caller}, input)());
}

// A row of the console's handshake lists: what the table shows, from the stored record (whose
// state the console's browse already gives as the API shows it).
json handshake_row(const model::HandshakeRecord& h) {
    json row = {{"Id", h.id},
                {"Action", model::api::to_string(h.action)},
                {"State", model::api::to_string(h.state)},
                {"OrganizationId", h.organization_id},
                {"Target", {{"Id", h.target_id}, {"Type", model::api::to_string(h.target_type)}}},
                {"RequestedTimestamp", seconds(h.requested_ms)},
                {"ExpirationTimestamp", seconds(h.expiration_ms)}};
    if (!h.parent_handshake_id.empty()) row["ParentHandshakeId"] = h.parent_handshake_id;
    return row;
}

// The handshake exactly as DescribeHandshake answers it, asked as its sender or else as its
// recipient (the sender may have left: a deleted organization); the row when neither may see it.
json api_handshake(model::Service& service, model::Repository& repo, const model::HandshakeRecord& h) {
    std::vector<std::string> callers{h.management_account_id};
    if (!h.recipient_account_id.empty()) callers.push_back(h.recipient_account_id);
    if (!h.recipient_email.empty())
        if (auto a = repo.accounts.find_by_email(h.recipient_email)) callers.push_back(a->id);
    for (const auto& caller : callers) {
        try {
            return api(service, repo, caller, "DescribeHandshake", {{"HandshakeId", h.id}})["Handshake"];
        } catch (const model::api_error&) {
        }
    }
    return handshake_row(h);
}

json with_role(json account, const model::OrganizationRecord& org) {
    account["Management"] = account.value("Id", "") == org.management_account_id;
    return account;
}

model::HandshakeBrowse pending_of(const std::string& organization_id, model::Millis now, std::size_t limit) {
    model::HandshakeBrowse q;
    q.organization_id = organization_id;
    q.states = {model::api::HandshakeState::OPEN, model::api::HandshakeState::REQUESTED};
    q.now = now;
    q.limit = limit;
    return q;
}

json summary(model::Service& service, model::Repository& repo, const model::OrganizationRecord& org,
             model::Millis now) {
    const auto& management = org.management_account_id;
    json out;
    try {
        out = api(service, repo, management, "DescribeOrganization", json::object())["Organization"];
        auto roots = api(service, repo, management, "ListRoots", json::object())["Roots"];
        if (!roots.empty()) out["RootPolicyTypes"] = roots[0]["PolicyTypes"];
    } catch (const model::api_error&) {
        // Not reachable through the API (it should always be): what the record says.
        out = {{"Id", org.id},
               {"FeatureSet", model::api::to_string(org.feature_set)},
               {"MasterAccountId", management}};
    }
    out["RootId"] = org.root_id;
    out["CreatedTimestamp"] = seconds(org.created_ms);
    out["MemberCount"] = repo.accounts.count_members(org.id);
    out["OrganizationalUnitCount"] = repo.organizational_units.count(org.id);
    out["PendingHandshakeCount"] = repo.console.count_handshakes(pending_of(org.id, now, 0), kCountAtMost);
    out["Quotas"] = quotas_json(org.quotas);
    return out;
}

// The overview's look into one organization: its first members and handshakes not closed.
void add_contents(json& out, model::Service& service, model::Repository& repo,
                  const model::OrganizationRecord& org, model::Millis now) {
    constexpr int kShown = 10;
    json members = json::array();
    try {
        // (the answer is held: a range over a member of a temporary would dangle)
        auto listed = api(service, repo, org.management_account_id, "ListAccounts", {{"MaxResults", kShown}});
        for (auto& a : listed["Accounts"]) members.push_back(with_role(std::move(a), org));
    } catch (const model::api_error&) {
    }
    out["Members"] = std::move(members);
    json pending = json::array();
    for (const auto& h : repo.console.browse_handshakes(pending_of(org.id, now, kShown)))
        pending.push_back(handshake_row(h));
    out["PendingHandshakes"] = std::move(pending);
}

// The policies attached to each node a page of the tree shows (the root, OUs, accounts), counted
// in one query for the whole page: each gets "PolicyCount" (every type) and "PolicyCountByType"
// ({"SERVICE_CONTROL_POLICY": 1, ...}), as ListPoliciesForTarget would count them.
void add_policy_counts(model::Repository& repo, const std::string& organization_id, const std::vector<json*>& nodes) {
    std::vector<std::string> ids;
    ids.reserve(nodes.size());
    for (const json* node : nodes) ids.push_back(node->value("Id", ""));
    std::map<std::string, json, std::less<>> counts;
    for (const auto& c : repo.console.attached_policy_counts(organization_id, ids))
        counts[c.target_id][std::string(model::api::to_string(c.type))] = c.count;
    for (json* node : nodes) {
        auto found = counts.find(node->value("Id", ""));
        json by_type = found == counts.end() ? json::object() : found->second;
        std::size_t total = 0;
        for (const auto& [type, n] : by_type.items()) total += n.get<std::size_t>();
        (*node)["PolicyCount"] = total;
        (*node)["PolicyCountByType"] = std::move(by_type);
    }
}

// The services each account node of a page is a delegated administrator for, in one query: each
// gets "DelegatedServices" (principals, sorted) and "DelegatedAdministrator".
void add_delegation_marks(model::Repository& repo, const std::string& organization_id,
                          const std::vector<json*>& accounts) {
    std::vector<std::string> ids;
    ids.reserve(accounts.size());
    for (const json* a : accounts) ids.push_back(a->value("Id", ""));
    std::map<std::string, json, std::less<>> services;
    for (auto& [account, principal] : repo.console.delegated_services(organization_id, ids))
        services[account].push_back(std::move(principal));
    for (json* a : accounts) {
        auto found = services.find(a->value("Id", ""));
        (*a)["DelegatedServices"] = found == services.end() ? json::array() : std::move(found->second);
        (*a)["DelegatedAdministrator"] = found != services.end();
    }
}

// An API error the console's query caused: a parent or token the list does not know.
[[noreturn]] void refuse(const model::api_error& e, const std::string& what) {
    if (e.code() == model::error_code::InvalidInputException)
        bad_request("The token is not one this list gave");
    not_found(what);
}

}  // namespace

Position position(const std::string& token) {
    if (token.empty()) return {};
    auto dot = token.find('.');
    Position p;
    if (dot == std::string::npos || dot == 0 || dot > 15 || dot + 1 == token.size())
        bad_request("The token is not one this list gave");
    for (std::size_t i = 0; i < dot; ++i) {
        if (token[i] < '0' || token[i] > '9') bad_request("The token is not one this list gave");
        p.ms = p.ms * 10 + (token[i] - '0');
    }
    p.id = token.substr(dot + 1);
    return p;
}

json organizations(model::Service& service, model::Repository& repo, model::Millis now, const Position& after,
                   std::size_t limit, bool with_contents) {
    auto rows = repo.console.recent_organizations(after.ms, after.id, limit + 1);
    json out = {{"Organizations", json::array()}};
    if (rows.size() > limit) {
        rows.resize(limit);
        out["NextToken"] = token_of(rows.back().created_ms, rows.back().id);
    }
    for (const auto& org : rows) {
        json one = summary(service, repo, org, now);
        if (with_contents) add_contents(one, service, repo, org, now);
        out["Organizations"].push_back(std::move(one));
    }
    return out;
}

json organization(model::Service& service, model::Repository& repo, model::Millis now,
                  const std::string& id) {
    return {{"Organizations", json::array({summary(service, repo, organization_record(repo, id), now)})}};
}

json tree(model::Service& service, model::Repository& repo, const std::string& organization_id,
          const std::string& parent_id, const std::string& token, std::size_t limit) {
    auto org = organization_record(repo, organization_id);
    const auto& management = org.management_account_id;
    const std::string parent = parent_id.empty() ? org.root_id : parent_id;
    json out = {{"OrganizationId", org.id}, {"MemberCount", repo.accounts.count_members(org.id)}};
    try {
        out["Root"] = api(service, repo, management, "ListRoots", json::object())["Roots"].at(0);
        out["Parent"] = {{"Id", parent}, {"Type", parent == org.root_id ? "ROOT" : "ORGANIZATIONAL_UNIT"}};
        // The organizational units under the parent come first, all of them, on the first page.
        json units = json::array();
        if (token.empty()) {
            json input = {{"ParentId", parent}, {"MaxResults", 20}};
            for (;;) {
                auto got = api(service, repo, management, "ListOrganizationalUnitsForParent", input);
                for (auto& ou : got["OrganizationalUnits"]) units.push_back(std::move(ou));
                if (!got.contains("NextToken")) break;
                input["NextToken"] = got["NextToken"];
            }
        }
        out["OrganizationalUnits"] = std::move(units);
        // The accounts, through the API's own pages (20 each) up to `limit`.
        json accounts = json::array();
        json input = {{"ParentId", parent}, {"MaxResults", 20}};
        if (!token.empty()) input["NextToken"] = token;
        for (;;) {
            auto got = api(service, repo, management, "ListAccountsForParent", input);
            for (auto& a : got["Accounts"]) accounts.push_back(with_role(std::move(a), org));
            if (!got.contains("NextToken")) {
                input.erase("NextToken");
                break;
            }
            input["NextToken"] = got["NextToken"];
            if (accounts.size() >= limit) break;
        }
        out["Accounts"] = std::move(accounts);
        if (input.contains("NextToken")) out["NextToken"] = input["NextToken"];
    } catch (const model::api_error& e) {
        refuse(e, "No parent " + parent + " in " + org.id);
    }
    std::vector<json*> nodes{&out["Root"]};
    for (auto& ou : out["OrganizationalUnits"]) nodes.push_back(&ou);
    std::vector<json*> accounts;
    for (auto& a : out["Accounts"]) accounts.push_back(&a);
    nodes.insert(nodes.end(), accounts.begin(), accounts.end());
    add_policy_counts(repo, org.id, nodes);
    add_delegation_marks(repo, org.id, accounts);
    return out;
}

json tree_search(model::Service& service, model::Repository& repo, const std::string& organization_id,
                 const std::string& text, std::size_t limit) {
    auto org = organization_record(repo, organization_id);
    const auto& management = org.management_account_id;
    const std::string needle = model::lowercase(text);
    // No index answers a substring of a name: the organization's members are read a page at a
    // time, only while someone searches.
    std::vector<std::string> matches;
    bool truncated = false;
    std::string after;
    for (;;) {
        auto page = repo.accounts.members(org.id, "", after, 500);
        for (const auto& a : page) {
            if (model::lowercase(a.id).find(needle) == std::string::npos &&
                model::lowercase(a.name).find(needle) == std::string::npos &&
                model::lowercase(a.email).find(needle) == std::string::npos)
                continue;
            if (matches.size() == limit) {
                truncated = true;
                break;
            }
            matches.push_back(a.id);
        }
        if (truncated || page.size() < 500) break;
        after = page.back().id;
    }
    json accounts = json::array();
    for (const auto& id : matches) {
        try {
            json a = with_role(
                api(service, repo, management, "DescribeAccount", {{"AccountId", id}})["Account"], org);
            auto parents = api(service, repo, management, "ListParents", {{"ChildId", id}})["Parents"];
            if (!parents.empty()) a["ParentId"] = parents[0]["Id"];
            accounts.push_back(std::move(a));
        } catch (const model::api_error&) {
        }
    }
    std::vector<json*> nodes;
    for (auto& a : accounts) nodes.push_back(&a);
    add_policy_counts(repo, org.id, nodes);
    add_delegation_marks(repo, org.id, nodes);
    return {{"OrganizationId", org.id},
            {"Search", text},
            {"Accounts", std::move(accounts)},
            {"Truncated", truncated}};
}

json handshakes(model::Repository& repo, model::Millis now, const HandshakeListing& listing) {
    if (listing.organization_id.empty() && listing.party.empty())
        bad_request("Name an organization or a party (an account id or email address)");
    model::HandshakeBrowse q;
    for (const auto& s : listing.states) {
        auto state = model::api::parse_enum<model::api::HandshakeState>(s);
        if (!state) bad_request("Unknown handshake state '" + s + "'");
        q.states.push_back(*state);
    }
    if (!listing.action.empty()) {
        q.action = model::api::parse_enum<model::api::ActionType>(listing.action);
        if (!q.action) bad_request("Unknown handshake action '" + listing.action + "'");
    }
    q.organization_id = listing.organization_id;
    q.recipient = listing.party;
    q.now = now;
    q.before_requested_ms = listing.after.ms;
    q.before_id = listing.after.id;
    q.limit = listing.limit + 1;
    auto rows = repo.console.browse_handshakes(q);
    json out = {{"Handshakes", json::array()}};
    if (rows.size() > listing.limit) {
        rows.resize(listing.limit);
        out["NextToken"] = token_of(rows.back().requested_ms, rows.back().id);
    }
    for (const auto& h : rows) out["Handshakes"].push_back(handshake_row(h));
    const auto total = repo.console.count_handshakes(q, kCountAtMost + 1);
    out["Total"] = std::min(total, kCountAtMost);
    out["TotalIsAtLeast"] = total > kCountAtMost;  // the count stopped there
    return out;
}

json handshake(model::Service& service, model::Repository& repo, model::Millis now, const std::string& id) {
    auto h = repo.handshakes.find(id);
    // Closed handshakes leave the API 30 days after closing; the console follows it.
    if (!h || now >= h->visible_until_ms()) not_found("No handshake " + id + " exists");
    json out = {{"Handshake", api_handshake(service, repo, *h)}, {"OrganizationId", h->organization_id}};
    if (!h->parent_handshake_id.empty()) out["ParentHandshakeId"] = h->parent_handshake_id;
    constexpr std::size_t kChildrenShown = 200;
    auto children = repo.handshakes.children(id);
    out["ChildCount"] = children.size();
    json list = json::array();
    for (std::size_t i = 0; i < children.size() && i < kChildrenShown; ++i)
        list.push_back(api_handshake(service, repo, children[i]));
    out["Children"] = std::move(list);
    return out;
}

json newest_messages(model::Repository& repo, const std::string& to, std::size_t offset, std::size_t limit) {
    json list = json::array();
    for (const auto& m : repo.console.recent_messages(to, offset, limit)) list.push_back(message_json(m));
    return {{"Messages", std::move(list)}, {"Total", repo.console.count_messages(to)}};
}

}  // namespace localorgs::server::control::views
