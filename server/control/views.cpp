#include "server/control/views.hpp"

#include "server/config.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/route_table.hpp"
#include "server/quotas.hpp"

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

model::OrganizationRecord organization(model::Repository& repo, const std::string& id) {
    auto org = repo.organizations.find(id);
    if (!org) not_found("No organization " + id + " exists");
    return *std::move(org);
}

}  // namespace

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
    return quotas_json(organization(repo, organization_id).quotas);
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
    organization(repo, organization_id);  // a 404 for an unknown one
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
    auto org = organization(repo, organization_id);
    apply_quotas(fields, "Quotas", org.quotas);  // checked by the route already
    repo.organizations.save(org);
    return quotas_json(org.quotas);
}

}  // namespace localorgs::server::control::views
