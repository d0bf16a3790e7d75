#include "model/delegation.hpp"

#include <algorithm>

#include "model/arn.hpp"
#include "model/errors.hpp"
#include "model/ids.hpp"
#include "model/pagination.hpp"
#include "model/service.hpp"
#include "model/tags.hpp"

namespace localorgs::model {
namespace {

using api::PolicyType;

// Services AWS documents as integrated with Organizations whose rules the emulator knows beyond
// the general one (User Guide, "AWS services that you can use with AWS Organizations"): how many
// delegated administrators each takes ([I] 1 but where the service's guide says more: StackSets 5,
// AWS Config 3), the services that take none ([I]), and the policy type tied to a service
// (POLICY_TYPE_ENABLED_FOR_THIS_SERVICE, API Reference, ConstraintViolationException).
constexpr Delegation::KnownService kKnown[] = {
    {"access-analyzer.amazonaws.com", 1, std::nullopt},
    {"account.amazonaws.com", 1, std::nullopt},
    {"aws-artifact-account-sync.amazonaws.com", 0, std::nullopt},
    {"backup.amazonaws.com", 1, std::nullopt},
    {"cloudtrail.amazonaws.com", 1, std::nullopt},
    {"compute-optimizer.amazonaws.com", 1, std::nullopt},
    {"config-multiaccountsetup.amazonaws.com", 3, std::nullopt},
    {"config.amazonaws.com", 3, std::nullopt},
    {"controltower.amazonaws.com", 0, std::nullopt},
    {"ds.amazonaws.com", 1, std::nullopt},
    {"fms.amazonaws.com", 1, std::nullopt},
    {"guardduty.amazonaws.com", 1, std::nullopt},
    {"health.amazonaws.com", 1, std::nullopt},
    {"inspector2.amazonaws.com", 1, PolicyType::INSPECTOR_POLICY},
    {"ipam.amazonaws.com", 1, std::nullopt},
    {"license-manager.amazonaws.com", 1, std::nullopt},
    {"license-manager.member-account.amazonaws.com", 0, std::nullopt},
    {"macie.amazonaws.com", 1, std::nullopt},
    {"member.org.stacksets.cloudformation.amazonaws.com", 5, std::nullopt},
    {"ram.amazonaws.com", 0, std::nullopt},
    {"securityhub.amazonaws.com", 1, PolicyType::SECURITYHUB_POLICY},
    {"servicecatalog.amazonaws.com", 1, std::nullopt},
    {"servicequotas.amazonaws.com", 0, std::nullopt},
    {"sso.amazonaws.com", 1, std::nullopt},
    {"ssm.amazonaws.com", 1, std::nullopt},
    {"tagpolicies.tag.amazonaws.com", 0, std::nullopt},
};
// Principals AWS refuses although they look like services: StackSets' own principal (its
// Organizations integration is member.org.stacksets...; reference §5.1).
constexpr std::string_view kRefused[] = {"stacksets.cloudformation.amazonaws.com"};
constexpr std::string_view kServiceSuffix = ".amazonaws.com";

void require_all_features(const OrganizationRecord& org) {
    if (org.feature_set == api::OrganizationFeatureSet::ALL) return;
    throw_constraint("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
                     "Trusted access and delegation need an organization with all features enabled.");
}

[[noreturn]] void invalid_policy(std::string_view reason, std::string message) {
    throw_invalid_input(reason, std::move(message));
}

// "*", or an ARN of the organization's root, OUs, accounts or policies (AWS-managed policies
// belong to the account "aws"); each part may be a wildcard.
bool supported_resource(std::string_view pattern, const OrganizationRecord& org) {
    if (pattern == "*") return true;
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (int i = 0; i < 5; ++i) {
        auto colon = pattern.find(':', start);
        if (colon == std::string_view::npos) return false;
        parts.push_back(pattern.substr(start, colon - start));
        start = colon + 1;
    }
    const std::string_view resource = pattern.substr(start);
    if (parts[0] != "arn" || !policy::matches(parts[2], "organizations", false)) return false;
    const auto slash = resource.find('/');
    if (slash == std::string_view::npos) return false;
    const std::string_view type = resource.substr(0, slash);
    bool known_type = false;
    for (std::string_view t : {"root", "ou", "account", "policy"}) known_type |= policy::matches(type, t, false);
    if (!known_type) return false;
    if (parts[4] == "aws") return policy::matches(type, "policy", false);
    const std::string_view rest = resource.substr(slash + 1);
    return policy::matches(rest.substr(0, rest.find('/')), org.id, false) || rest.starts_with("*");
}

}  // namespace

std::span<const Binding> Delegation::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::EnableAWSServiceAccess, &Delegation::enable_aws_service_access>(),
        bind<api::ops::DisableAWSServiceAccess, &Delegation::disable_aws_service_access>(),
        bind<api::ops::ListAWSServiceAccessForOrganization, &Delegation::list_aws_service_access_for_organization>(),
        bind<api::ops::RegisterDelegatedAdministrator, &Delegation::register_delegated_administrator>(),
        bind<api::ops::DeregisterDelegatedAdministrator, &Delegation::deregister_delegated_administrator>(),
        bind<api::ops::ListDelegatedAdministrators, &Delegation::list_delegated_administrators>(),
        bind<api::ops::ListDelegatedServicesForAccount, &Delegation::list_delegated_services_for_account>(),
        bind<api::ops::PutResourcePolicy, &Delegation::put_resource_policy>(),
        bind<api::ops::DescribeResourcePolicy, &Delegation::describe_resource_policy>(),
        bind<api::ops::DeleteResourcePolicy, &Delegation::delete_resource_policy>(),
    };
    return kOperations;
}

std::span<const Delegation::KnownService> Delegation::known_services() {
    return kKnown;
}

const Delegation::KnownService* Delegation::known(std::string_view principal) {
    for (const auto& k : kKnown)
        if (k.principal == principal) return &k;
    return nullptr;
}

// The rule ([I], reference §5.1): every principal of the form "<service>.amazonaws.com" is a service
// AWS could integrate, so it is accepted -- over-strict lists broke users of other emulators when
// AWS added services -- but for the few AWS is known to refuse.
void Delegation::check_principal(std::string_view principal) {
    const bool service_form = principal.size() > kServiceSuffix.size() && principal.ends_with(kServiceSuffix);
    const bool refused = std::find(std::begin(kRefused), std::end(kRefused), principal) != std::end(kRefused);
    if (!service_form || refused)
        throw_invalid_input("UNRECOGNIZED_SERVICE_PRINCIPAL", "You specified an unrecognized service principal.");
}

// --- trusted access ---------------------------------------------------------------------------

void Delegation::enable_aws_service_access(Repository& repo, const Caller& caller,
                                           const api::EnableAWSServiceAccessRequest& in) {
    Membership m = management_of_organization(repo, caller);
    require_all_features(m.organization);
    check_principal(in.service_principal);
    // Enabling an enabled service changes nothing, its date included ([I]).
    if (repo.delegation.service_access(m.organization.id, in.service_principal)) return;
    repo.delegation.enable_service({m.organization.id, in.service_principal, svc_.now()});
}

void Delegation::disable_aws_service_access(Repository& repo, const Caller& caller,
                                            const api::DisableAWSServiceAccessRequest& in) {
    Membership m = management_of_organization(repo, caller);
    require_all_features(m.organization);
    check_principal(in.service_principal);
    if (const KnownService* k = known(in.service_principal);
        k && k->policy_type && m.organization.policy_type_enabled(*k->policy_type))
        throw_constraint("POLICY_TYPE_ENABLED_FOR_THIS_SERVICE",
                         "Disable the policy type " + std::string(api::to_string(*k->policy_type)) +
                             " before you disable trusted access for " + in.service_principal + ".");
    // Delegated administrators stay registered ([I], reference §5.1).
    repo.delegation.disable_service(m.organization.id, in.service_principal);
}

api::ListAWSServiceAccessForOrganizationResponse Delegation::list_aws_service_access_for_organization(
    Repository& repo, const Caller& caller, const api::ListAWSServiceAccessForOrganizationRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    require_all_features(m.organization);
    const auto page = page_of(in);
    const std::string after = decode_page_token(page, "services", m.organization.id);
    auto rows = repo.delegation.services(m.organization.id, after, page.limit() + 1);
    api::ListAWSServiceAccessForOrganizationResponse out;
    if (rows.size() > page.limit()) {
        rows.resize(page.limit());
        out.next_token = encode_page_token("services", m.organization.id, rows.back().service_principal);
    }
    for (const auto& r : rows) out.enabled_service_principals.push_back({r.enabled_ms, r.service_principal});
    return out;
}

// --- delegated administrators -----------------------------------------------------------------

void Delegation::register_delegated_administrator(Repository& repo, const Caller& caller,
                                                  const api::RegisterDelegatedAdministratorRequest& in) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    require_all_features(org);
    // The order of the checks is the emulator's ([I], reference §5.3).
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != org.id) throw api_error(error_code::AccountNotFoundException);
    if (account->id == org.management_account_id)
        throw_constraint("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
                         "You can't register the management account as a delegated administrator.");
    if (account->close_requested_ms)
        throw_constraint("CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR",
                         "The account " + account->id + " is closed or being closed.");
    check_principal(in.service_principal);
    const KnownService* k = known(in.service_principal);
    const int max = k ? k->max_administrators : 1;
    if (max == 0)
        throw_invalid_input("UNRECOGNIZED_SERVICE_PRINCIPAL",
                            "The service " + in.service_principal + " does not support delegated administrators.");
    if (!repo.delegation.service_access(org.id, in.service_principal))
        throw_constraint("SERVICE_ACCESS_NOT_ENABLED",
                         "Trusted access is not enabled for " + in.service_principal +
                             ". Call the EnableAWSServiceAccess API first.");
    if (repo.delegation.registration(org.id, account->id, in.service_principal))
        throw api_error(error_code::AccountAlreadyRegisteredException);
    if (repo.delegation.count_administrators(org.id, in.service_principal) >= std::size_t(max)) {
        if (max == 1)
            throw_constraint("DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE",
                             "The service " + in.service_principal + " already has a delegated administrator.");
        throw_constraint("MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED",
                         "The service " + in.service_principal + " takes at most " + std::to_string(max) +
                             " delegated administrators.");
    }
    repo.delegation.register_administrator({org.id, account->id, in.service_principal, svc_.now()});
}

void Delegation::deregister_delegated_administrator(Repository& repo, const Caller& caller,
                                                    const api::DeregisterDelegatedAdministratorRequest& in) {
    Membership m = management_of_organization(repo, caller);
    require_all_features(m.organization);
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != m.organization.id)
        throw api_error(error_code::AccountNotFoundException);
    check_principal(in.service_principal);
    if (!repo.delegation.registration(m.organization.id, account->id, in.service_principal))
        throw api_error(error_code::AccountNotRegisteredException);
    repo.delegation.deregister_administrator(m.organization.id, account->id, in.service_principal);
}

api::ListDelegatedAdministratorsResponse Delegation::list_delegated_administrators(
    Repository& repo, const Caller& caller, const api::ListDelegatedAdministratorsRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org);
    const std::string principal = in.service_principal.value_or("");
    if (!principal.empty()) check_principal(principal);
    const auto page = page_of(in);
    const std::string scope = org.id + "/" + principal;
    const std::string after = decode_page_token(page, "delegated-administrators", scope);
    auto rows = repo.delegation.administrators(org.id, principal, after, page.limit() + 1);
    api::ListDelegatedAdministratorsResponse out;
    if (rows.size() > page.limit()) {
        rows.resize(page.limit());
        out.next_token = encode_page_token("delegated-administrators", scope, rows.back().account_id);
    }
    const std::string partition = m.account.partition;
    for (const auto& r : rows) {
        auto account = repo.accounts.find(r.account_id);
        if (!account) continue;
        api::Account a = svc_.accounts.shape(*account, org, partition, "");
        api::DelegatedAdministrator d;
        d.id = a.id;
        d.arn = a.arn;
        d.email = a.email;
        d.name = a.name;
        d.status = a.status;
        d.state = a.state;
        d.joined_method = a.joined_method;
        d.joined_ms = a.joined_ms;
        d.delegation_enabled_date_ms = r.enabled_ms;
        out.delegated_administrators.push_back(std::move(d));
    }
    return out;
}

api::ListDelegatedServicesForAccountResponse Delegation::list_delegated_services_for_account(
    Repository& repo, const Caller& caller, const api::ListDelegatedServicesForAccountRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org);
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != org.id) throw api_error(error_code::AccountNotFoundException);
    const auto page = page_of(in);
    const std::string scope = org.id + "/" + account->id;
    const std::string after = decode_page_token(page, "delegated-services", scope);
    auto rows = repo.delegation.services_of(org.id, account->id, after, page.limit() + 1);
    // An account that administers nothing is not registered ([I], reference §5.4).
    if (rows.empty() && after.empty()) throw api_error(error_code::AccountNotRegisteredException);
    api::ListDelegatedServicesForAccountResponse out;
    if (rows.size() > page.limit()) {
        rows.resize(page.limit());
        out.next_token = encode_page_token("delegated-services", scope, rows.back().service_principal);
    }
    for (const auto& r : rows) out.delegated_services.push_back({r.enabled_ms, r.service_principal});
    return out;
}

void Delegation::check_may_leave(Repository& repo, const AccountRecord& account) {
    if (repo.delegation.is_administrator(account.organization_id, account.id))
        throw_constraint("CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
                         "The account " + account.id +
                             " is a delegated administrator: deregister it from every service first.");
}

// --- the delegation policy --------------------------------------------------------------------

bool Delegation::delegable(std::string_view operation) {
    if (operation == "ListAccountsWithInvalidEffectivePolicy" || operation == "ListEffectivePolicyValidationErrors")
        return false;
    if (operation == "DescribeOrganization" || operation == "DescribeEffectivePolicy" ||
        operation == "DescribeHandshake" || operation == "ListHandshakesForAccount")
        return true;
    const Access a = access_of(operation);
    return a == Access::delegated_read || a == Access::delegated_write;
}

std::string Delegation::resource_policy_arn(Repository& repo, const OrganizationRecord& org, std::string_view id) {
    const std::string partition = known_account(repo, org.management_account_id).partition;
    return arn::resource_policy(partition, org.management_account_id, org.id, id);
}

api::ResourcePolicy Delegation::shape(Repository& repo, const OrganizationRecord& org, const ResourcePolicyRecord& p) {
    api::ResourcePolicy out;
    out.content = p.content;
    out.resource_policy_summary.id = p.id;
    out.resource_policy_summary.arn = resource_policy_arn(repo, org, p.id);
    return out;
}

// What only the organization can judge ([I] mapping of the model's reasons, reference §5.6).
void Delegation::check_delegation_policy(Repository& repo, const OrganizationRecord& org, std::string_view content) {
    policy::DelegationPolicy doc;
    try {
        doc = policy::read_delegation_policy(content);
    } catch (const api_error& e) {
        invalid_policy("INVALID_RESOURCE_POLICY_JSON", e.message());
    }
    for (const auto& p : doc.principals) {
        auto id = policy::principal_account(p);
        auto account = id ? repo.accounts.find(*id) : std::nullopt;
        if (!account || account->organization_id != org.id)
            invalid_policy("INVALID_PRINCIPAL",
                           "The principal " + p + " is not an account of the organization " + org.id + ".");
    }
    for (const auto& action : doc.actions) {
        bool any = false;
        if (action.find(':') != std::string::npos || action == "*")
            for (const auto& rule : access_rules()) {
                std::string name = "organizations:";
                name += rule.operation;
                if (delegable(rule.operation) && policy::matches(action, name, true)) {
                    any = true;
                    break;
                }
            }
        if (!any)
            invalid_policy("UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
                           "The action " + action + " can't be delegated with a resource policy.");
    }
    for (const auto& r : doc.resources)
        if (!supported_resource(r, org))
            invalid_policy("UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY",
                           "The resource " + r + " is not the root, an OU, an account or a policy of the organization.");
    for (const auto& t : doc.policy_types) {
        bool any = false;
        for (auto name : api::enum_names<PolicyType>()) any |= policy::matches(t, name, false);
        if (!any)
            invalid_policy("UNSUPPORTED_POLICY_TYPE_IN_RESOURCE_POLICY", "The policy type " + t + " is not one of AWS Organizations'.");
    }
}

api::ResourcePolicy Delegation::put_resource_policy(Repository& repo, const Caller& caller,
                                                    const api::PutResourcePolicyRequest& in) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    require_all_features(org);
    if (in.content.size() > kMaxResourcePolicy)
        throw_invalid_input("MAX_LENGTH_EXCEEDED", "A resource policy has at most 40,000 characters.");
    Tags::check_keys(in.tags);
    Tags::check_count(in.tags.size());
    check_delegation_policy(repo, org, in.content);
    auto existing = repo.delegation.resource_policy(org.id);
    // "Calls with tags apply to the initial creation of the resource policy, otherwise an
    // exception is thrown" (API Reference, PutResourcePolicy).
    if (existing && !in.tags.empty())
        throw api_error(error_code::InvalidInputException,
                        "Tags apply to the creation of the resource policy only: tag it with TagResource.");
    ResourcePolicyRecord p;
    if (existing) {
        p = *existing;
    } else {
        p.id = svc_.ids.resource_policy_id();
        p.organization_id = org.id;
        p.created_ms = svc_.now();
    }
    p.content = in.content;
    p.updated_ms = svc_.now();
    repo.delegation.save_resource_policy(p);
    if (!existing && !in.tags.empty()) repo.tags.put(p.id, in.tags);
    return shape(repo, org, p);
}

api::ResourcePolicy Delegation::describe_resource_policy(Repository& repo, const Caller& caller) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    require_all_features(m.organization);
    auto p = repo.delegation.resource_policy(m.organization.id);
    if (!p) throw api_error(error_code::ResourcePolicyNotFoundException);
    return shape(repo, m.organization, *p);
}

void Delegation::delete_resource_policy(Repository& repo, const Caller& caller) {
    Membership m = management_of_organization(repo, caller);
    require_all_features(m.organization);
    auto p = repo.delegation.resource_policy(m.organization.id);
    if (!p) throw api_error(error_code::ResourcePolicyNotFoundException);
    repo.tags.remove_all(p->id);
    repo.delegation.remove_resource_policy(m.organization.id);
}

bool Delegation::delegates(Repository& repo, const OrganizationRecord& org, std::string_view account_id,
                           std::string_view action, std::span<const std::string> resources,
                           const policy::Context& context) {
    auto p = repo.delegation.resource_policy(org.id);
    if (!p) return false;
    return policy::evaluate_delegation(p->content, account_id, action, resources, context) ==
           policy::Decision::allowed;
}

}  // namespace localorgs::model
