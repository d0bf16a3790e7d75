#include "model/service.hpp"

#include <array>

#include "model/errors.hpp"

namespace localorgs::model {

Service::Service(const Clock& clock, IdGenerator& ids, ServiceOptions options)
    : clock(clock),
      ids(ids),
      options(std::move(options)),
      organizations(*this),
      tree(*this),
      accounts(*this),
      account_creation(*this),
      tags(*this),
      handshakes(*this),
      all_features(*this) {}

const Binding* Service::find(std::string_view operation) const noexcept {
    static const std::array kFamilies = {Organizations::operations(), Tree::operations(),
                                         Accounts::operations(),      AccountCreation::operations(),
                                         Tags::operations(),          Handshakes::operations(),
                                         AllFeatures::operations()};
    for (const auto& family : kFamilies)
        for (const auto& op : family)
            if (op.name == operation) return &op;
    return nullptr;
}

void Service::settle(Repository& repo) {
    account_creation.settle(repo);
    accounts.purge_closed(repo);
}

void Service::before(Repository& repo, const Caller& caller) {
    settle(repo);
    // A closed account's credentials no longer work for this service (the emulator's choice of
    // error: README, Creating and closing accounts).
    if (auto account = repo.accounts.find(caller.account_id); account && account->closed(now()))
        throw api_error(error_code::AccessDeniedException,
                        "The account " + caller.account_id + " is closed: it cannot call AWS Organizations.");
}

}  // namespace localorgs::model
