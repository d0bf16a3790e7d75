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
      tags(*this),
      handshakes(*this),
      all_features(*this),
      transfers(*this) {}

const Binding* Service::find(std::string_view operation) const noexcept {
    static const std::array kFamilies = {Organizations::operations(), Tree::operations(),
                                         Accounts::operations(),      AccountCreation::operations(), Policies::operations(),
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
                     ResourceIds resource_ids) {
    settle(repo);
    auto account = repo.accounts.find(caller.account_id);
    if (!account) return;  // registered by the operation itself, standalone
    // A closed account's credentials no longer work for this service (the emulator's choice of
    // error: README, Creating and closing accounts).
    if (account->closed(now()))
        throw api_error(error_code::AccessDeniedException,
                        "The account " + caller.account_id + " is closed: it cannot call AWS Organizations.");
    if (account->standalone()) return;
    auto org = repo.organizations.find(account->organization_id);
    if (!org || !Policies::restricts(*org, *account)) return;
    std::string action = "organizations:";
    action.append(operation);
    const auto ids = resource_ids(input);
    policies.authorize(repo, *org, *account, action, resource_arns(repo, *org, ids));
}

std::vector<std::string> Service::resource_arns(Repository& repo, const OrganizationRecord& org,
                                                std::span<const std::string> ids) {
    // The ARNs the operation acts on, as far as its request names them in the caller's
    // organization; "*" for an operation that names none (IAM: actions without a resource type).
    std::vector<std::string> out;
    {
        const std::string partition = known_account(repo, org.management_account_id).partition;
        const std::string& mgmt = org.management_account_id;
        for (const auto& id : ids) {
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
        }
    }
    if (out.empty()) out.push_back("*");
    return out;
}

}  // namespace localorgs::model
