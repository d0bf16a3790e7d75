#include "model/service.hpp"

#include <array>

#include "model/arn.hpp"
#include "model/errors.hpp"
#include "model/ids.hpp"

namespace localorgs::model {

Service::Service(const Clock& clock, IdGenerator& ids, ServiceOptions options)
    : clock(clock),
      ids(ids),
      options(std::move(options)),
      organizations(*this),
      tree(*this),
      accounts(*this),
      account_creation(*this),
      policies(*this),
      delegation(*this),
      tags(*this),
      handshakes(*this),
      all_features(*this),
      transfers(*this) {}

const Binding* Service::find(std::string_view operation) const noexcept {
    static const std::array kFamilies = {Organizations::operations(), Tree::operations(),
                                         Accounts::operations(),      AccountCreation::operations(), Policies::operations(),
                                         Delegation::operations(),
                                         Tags::operations(),          Handshakes::operations(),
                                         AllFeatures::operations(),   Transfers::operations()};
    for (const auto& family : kFamilies)
        for (const auto& op : family)
            if (op.name == operation) return &op;
    return nullptr;
}

void Service::settle(Repository& repo) {
    account_creation.settle(repo);
    accounts.purge_closed(repo);
}

void Service::before(Repository& repo, const Caller& caller, std::string_view operation, const void* input,
                     Facts facts) {
    settle(repo);
    auto account = repo.accounts.find(caller.account_id);
    if (!account) return;  // registered by the operation itself, standalone
    // A closed account's credentials no longer work for this service (the emulator's choice of
    // error: README, Creating and closing accounts).
    if (account->closed(now()))
        throw api_error(error_code::AccessDeniedException,
                        "The account " + caller.account_id + " is closed: it cannot call AWS Organizations.");
    if (account->standalone()) return;  // the operation says what a standalone account gets
    auto org = repo.organizations.find(account->organization_id);
    if (!org || account->id == org->management_account_id) return;  // the management account may call anything
    // A member: the operation's access rule, then the SCPs. What the request names is collected
    // once, when a policy first has to judge it.
    std::optional<RequestFacts> named;
    auto request = [&]() -> const RequestFacts& {
        if (named) return *named;
        named = facts(input);
        // A call on a policy concerns the policy's type (organizations:PolicyType).
        for (const auto& id : named->ids) {
            if (!named->policy_type.empty() || !id.starts_with("p-")) continue;
            if (id == Policies::kFullAWSAccess)
                named->policy_type = api::to_string(api::PolicyType::SERVICE_CONTROL_POLICY);
            else if (id == Policies::kRCPFullAWSAccess)
                named->policy_type = api::to_string(api::PolicyType::RESOURCE_CONTROL_POLICY);
            else if (auto p = repo.policies.find(id))
                named->policy_type = api::to_string(p->type);
        }
        return *named;
    };
    // What a policy judges (the resource ARNs and the condition keys), made once for both judges.
    struct Judged {
        std::vector<std::string> resources;
        policy::Context context;
    };
    std::optional<Judged> judged;
    auto judge = [&]() -> const Judged& {
        if (!judged) judged = Judged{resource_arns(repo, *org, operation, request()), context(caller, *org, request())};
        return *judged;
    };
    std::string action = "organizations:";
    action.append(operation);
    const Access access = access_of(operation);
    if (access == Access::management) throw api_error(error_code::AccessDeniedException);
    if (access != Access::any) {
        const bool administrator =
            access == Access::delegated_read && repo.delegation.is_administrator(org->id, account->id);
        if (!administrator &&
            !delegation.delegates(repo, *org, account->id, action, judge().resources, judge().context))
            throw api_error(error_code::AccessDeniedException);
    }
    if (!Policies::restricts(*org, *account)) return;
    policies.authorize(repo, *org, *account, action, judge().resources, judge().context);
}

policy::Context Service::context(const Caller& caller, const OrganizationRecord& org, const RequestFacts& facts) const {
    // The condition keys the emulator knows for every call (IAM User Guide, "AWS global condition
    // context keys"; Service Authorization Reference, AWS Organizations).
    auto value = [](const std::string& v) { return v.empty() ? std::nullopt : std::optional<std::string>(v); };
    return {{{"aws:PrincipalAccount", caller.account_id},
             {"aws:PrincipalOrgID", org.id},
             {"organizations:PolicyType", value(facts.policy_type)},
             {"organizations:ServicePrincipal", value(facts.service_principal)}}};
}

std::vector<std::string> Service::resource_arns(Repository& repo, const OrganizationRecord& org,
                                                std::string_view operation, const RequestFacts& facts) {
    // The ARNs the operation acts on, as far as its request names them in the caller's
    // organization; "*" for an operation that names none (IAM: actions without a resource type).
    std::vector<std::string> out;
    const std::string partition = known_account(repo, org.management_account_id).partition;
    const std::string& mgmt = org.management_account_id;
    for (const auto& id : facts.ids) {
        if (id == org.root_id)
            out.push_back(arn::root(partition, mgmt, org.id, id));
        else if (id.starts_with("ou-"))
            out.push_back(arn::organizational_unit(partition, mgmt, org.id, id));
        else if (is_account_id(id))
            out.push_back(arn::account(partition, mgmt, org.id, id));
        else if (id == Policies::kFullAWSAccess)
            out.push_back(arn::aws_managed_policy(
                partition, policy::rules(api::PolicyType::SERVICE_CONTROL_POLICY).arn_segment, id));
        else if (id == Policies::kRCPFullAWSAccess)
            out.push_back(arn::aws_managed_policy(
                partition, policy::rules(api::PolicyType::RESOURCE_CONTROL_POLICY).arn_segment, id));
        else if (auto p = id.starts_with("p-") ? repo.policies.find(id) : std::nullopt)
            out.push_back(arn::policy(partition, mgmt, org.id, policy::rules(p->type).arn_segment, id));
        else if (auto h = id.starts_with("h-") ? repo.handshakes.find(id) : std::nullopt)
            out.push_back(arn::handshake(h->partition, h->management_account_id, h->organization_id,
                                         Handshakes::arn_segment(h->action), id));
        else if (id.starts_with("rp-"))
            out.push_back(arn::resource_policy(partition, mgmt, org.id, id));
    }
    // CreatePolicy acts on the policy it makes: policy/o-.../<type>/* (User Guide, "Delegated
    // administrator for AWS Organizations", whose examples grant it on such a pattern).
    if (operation == "CreatePolicy" && !facts.policy_type.empty())
        if (auto type = api::parse_enum<api::PolicyType>(facts.policy_type))
            out.push_back(arn::policy(partition, mgmt, org.id, policy::rules(*type).arn_segment, "*"));
    if (out.empty()) out.push_back("*");
    return out;
}

}  // namespace localorgs::model
