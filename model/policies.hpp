#pragma once
// Policies of every type (API Reference of each operation; User Guide, "Managing organization
// policies"): CreatePolicy, DescribePolicy, UpdatePolicy, DeletePolicy, ListPolicies, AttachPolicy,
// DetachPolicy, ListPoliciesForTarget, ListTargetsForPolicy, EnablePolicyType, DisablePolicyType,
// DescribeEffectivePolicy, ListAccountsWithInvalidEffectivePolicy,
// ListEffectivePolicyValidationErrors; the AWS-managed FullAWSAccess and RCPFullAWSAccess; and SCPs
// deciding a member account's own calls. What documents may contain, how management policies
// inherit and how SCPs decide is model/policy/documents.hpp.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/access.hpp"
#include "model/operation.hpp"
#include "model/policy/documents.hpp"

namespace localorgs::model {

class Policies {
public:
    explicit Policies(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::Policy create_policy(Repository& repo, const Caller& caller, const api::CreatePolicyRequest& in);
    api::Policy describe_policy(Repository& repo, const Caller& caller, const api::DescribePolicyRequest& in);
    api::Policy update_policy(Repository& repo, const Caller& caller, const api::UpdatePolicyRequest& in);
    void delete_policy(Repository& repo, const Caller& caller, const api::DeletePolicyRequest& in);
    api::ListPoliciesResponse list_policies(Repository& repo, const Caller& caller, const api::ListPoliciesRequest& in);
    void attach_policy(Repository& repo, const Caller& caller, const api::AttachPolicyRequest& in);
    void detach_policy(Repository& repo, const Caller& caller, const api::DetachPolicyRequest& in);
    api::ListPoliciesForTargetResponse list_policies_for_target(Repository& repo, const Caller& caller,
                                                                const api::ListPoliciesForTargetRequest& in);
    api::ListTargetsForPolicyResponse list_targets_for_policy(Repository& repo, const Caller& caller,
                                                              const api::ListTargetsForPolicyRequest& in);
    api::Root enable_policy_type(Repository& repo, const Caller& caller, const api::EnablePolicyTypeRequest& in);
    api::Root disable_policy_type(Repository& repo, const Caller& caller, const api::DisablePolicyTypeRequest& in);
    api::EffectivePolicy describe_effective_policy(Repository& repo, const Caller& caller,
                                                   const api::DescribeEffectivePolicyRequest& in);
    api::ListAccountsWithInvalidEffectivePolicyResponse list_accounts_with_invalid_effective_policy(
        Repository& repo, const Caller& caller, const api::ListAccountsWithInvalidEffectivePolicyRequest& in);
    api::ListEffectivePolicyValidationErrorsResponse list_effective_policy_validation_errors(
        Repository& repo, const Caller& caller, const api::ListEffectivePolicyValidationErrorsRequest& in);

    // --- for the other families ---

    // A new root, OU or account gets the AWS-managed policies of the enabled authorization types
    // (FullAWSAccess with SCPs, RCPFullAWSAccess with RCPs), as at AWS.
    void attach_defaults(Repository& repo, const OrganizationRecord& org, std::string_view target_id);
    // A target that leaves the organization (an account) or is deleted (an OU) keeps no attachment.
    void forget_target(Repository& repo, std::string_view organization_id, std::string_view target_id);
    // Enables a type in the root (CreateOrganization with the API text's variant, EnablePolicyType).
    void enable(Repository& repo, OrganizationRecord& org, api::PolicyType type);
    // Whether SCPs let `account`, a member of its organization, perform `action`
    // ("organizations:<Operation>") on `resources`; AccessDeniedException when they do not. The
    // management account is never restricted, nor is an account whose root has SCPs disabled.
    // Only called when `restricts` says SCPs apply to the account.
    static bool restricts(const OrganizationRecord& org, const AccountRecord& account);
    void authorize(Repository& repo, const OrganizationRecord& org, const AccountRecord& account,
                   std::string_view action, std::span<const std::string> resources,
                   const policy::Context& context = {});
    // The root's policy types as ListRoots shows them.
    static std::vector<api::PolicyTypeSummary> root_policy_types(const OrganizationRecord& org);

    static constexpr std::string_view kFullAWSAccess = "p-FullAWSAccess";
    static constexpr std::string_view kRCPFullAWSAccess = "p-RCPFullAWSAccess";

private:
    // A policy as the organization sees it: one of its own, or an AWS-managed one.
    struct View {
        PolicyRecord record;
        bool aws_managed = false;
    };
    std::optional<View> find(Repository& repo, const OrganizationRecord& org, std::string_view id);
    View require(Repository& repo, const OrganizationRecord& org, std::string_view id);
    api::PolicySummary summary(const Membership& m, const View& p) const;
    api::Policy shape(const Membership& m, const View& p) const;
    // The root, OU or account with this id in the organization; TargetNotFoundException otherwise.
    api::PolicyTargetSummary target(Repository& repo, const Membership& m, std::string_view id);
    // Root -> OUs -> the account: the policies of `type` attached at each level, in order.
    struct Chain {
        std::vector<std::vector<AppliedPolicyRecord>> levels;
    };
    Chain chain(Repository& repo, const OrganizationRecord& org, const AccountRecord& account, api::PolicyType type);
    policy::Levels levels(const Chain& c) const;
    // The latest attachment or policy update on the chain: when its effective policy last changed.
    static Millis last_updated(const Chain& c);
    // Policy types need all features: CreatePolicy and EnablePolicyType say so with their own
    // error, the others with ORGANIZATION_NOT_IN_ALL_FEATURES_MODE.
    static void require_all_features(const OrganizationRecord& org, bool not_available_error);
    Service& svc_;
};

}  // namespace localorgs::model
