#pragma once
// Where the family suites (accounts, policies, delegation) start: an organization of
// 111111111111's on the real store, with its root and room for 100 accounts, and members made the
// way CreateAccount makes them.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "model/calls.hpp"
#include "model/test_store.hpp"

namespace localorgs::testing {

struct OrgFixture {
    static inline const model::Caller kManagement{"111111111111"};

    model::FakeClock clock{1'700'000'000'000};
    model::IdGenerator ids;
    Orgs orgs{clock, ids, {}};
    TestStore db;
    model::Repository& repo = db.repo();
    model::api::Organization org;
    std::string root;

    // `seed` gives each suite ids of its own; `management_email`, when given, is the management
    // account's address (registered before the organization is created).
    explicit OrgFixture(std::uint64_t seed, const std::string& management_email = "") : ids{seed} {
        if (!management_email.empty()) {
            auto management = model::default_account(kManagement.account_id);
            management.email = management_email;
            orgs.register_account(repo, management);
        }
        org = orgs.create_organization(repo, kManagement);
        root = orgs.list_roots(repo, kManagement, {}).items.at(0).id;
        set_quotas([](model::Quotas& q) { q.max_accounts = 100; });
    }

    template <class Change>
    void set_quotas(Change change) {
        auto record = *repo.organizations.find(org.id);
        change(record.quotas);
        repo.organizations.save(record);
    }

    // A member made by CreateAccount (settled at once: the creation quota's delay is 0).
    std::string created_account(const std::string& email, const std::string& name = "Member") {
        namespace ops = model::api::ops;
        auto s = orgs.call<ops::CreateAccount>(repo, kManagement, {name, email, std::nullopt, std::nullopt, {}})
                     .create_account_status;
        auto done = orgs.call<ops::DescribeCreateAccountStatus>(repo, kManagement, {s.id}).create_account_status;
        REQUIRE(done.state == "SUCCEEDED");
        return done.account_id;
    }
};

}  // namespace localorgs::testing
