#include "model/policies.hpp"

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

// The AWS-managed policies (User Guide, "AWS managed policies available in AWS Organizations").
struct Managed {
    std::string_view id, name, description, content;
    PolicyType type;
};
constexpr Managed kManaged[] = {
    {Policies::kFullAWSAccess, "FullAWSAccess", "Allows access to every operation",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
     PolicyType::SERVICE_CONTROL_POLICY},
    {Policies::kRCPFullAWSAccess, "RCPFullAWSAccess", "Allows access to every resource",
     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})",
     PolicyType::RESOURCE_CONTROL_POLICY},
};

const Managed* managed(std::string_view id) {
    for (const auto& m : kManaged)
        if (m.id == id) return &m;
    return nullptr;
}
const Managed* managed_of(PolicyType type) {
    for (const auto& m : kManaged)
        if (m.type == type) return &m;
    return nullptr;
}

PolicyType policy_type_of(api::EffectivePolicyType type) {
    return *api::parse_enum<PolicyType>(api::to_string(type));
}

[[noreturn]] void not_all_features() {
    throw_constraint("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
                     "This operation needs an organization with all features enabled.");
}

// Keyset positions of policy lists: the AWS-managed policy first ("m"), then the organization's
// own by (created_ms, id).
std::string position(const PolicyRecord& p) { return std::to_string(p.created_ms) + ":" + p.id; }

}  // namespace

std::span<const Binding> Policies::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::CreatePolicy, &Policies::create_policy>(),
        bind<api::ops::DescribePolicy, &Policies::describe_policy>(),
        bind<api::ops::UpdatePolicy, &Policies::update_policy>(),
        bind<api::ops::DeletePolicy, &Policies::delete_policy>(),
        bind<api::ops::ListPolicies, &Policies::list_policies>(),
        bind<api::ops::AttachPolicy, &Policies::attach_policy>(),
        bind<api::ops::DetachPolicy, &Policies::detach_policy>(),
        bind<api::ops::ListPoliciesForTarget, &Policies::list_policies_for_target>(),
        bind<api::ops::ListTargetsForPolicy, &Policies::list_targets_for_policy>(),
        bind<api::ops::EnablePolicyType, &Policies::enable_policy_type>(),
        bind<api::ops::DisablePolicyType, &Policies::disable_policy_type>(),
        bind<api::ops::DescribeEffectivePolicy, &Policies::describe_effective_policy>(),
        bind<api::ops::ListAccountsWithInvalidEffectivePolicy, &Policies::list_accounts_with_invalid_effective_policy>(),
        bind<api::ops::ListEffectivePolicyValidationErrors, &Policies::list_effective_policy_validation_errors>(),
    };
    return kOperations;
}

// --- what a policy is to an organization ------------------------------------------------------

void Policies::require_all_features(const OrganizationRecord& org, bool not_available_error) {
    if (org.feature_set == api::OrganizationFeatureSet::ALL) return;
    if (not_available_error) throw api_error(error_code::PolicyTypeNotAvailableForOrganizationException);
    not_all_features();
}

std::optional<Policies::View> Policies::find(Repository& repo, const OrganizationRecord& org, std::string_view id) {
    if (const Managed* m = managed(id)) {
        // An AWS-managed policy is there for an organization while its type is enabled.
        if (!org.policy_type_enabled(m->type)) return std::nullopt;
        PolicyRecord r;
        r.id = std::string(m->id);
        r.type = m->type;
        r.name = std::string(m->name);
        r.description = std::string(m->description);
        r.content = std::string(m->content);
        return View{std::move(r), true};
    }
    auto p = repo.policies.find(id);
    if (!p || p->organization_id != org.id) return std::nullopt;
    return View{*std::move(p), false};
}

Policies::View Policies::require(Repository& repo, const OrganizationRecord& org, std::string_view id) {
    auto p = find(repo, org, id);
    if (!p) throw api_error(error_code::PolicyNotFoundException);
    return *std::move(p);
}

api::PolicySummary Policies::summary(const Membership& m, const View& p) const {
    api::PolicySummary out;
    out.id = p.record.id;
    const auto segment = policy::rules(p.record.type).arn_segment;
    const std::string partition = m.account.partition;
    out.arn = p.aws_managed ? arn::aws_managed_policy(partition, segment, p.record.id)
                            : arn::policy(partition, m.organization.management_account_id, m.organization.id, segment,
                                          p.record.id);
    out.name = p.record.name;
    out.description = p.record.description;
    out.type = p.record.type;
    out.aws_managed = p.aws_managed;
    return out;
}

api::Policy Policies::shape(const Membership& m, const View& p) const { return {p.record.content, summary(m, p)}; }

api::PolicyTargetSummary Policies::target(Repository& repo, const Membership& m, std::string_view id) {
    const auto& org = m.organization;
    const std::string partition = m.account.partition;
    api::PolicyTargetSummary out;
    out.target_id = std::string(id);
    if (id == org.root_id) {
        out.type = api::TargetType::ROOT;
        out.name = "Root";
        out.arn = arn::root(partition, org.management_account_id, org.id, org.root_id);
        return out;
    }
    if (id.starts_with("ou-")) {
        if (auto ou = repo.organizational_units.find(id); ou && ou->organization_id == org.id) {
            out.type = api::TargetType::ORGANIZATIONAL_UNIT;
            out.name = ou->name;
            out.arn = arn::organizational_unit(partition, org.management_account_id, org.id, ou->id);
            return out;
        }
    } else if (auto a = repo.accounts.find(id); a && a->organization_id == org.id) {
        out.type = api::TargetType::ACCOUNT;
        out.name = a->name;
        out.arn = arn::account(partition, org.management_account_id, org.id, a->id);
        return out;
    }
    throw api_error(error_code::TargetNotFoundException);
}

// --- CreatePolicy ... DeletePolicy -------------------------------------------------------------

namespace {
void check_content(PolicyType type, const std::string& content, bool customer) {
    const auto& rules = policy::rules(type);
    // Counted as sent (the console strips white space first; the API does not).
    if (content.size() > rules.max_content)
        throw_constraint("POLICY_CONTENT_LIMIT_EXCEEDED", "You have exceeded the maximum policy size (" +
                                                              std::to_string(rules.max_content) +
                                                              " characters for this policy type).");
    policy::validate(type, content, customer);
}
}  // namespace

api::Policy Policies::create_policy(Repository& repo, const Caller& caller, const api::CreatePolicyRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org, true);
    Tags::check_keys(in.tags);
    Tags::check_count(in.tags.size());
    check_content(in.type, in.content, true);
    const Managed* builtin = managed_of(in.type);
    if (repo.policies.find_by_name(org.id, in.type, in.name) || (builtin && builtin->name == in.name))
        throw api_error(error_code::DuplicatePolicyException,
                        "A policy named " + in.name + " already exists for this policy type.");
    const auto& rules = policy::rules(in.type);
    if (repo.policies.count(org.id, in.type) >= std::size_t(rules.max_policies))
        throw_constraint("POLICY_NUMBER_LIMIT_EXCEEDED", "You have reached the maximum number of policies (" +
                                                             std::to_string(rules.max_policies) + ") of this type.");
    PolicyRecord p;
    do {
        p.id = svc_.ids.policy_id();
    } while (repo.policies.find(p.id));
    p.organization_id = org.id;
    p.type = in.type;
    p.name = in.name;
    p.description = in.description;
    p.content = in.content;
    p.created_ms = p.updated_ms = svc_.now();
    repo.policies.save(p);
    if (!in.tags.empty()) repo.tags.put(p.id, in.tags);
    return shape(m, {p, false});
}

api::Policy Policies::describe_policy(Repository& repo, const Caller& caller, const api::DescribePolicyRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    require_all_features(m.organization, false);
    return shape(m, require(repo, m.organization, in.policy_id));
}

api::Policy Policies::update_policy(Repository& repo, const Caller& caller, const api::UpdatePolicyRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org, false);
    View p = require(repo, org, in.policy_id);
    if (p.aws_managed)
        throw_invalid_input("IMMUTABLE_POLICY", "You can't change the AWS managed policy " + p.record.id + ".");
    if (in.content) check_content(p.record.type, *in.content, true);
    if (in.name && *in.name != p.record.name) {
        const Managed* builtin = managed_of(p.record.type);
        if (repo.policies.find_by_name(org.id, p.record.type, *in.name) || (builtin && builtin->name == *in.name))
            throw api_error(error_code::DuplicatePolicyException,
                            "A policy named " + *in.name + " already exists for this policy type.");
        p.record.name = *in.name;
    }
    if (in.description) p.record.description = *in.description;
    if (in.content) p.record.content = *in.content;
    // Nothing given changes nothing, but the policy is still "updated" now for its effect.
    p.record.updated_ms = svc_.now();
    repo.policies.save(p.record);
    return shape(m, p);
}

void Policies::delete_policy(Repository& repo, const Caller& caller, const api::DeletePolicyRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    require_all_features(m.organization, false);
    View p = require(repo, m.organization, in.policy_id);
    if (p.aws_managed)
        throw_invalid_input("IMMUTABLE_POLICY", "You can't delete the AWS managed policy " + p.record.id + ".");
    if (!repo.policies.targets_of(m.organization.id, p.record.id, 0, 1).empty())
        throw api_error(error_code::PolicyInUseException,
                        "The policy " + p.record.id + " is attached to one or more roots, OUs or accounts. Detach it "
                        "first.");
    repo.tags.remove_all(p.record.id);
    repo.policies.remove(p.record.id);
}

api::ListPoliciesResponse Policies::list_policies(Repository& repo, const Caller& caller,
                                                  const api::ListPoliciesRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org, false);
    const auto page = page_of(in);
    const std::string scope = org.id + "/" + std::string(api::to_string(in.filter));
    std::string after = decode_page_token(page, "policies", scope);
    api::ListPoliciesResponse out;
    if (after.empty()) {
        if (const Managed* builtin = managed_of(in.filter)) {
            if (auto v = find(repo, org, builtin->id)) out.policies.push_back(summary(m, *v));
        }
        after = "m";
    }
    Millis after_ms = 0;
    std::string after_id;
    if (after != "m") {
        const auto colon = after.find(':');
        if (colon == std::string::npos) throw_invalid_input("INVALID_NEXT_TOKEN");
        after_ms = std::stoll(after.substr(0, colon));
        after_id = after.substr(colon + 1);
    }
    const std::size_t room = page.limit() - out.policies.size();
    auto rows = repo.policies.list(org.id, in.filter, after_ms, after_id, room + 1);
    if (rows.size() > room) {
        rows.resize(room);
        out.next_token = encode_page_token("policies", scope, rows.empty() ? "m" : position(rows.back()));
    }
    for (const auto& r : rows) out.policies.push_back(summary(m, {r, false}));
    return out;
}

// --- attachments -------------------------------------------------------------------------------

void Policies::attach_policy(Repository& repo, const Caller& caller, const api::AttachPolicyRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org, false);
    View p = require(repo, org, in.policy_id);
    target(repo, m, in.target_id);
    const auto type = p.record.type;
    if (!org.policy_type_enabled(type))
        throw api_error(error_code::PolicyTypeNotEnabledException,
                        "You can't attach policies of type " + std::string(api::to_string(type)) +
                            " until you enable that type in the root.");
    if (repo.policies.attachment(org.id, p.record.id, in.target_id))
        throw api_error(error_code::DuplicatePolicyAttachmentException);
    const auto& rules = policy::rules(type);
    if (repo.policies.count_attached_to(org.id, in.target_id, type) >= std::size_t(rules.max_attachments))
        throw_constraint("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                         "You have attached the maximum number of policies to the specified target.");
    repo.policies.attach({0, org.id, p.record.id, in.target_id, type, svc_.now()});
}

void Policies::detach_policy(Repository& repo, const Caller& caller, const api::DetachPolicyRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org, false);
    View p = require(repo, org, in.policy_id);
    target(repo, m, in.target_id);
    if (!repo.policies.attachment(org.id, p.record.id, in.target_id))
        throw api_error(error_code::PolicyNotAttachedException);
    if (p.record.id == kRCPFullAWSAccess)
        throw_invalid_input("NON_DETACHABLE_POLICY", "You cannot detach RCPFullAWSAccess.");
    const auto& rules = policy::rules(p.record.type);
    if (rules.min_attachments > 0 &&
        repo.policies.count_attached_to(org.id, in.target_id, p.record.type) <= std::size_t(rules.min_attachments))
        throw_constraint("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
                         "Every root, OU, and account must have at least one " +
                             std::string(api::to_string(p.record.type)) + " attached.");
    repo.policies.detach(org.id, p.record.id, in.target_id);
}

api::ListPoliciesForTargetResponse Policies::list_policies_for_target(Repository& repo, const Caller& caller,
                                                                      const api::ListPoliciesForTargetRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org, false);
    target(repo, m, in.target_id);
    const auto page = page_of(in);
    const std::string scope = org.id + "/" + in.target_id + "/" + std::string(api::to_string(in.filter));
    const std::string after = decode_page_token(page, "policies-for-target", scope);
    auto rows = repo.policies.attached_to(org.id, in.target_id, in.filter, after.empty() ? 0 : std::stoll(after),
                                          page.limit() + 1);
    api::ListPoliciesForTargetResponse out;
    if (rows.size() > page.limit()) {
        rows.resize(page.limit());
        out.next_token = encode_page_token("policies-for-target", scope, std::to_string(rows.back().seq));
    }
    for (const auto& a : rows)
        if (auto p = find(repo, org, a.policy_id)) out.policies.push_back(summary(m, *p));
    return out;
}

api::ListTargetsForPolicyResponse Policies::list_targets_for_policy(Repository& repo, const Caller& caller,
                                                                    const api::ListTargetsForPolicyRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    require_all_features(org, false);
    View p = require(repo, org, in.policy_id);
    const auto page = page_of(in);
    const std::string scope = org.id + "/" + p.record.id;
    const std::string after = decode_page_token(page, "targets-for-policy", scope);
    auto rows = repo.policies.targets_of(org.id, p.record.id, after.empty() ? 0 : std::stoll(after), page.limit() + 1);
    api::ListTargetsForPolicyResponse out;
    if (rows.size() > page.limit()) {
        rows.resize(page.limit());
        out.next_token = encode_page_token("targets-for-policy", scope, std::to_string(rows.back().seq));
    }
    for (const auto& a : rows) out.targets.push_back(target(repo, m, a.target_id));
    return out;
}

void Policies::attach_defaults(Repository& repo, const OrganizationRecord& org, std::string_view target_id) {
    for (const auto& builtin : kManaged) {
        if (!org.policy_type_enabled(builtin.type)) continue;
        if (repo.policies.attachment(org.id, builtin.id, target_id)) continue;
        repo.policies.attach({0, org.id, std::string(builtin.id), std::string(target_id), builtin.type, svc_.now()});
    }
}

void Policies::forget_target(Repository& repo, std::string_view organization_id, std::string_view target_id) {
    repo.policies.detach_target(organization_id, target_id);
}

// --- policy types in the root ----------------------------------------------------------------

std::vector<api::PolicyTypeSummary> Policies::root_policy_types(const OrganizationRecord& org) {
    std::vector<api::PolicyTypeSummary> out;
    for (auto t : org.enabled_policy_types) out.push_back({api::PolicyTypeStatus::ENABLED, t});
    return out;
}

void Policies::enable(Repository& repo, OrganizationRecord& org, PolicyType type) {
    org.enabled_policy_types.push_back(type);
    repo.organizations.save(org);
    if (!managed_of(type)) return;
    // The full-access policy goes on the root, every OU and every account (User Guide, "Enabling
    // and disabling policy types").
    attach_defaults(repo, org, org.root_id);
    std::vector<std::string> pending{org.root_id};
    while (!pending.empty()) {
        const std::string parent = pending.back();
        pending.pop_back();
        std::string after;
        for (;;) {
            auto ous = repo.organizational_units.children(org.id, parent, after, 500);
            for (const auto& ou : ous) {
                attach_defaults(repo, org, ou.id);
                pending.push_back(ou.id);
            }
            if (ous.size() < 500) break;
            after = ous.back().id;
        }
    }
    std::string after;
    for (;;) {
        auto members = repo.accounts.members(org.id, "", after, 500);
        for (const auto& a : members) attach_defaults(repo, org, a.id);
        if (members.size() < 500) break;
        after = members.back().id;
    }
}

api::Root Policies::enable_policy_type(Repository& repo, const Caller& caller, const api::EnablePolicyTypeRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    auto& org = m.organization;
    if (in.root_id != org.root_id) throw api_error(error_code::RootNotFoundException);
    require_all_features(org, true);
    if (org.policy_type_enabled(in.policy_type)) throw api_error(error_code::PolicyTypeAlreadyEnabledException);
    enable(repo, org, in.policy_type);
    return svc_.organizations.root_shape(repo, org);
}

api::Root Policies::disable_policy_type(Repository& repo, const Caller& caller,
                                        const api::DisablePolicyTypeRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    auto& org = m.organization;
    if (in.root_id != org.root_id) throw api_error(error_code::RootNotFoundException);
    require_all_features(org, false);
    if (!org.policy_type_enabled(in.policy_type)) throw api_error(error_code::PolicyTypeNotEnabledException);
    // Every policy of the type is detached everywhere; none is deleted.
    repo.policies.detach_type(org.id, in.policy_type);
    auto& types = org.enabled_policy_types;
    types.erase(std::remove(types.begin(), types.end(), in.policy_type), types.end());
    repo.organizations.save(org);
    return svc_.organizations.root_shape(repo, org);
}

// --- effective policies ----------------------------------------------------------------------

Policies::Chain Policies::chain(Repository& repo, const OrganizationRecord& org, const AccountRecord& account,
                                PolicyType type) {
    // The targets from the root down to the account: the account's OU keeps its path
    // ("<organization>/<root>/<ou>/.../<ou>/"), so one lookup gives them all.
    std::vector<std::string> targets;
    std::optional<OrganizationalUnitRecord> ou;
    if (account.parent_id != org.root_id) ou = repo.organizational_units.find(account.parent_id);
    if (ou) {
        std::string_view path = ou->path;
        path.remove_prefix(std::min(path.size(), path.find('/') + 1));  // the organization
        while (!path.empty()) {
            const auto slash = path.find('/');
            targets.emplace_back(path.substr(0, slash));
            path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
        }
    } else {
        targets.push_back(org.root_id);
    }
    targets.push_back(account.id);
    Chain c;
    c.levels.reserve(targets.size());
    for (const auto& target_id : targets) c.levels.push_back(repo.policies.applied_to(org.id, target_id, type));
    return c;
}

policy::Levels Policies::levels(const Chain& c) const {
    policy::Levels out;
    out.reserve(c.levels.size());
    for (const auto& level : c.levels) {
        std::vector<policy::Applied> applied;
        applied.reserve(level.size());
        for (const auto& a : level) {
            const Managed* builtin = managed(a.attachment.policy_id);
            applied.push_back({a.attachment.policy_id, builtin ? builtin->content : std::string_view(a.content)});
        }
        out.push_back(std::move(applied));
    }
    return out;
}

Millis Policies::last_updated(const Chain& c) {
    Millis latest = 0;
    for (const auto& level : c.levels)
        for (const auto& a : level) latest = std::max({latest, a.attachment.attached_ms, a.updated_ms});
    return latest;
}

api::EffectivePolicy Policies::describe_effective_policy(Repository& repo, const Caller& caller,
                                                         const api::DescribeEffectivePolicyRequest& in) {
    // Any account of the organization, about itself; the management account about any member.
    Membership m = member_of_organization(repo, caller);
    const auto& org = m.organization;
    const PolicyType type = policy_type_of(in.policy_type);
    const std::string target_id = in.target_id.value_or(m.account.id);
    if (target_id == org.root_id || target_id.starts_with("ou-") || target_id.starts_with("r-"))
        throw_invalid_input("TARGET_NOT_SUPPORTED",
                            "DescribeEffectivePolicy takes an account: a root or an OU as the target is not "
                            "supported.");
    if (target_id != m.account.id && !m.is_management()) throw api_error(error_code::AccessDeniedException);
    auto account = repo.accounts.find(target_id);
    if (!account || account->organization_id != org.id) throw api_error(error_code::TargetNotFoundException);
    std::optional<std::string> content;
    Chain c;
    if (org.policy_type_enabled(type)) {
        c = chain(repo, org, *account, type);
        content = policy::effective(type, levels(c));
    }
    if (!content) throw api_error(error_code::EffectivePolicyNotFoundException);
    api::EffectivePolicy out;
    out.policy_content = *content;
    out.last_updated_ms = last_updated(c);
    out.target_id = target_id;
    out.policy_type = in.policy_type;
    return out;
}

api::ListAccountsWithInvalidEffectivePolicyResponse Policies::list_accounts_with_invalid_effective_policy(
    Repository& repo, const Caller& caller, const api::ListAccountsWithInvalidEffectivePolicyRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    const PolicyType type = policy_type_of(in.policy_type);
    if (!org.policy_type_enabled(type)) throw api_error(error_code::EffectivePolicyNotFoundException);
    const auto page = page_of(in);
    const std::string scope = org.id + "/" + std::string(api::to_string(type));
    std::string after = decode_page_token(page, "invalid-effective", scope);
    api::ListAccountsWithInvalidEffectivePolicyResponse out;
    out.policy_type = in.policy_type;
    const std::string partition = m.account.partition;
    // Walks the members in id order until the page is full: the answer depends on every policy.
    for (;;) {
        auto members = repo.accounts.members(org.id, "", after, 100);
        for (const auto& a : members) {
            after = a.id;
            if (policy::effective_errors(type, levels(chain(repo, org, a, type))).empty()) continue;
            if (out.accounts.size() == page.limit()) {
                out.next_token = encode_page_token("invalid-effective", scope, out.accounts.back().id);
                return out;
            }
            out.accounts.push_back(svc_.accounts.shape(a, org, partition,
                                                       svc_.tree.account_path(repo, org, a.parent_id, a.id)));
        }
        if (members.size() < 100) return out;
    }
}

api::ListEffectivePolicyValidationErrorsResponse Policies::list_effective_policy_validation_errors(
    Repository& repo, const Caller& caller, const api::ListEffectivePolicyValidationErrorsRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    const PolicyType type = policy_type_of(in.policy_type);
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != org.id) throw api_error(error_code::AccountNotFoundException);
    if (!org.policy_type_enabled(type)) throw api_error(error_code::EffectivePolicyNotFoundException);
    const Chain c = chain(repo, org, *account, type);
    const auto applied = levels(c);
    if (!policy::effective(type, applied)) throw api_error(error_code::EffectivePolicyNotFoundException);
    auto errors = policy::effective_errors(type, applied);
    const auto page = page_of(in);
    const std::string scope = org.id + "/" + account->id + "/" + std::string(api::to_string(type));
    const std::string after = decode_page_token(page, "effective-errors", scope);
    const std::size_t first = after.empty() ? 0 : std::size_t(std::stoull(after));
    api::ListEffectivePolicyValidationErrorsResponse out;
    out.account_id = account->id;
    out.policy_type = in.policy_type;
    out.path = svc_.tree.account_path(repo, org, account->parent_id, account->id);
    out.evaluation_ms = last_updated(c);
    for (std::size_t i = first; i < errors.size() && out.effective_policy_validation_errors.size() < page.limit(); ++i) {
        auto& e = errors[i];
        out.effective_policy_validation_errors.push_back(
            {std::move(e.contributing_policies), std::move(e.code), std::move(e.message), std::move(e.path)});
    }
    if (first + page.limit() < errors.size())
        out.next_token = encode_page_token("effective-errors", scope, std::to_string(first + page.limit()));
    return out;
}

// --- SCPs on a member's own calls -------------------------------------------------------------

bool Policies::restricts(const OrganizationRecord& org, const AccountRecord& account) {
    // "SCPs don't affect users or roles in the management account" (User Guide, "Service control
    // policies").
    return account.organization_id == org.id && org.management_account_id != account.id &&
           org.policy_type_enabled(PolicyType::SERVICE_CONTROL_POLICY);
}

void Policies::authorize(Repository& repo, const OrganizationRecord& org, const AccountRecord& account,
                         std::string_view action, std::span<const std::string> resources,
                         const policy::Context& context) {
    if (!restricts(org, account)) return;
    const Chain c = chain(repo, org, account, PolicyType::SERVICE_CONTROL_POLICY);
    const auto decision = policy::evaluate(levels(c), action, resources, {}, context);
    if (decision == policy::Decision::allowed) return;
    throw api_error(error_code::AccessDeniedException,
                    "The account " + account.id + " is not authorized to perform: " + std::string(action) + " " +
                        (decision == policy::Decision::explicit_deny ? "with an explicit deny"
                                                                      : "because no service control policy allows it") +
                        " in a service control policy.");
}

}  // namespace localorgs::model
