#pragma once
// Trusted access, delegated administrators and the organization's delegation policy (API Reference
// of each operation; User Guide, "Using AWS Organizations with other AWS services" and "Delegated
// administrator for AWS Organizations"): EnableAWSServiceAccess, DisableAWSServiceAccess,
// ListAWSServiceAccessForOrganization, RegisterDelegatedAdministrator,
// DeregisterDelegatedAdministrator, ListDelegatedAdministrators, ListDelegatedServicesForAccount,
// PutResourcePolicy, DescribeResourcePolicy, DeleteResourcePolicy; and what delegation lets a
// member account call (Service::before asks `delegates`).
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/access.hpp"
#include "model/operation.hpp"
#include "model/policy/documents.hpp"

namespace localorgs::model {

class Delegation {
public:
    explicit Delegation(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    void enable_aws_service_access(Repository& repo, const Caller& caller, const api::EnableAWSServiceAccessRequest& in);
    void disable_aws_service_access(Repository& repo, const Caller& caller,
                                    const api::DisableAWSServiceAccessRequest& in);
    api::ListAWSServiceAccessForOrganizationResponse list_aws_service_access_for_organization(
        Repository& repo, const Caller& caller, const api::ListAWSServiceAccessForOrganizationRequest& in);
    void register_delegated_administrator(Repository& repo, const Caller& caller,
                                          const api::RegisterDelegatedAdministratorRequest& in);
    void deregister_delegated_administrator(Repository& repo, const Caller& caller,
                                            const api::DeregisterDelegatedAdministratorRequest& in);
    api::ListDelegatedAdministratorsResponse list_delegated_administrators(
        Repository& repo, const Caller& caller, const api::ListDelegatedAdministratorsRequest& in);
    api::ListDelegatedServicesForAccountResponse list_delegated_services_for_account(
        Repository& repo, const Caller& caller, const api::ListDelegatedServicesForAccountRequest& in);
    api::ResourcePolicy put_resource_policy(Repository& repo, const Caller& caller,
                                            const api::PutResourcePolicyRequest& in);
    api::ResourcePolicy describe_resource_policy(Repository& repo, const Caller& caller);
    void delete_resource_policy(Repository& repo, const Caller& caller);

    // --- for the other families ---

    // Whether the organization's delegation policy lets `account_id` perform `action`
    // ("organizations:<Operation>") on `resources` with `context`.
    bool delegates(Repository& repo, const OrganizationRecord& org, std::string_view account_id,
                   std::string_view action, std::span<const std::string> resources, const policy::Context& context);
    // The operations a delegation policy may grant: those open to delegated administrators, the
    // policy-management ones, and those any member may call (User Guide, "Delegated administrator
    // for AWS Organizations"), but the two effective-policy validation lists.
    static bool delegable(std::string_view operation);
    // A registered delegated administrator cannot leave or be removed (API Reference,
    // RemoveAccountFromOrganization): ConstraintViolationException
    // CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG.
    static void check_may_leave(Repository& repo, const AccountRecord& account);
    std::string resource_policy_arn(Repository& repo, const OrganizationRecord& org, std::string_view id);

    // What the emulator knows of a service principal: whether it takes delegated administrators,
    // how many, and the policy type that must be disabled before its trusted access is.
    struct KnownService {
        std::string_view principal;
        int max_administrators;  // 0: the service takes none
        std::optional<api::PolicyType> policy_type;
    };
    static std::span<const KnownService> known_services();
    static constexpr std::size_t kMaxResourcePolicy = 40'000;

private:
    // UNRECOGNIZED_SERVICE_PRINCIPAL unless it is a principal AWS would accept (README, Trusted access).
    static void check_principal(std::string_view principal);
    static const KnownService* known(std::string_view principal);
    void check_delegation_policy(Repository& repo, const OrganizationRecord& org, std::string_view content);
    api::ResourcePolicy shape(Repository& repo, const OrganizationRecord& org, const ResourcePolicyRecord& p);
    Service& svc_;
};

}  // namespace localorgs::model
