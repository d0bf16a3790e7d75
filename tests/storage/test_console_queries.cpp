// The repository's read-only queries for the web console (model::ConsoleRepository,
// storage/console.cpp): order, keyset paging, filters, counts, and the states they show.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/ids.hpp"
#include "storage/sqlite_store.hpp"

using namespace localorgs;
using storage::SqliteStore;

namespace {

// "a" + b without operator+, whose inlined copies GCC 12 misreads as overlapping (-Wrestrict).
std::string cat(std::string a, const std::string& b) {
    return a.append(b);
}

constexpr model::Millis kDay = 24LL * 3600 * 1000;
constexpr model::Millis kT0 = 1'700'000'000'000;

model::OrganizationRecord organization(const std::string& id, model::Millis created) {
    model::OrganizationRecord o;
    o.id = id;
    o.management_account_id = cat("1", id.substr(2, 11));
    o.feature_set = model::api::OrganizationFeatureSet::ALL;
    o.root_id = cat("r-", id.substr(2, 4));
    o.created_ms = created;
    return o;
}

using State = model::api::HandshakeState;

model::HandshakeRecord handshake(const std::string& id, const std::string& org, model::Millis requested,
                                 State state = State::OPEN, const std::string& to = "222222222222") {
    model::HandshakeRecord h;
    h.id = id;
    h.organization_id = org;
    h.management_account_id = "111111111111";
    h.partition = "aws";
    h.action = model::api::ActionType::INVITE;
    h.state = state;
    if (to.find('@') == std::string::npos) {
        h.target_type = model::api::HandshakePartyType::ACCOUNT;
        h.recipient_account_id = to;
    } else {
        h.target_type = model::api::HandshakePartyType::EMAIL;
        h.recipient_email = model::lowercase(to);  // stored lower-cased (model/types.hpp)
    }
    h.target_id = to;
    h.master_email = "m@example.com";
    h.master_name = "Management";
    h.feature_set = model::api::OrganizationFeatureSet::ALL;
    h.requested_ms = requested;
    h.expiration_ms = requested + 15 * kDay;
    if (state != State::OPEN && state != State::REQUESTED) h.closed_ms = requested + 1000;
    return h;
}

std::vector<std::string> ids(const std::vector<model::HandshakeRecord>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(cat(r.id, ":").append(model::api::to_string(r.state)));
    return out;
}

model::HandshakeBrowse browse(const std::string& org, model::Millis now) {
    model::HandshakeBrowse q;
    q.organization_id = org;
    q.now = now;
    return q;
}

}  // namespace

TEST_CASE("console: organizations come newest first, a page at a time") {
    SqliteStore store(":memory:");
    store.transact([](model::Repository& r) {
        r.organizations.save(organization("o-aaaaaaaaaa", kT0 + 1));
        r.organizations.save(organization("o-bbbbbbbbbb", kT0 + 3));
        r.organizations.save(organization("o-cccccccccc", kT0 + 2));
        r.organizations.save(organization("o-dddddddddd", kT0 + 3));  // same time: by id, descending
    });
    store.transact([](model::Repository& r) {
        auto first = r.console.recent_organizations(0, "", 3);
        REQUIRE(first.size() == 3);
        CHECK(first[0].id == "o-dddddddddd");
        CHECK(first[1].id == "o-bbbbbbbbbb");
        CHECK(first[2].id == "o-cccccccccc");
        CHECK(first[2].management_account_id == "1cccccccccc");  // whole records
        auto rest = r.console.recent_organizations(first.back().created_ms, first.back().id, 3);
        REQUIRE(rest.size() == 1);
        CHECK(rest[0].id == "o-aaaaaaaaaa");
        CHECK(r.console.recent_organizations(rest[0].created_ms, rest[0].id, 3).empty());
    });
}

TEST_CASE("console: handshakes are browsed newest first, with the state the API shows") {
    SqliteStore store(":memory:");
    const model::Millis now = kT0 + 20 * kDay;
    store.transact([](model::Repository& r) {
        r.handshakes.save(handshake("h-1", "o-one", kT0));              // OPEN, lapsed at kT0 + 15d
        r.handshakes.save(handshake("h-2", "o-one", kT0 + 10 * kDay));  // OPEN, still open
        r.handshakes.save(handshake("h-3", "o-one", kT0 + 11 * kDay, State::ACCEPTED));
        r.handshakes.save(handshake("h-4", "o-one", kT0 + 12 * kDay, State::OPEN, "Invitee@Example.com"));
        r.handshakes.save(handshake("h-5", "o-two", kT0 + 13 * kDay));           // another organization
        auto old = handshake("h-0", "o-one", kT0 - 60 * kDay, State::DECLINED);  // closed 60 days ago: gone
        r.handshakes.save(old);
        auto requested = handshake("h-6", "o-one", kT0 + 1);
        requested.action = model::api::ActionType::ENABLE_ALL_FEATURES;
        requested.state = State::REQUESTED;  // lapsed too
        r.handshakes.save(requested);
    });
    store.transact([&](model::Repository& r) {
        auto q = browse("o-one", now);
        CHECK(ids(r.console.browse_handshakes(q)) ==
              std::vector<std::string>{"h-4:OPEN", "h-3:ACCEPTED", "h-2:OPEN", "h-6:EXPIRED", "h-1:EXPIRED"});
        CHECK(r.console.count_handshakes(q, 100) == 5);
        CHECK(r.console.count_handshakes(q, 3) == 3);  // no further than asked

        // Keyset pages of two.
        q.limit = 2;
        auto page1 = r.console.browse_handshakes(q);
        CHECK(ids(page1) == std::vector<std::string>{"h-4:OPEN", "h-3:ACCEPTED"});
        q.before_requested_ms = page1.back().requested_ms;
        q.before_id = page1.back().id;
        CHECK(ids(r.console.browse_handshakes(q)) == std::vector<std::string>{"h-2:OPEN", "h-6:EXPIRED"});
        CHECK(r.console.count_handshakes(q, 100) == 5);  // the count ignores the position

        // Filters: states as shown (a lapsed OPEN one is EXPIRED, not OPEN), action, party.
        auto f = browse("o-one", now);
        f.states = {State::OPEN};
        CHECK(ids(r.console.browse_handshakes(f)) == std::vector<std::string>{"h-4:OPEN", "h-2:OPEN"});
        CHECK(r.console.count_handshakes(f, 100) == 2);
        f.states = {State::EXPIRED, State::ACCEPTED};
        CHECK(ids(r.console.browse_handshakes(f)) ==
              std::vector<std::string>{"h-3:ACCEPTED", "h-6:EXPIRED", "h-1:EXPIRED"});
        f.states = {State::OPEN, State::REQUESTED};
        CHECK(r.console.count_handshakes(f, 100) == 2);
        f.states.clear();
        f.action = model::api::ActionType::ENABLE_ALL_FEATURES;
        CHECK(ids(r.console.browse_handshakes(f)) == std::vector<std::string>{"h-6:EXPIRED"});
        f.action.reset();
        f.recipient = "invitee@example.COM";  // addresses compare without case
        CHECK(ids(r.console.browse_handshakes(f)) == std::vector<std::string>{"h-4:OPEN"});

        // By recipient alone, across organizations.
        model::HandshakeBrowse to;
        to.recipient = "222222222222";
        to.now = now;
        CHECK(ids(r.console.browse_handshakes(to)) ==
              std::vector<std::string>{"h-5:OPEN", "h-3:ACCEPTED", "h-2:OPEN", "h-6:EXPIRED", "h-1:EXPIRED"});
        CHECK(r.console.count_handshakes(to, 100) == 5);

        // A day in, nothing has lapsed yet; the one closed 60 days before is gone all the same.
        auto early = browse("o-one", kT0 + kDay);
        CHECK(ids(r.console.browse_handshakes(early)) ==
              std::vector<std::string>{"h-4:OPEN", "h-3:ACCEPTED", "h-2:OPEN", "h-6:REQUESTED", "h-1:OPEN"});

        // Without an organization or a recipient there is nothing to browse (no index would serve it).
        model::HandshakeBrowse none;
        none.now = now;
        CHECK(r.console.browse_handshakes(none).empty());
        CHECK(r.console.count_handshakes(none, 100) == 0);
    });
}

TEST_CASE("console: the outbox newest first, by offset, for everyone or one address") {
    SqliteStore store(":memory:");
    store.transact([](model::Repository& r) {
        for (int i = 1; i <= 5; ++i)
            r.outbox.add({cat("m-", std::to_string(i)), i % 2 ? "Odd@Example.com" : "even@example.com", "s",
                          "b", cat("h-", std::to_string(i)), kT0 + i});
    });
    store.transact([](model::Repository& r) {
        auto names = [](const std::vector<model::OutboxMessage>& ms) {
            std::vector<std::string> out;
            for (const auto& m : ms) out.push_back(m.id);
            return out;
        };
        CHECK(names(r.console.recent_messages("", 0, 2)) == std::vector<std::string>{"m-5", "m-4"});
        CHECK(names(r.console.recent_messages("", 2, 2)) == std::vector<std::string>{"m-3", "m-2"});
        CHECK(names(r.console.recent_messages("", 4, 2)) == std::vector<std::string>{"m-1"});
        CHECK(r.console.recent_messages("", 5, 2).empty());
        CHECK(r.console.count_messages("") == 5);
        CHECK(names(r.console.recent_messages("odd@example.com", 0, 10)) ==
              std::vector<std::string>{"m-5", "m-3", "m-1"});
        CHECK(r.console.count_messages("ODD@example.com") == 3);
        auto m = r.console.recent_messages("", 0, 1).at(0);
        CHECK(m.to == "Odd@Example.com");
        CHECK(m.handshake_id == "h-5");
        CHECK(m.sent_ms == kT0 + 5);
    });
}

TEST_CASE("console: policies attached to the nodes of a page of the tree, counted by type in one query") {
    SqliteStore store(":memory:");
    using Type = model::api::PolicyType;
    store.transact([](model::Repository& r) {
        auto attach = [&](const std::string& org, const std::string& policy, const std::string& target, Type type) {
            model::AttachmentRecord a;
            a.organization_id = org;
            a.policy_id = policy;
            a.target_id = target;
            a.type = type;
            a.attached_ms = kT0;
            r.policies.attach(a);
        };
        for (const char* target : {"r-ab12", "ou-ab12-aaaaaaaa", "111111111111", "222222222222"})
            attach("o-one", "p-FullAWSAccess", target, Type::SERVICE_CONTROL_POLICY);
        attach("o-one", "p-deny00001", "ou-ab12-aaaaaaaa", Type::SERVICE_CONTROL_POLICY);
        attach("o-one", "p-tags00001", "ou-ab12-aaaaaaaa", Type::TAG_POLICY);
        attach("o-one", "p-tags00002", "222222222222", Type::TAG_POLICY);
        attach("o-one", "p-tags00003", "222222222222", Type::TAG_POLICY);
        attach("o-two", "p-FullAWSAccess", "333333333333", Type::SERVICE_CONTROL_POLICY);  // another organization
    });
    store.transact([](model::Repository& r) {
        auto shown = [&](const std::string& org, const std::vector<std::string>& targets) {
            std::vector<std::string> out;
            for (const auto& c : r.console.attached_policy_counts(org, targets))
                out.push_back(cat(c.target_id, " ").append(model::api::to_string(c.type)).append(
                    cat(" ", std::to_string(c.count))));
            return out;
        };
        // By target, then type; a target with nothing attached is left out, and so is what the
        // page does not show.
        CHECK(shown("o-one", {"r-ab12", "ou-ab12-aaaaaaaa", "222222222222", "444444444444"}) ==
              std::vector<std::string>{"222222222222 SERVICE_CONTROL_POLICY 1", "222222222222 TAG_POLICY 2",
                                       "ou-ab12-aaaaaaaa SERVICE_CONTROL_POLICY 2", "ou-ab12-aaaaaaaa TAG_POLICY 1",
                                       "r-ab12 SERVICE_CONTROL_POLICY 1"});
        // Only the organization's own attachments; ids that need quoting in JSON are only ids.
        CHECK(shown("o-two", {"333333333333", "111111111111"}) ==
              std::vector<std::string>{"333333333333 SERVICE_CONTROL_POLICY 1"});
        CHECK(shown("o-one", {"\"]\\", "r-ab12\" OR 1"}).empty());
        CHECK(shown("o-one", {}).empty());
    });
    // The ids are looked up on the index that holds target and type: no table row is read.
    storage::Statement plan(store.connection(),
                            "EXPLAIN QUERY PLAN SELECT target_id, type, COUNT(*) FROM policy_attachments"
                            " WHERE organization_id = ?1 AND target_id IN (SELECT value FROM json_each(?2))"
                            " GROUP BY target_id, type ORDER BY target_id, type");
    std::string text;
    while (plan.step()) text += plan.text(3) + "\n";
    CHECK(text.find("COVERING INDEX policy_attachments_by_target (organization_id=? AND target_id=?)") !=
          std::string::npos);
    CHECK(text.find("SCAN policy_attachments") == std::string::npos);
    CHECK(text.find("TEMP B-TREE") == std::string::npos);  // groups come in the order asked
}

TEST_CASE("console: the services the accounts of a page of the tree administer, in one query") {
    SqliteStore store(":memory:");
    store.transact([](model::Repository& r) {
        auto delegate = [&](const std::string& org, const std::string& account, const std::string& service) {
            model::DelegatedAdministratorRecord d;
            d.organization_id = org;
            d.account_id = account;
            d.service_principal = service;
            d.enabled_ms = kT0;
            r.delegation.register_administrator(d);
        };
        delegate("o-one", "222222222222", "securityhub.amazonaws.com");
        delegate("o-one", "222222222222", "guardduty.amazonaws.com");
        delegate("o-one", "111111111111", "config.amazonaws.com");
        delegate("o-one", "444444444444", "config.amazonaws.com");  // not on the page
        delegate("o-two", "333333333333", "config.amazonaws.com");  // another organization
    });
    store.transact([](model::Repository& r) {
        auto shown = [&](const std::string& org, const std::vector<std::string>& accounts) {
            std::vector<std::string> out;
            for (const auto& [account, service] : r.console.delegated_services(org, accounts))
                out.push_back(account + " " + service);
            return out;
        };
        CHECK(shown("o-one", {"222222222222", "111111111111", "555555555555"}) ==
              std::vector<std::string>{"111111111111 config.amazonaws.com", "222222222222 guardduty.amazonaws.com",
                                       "222222222222 securityhub.amazonaws.com"});
        CHECK(shown("o-two", {"333333333333", "111111111111"}) ==
              std::vector<std::string>{"333333333333 config.amazonaws.com"});
        CHECK(shown("o-one", {"\"]\\", "1111' OR 1"}).empty());
        CHECK(shown("o-one", {}).empty());
    });
    storage::Statement plan(store.connection(),
                            "EXPLAIN QUERY PLAN SELECT account_id, service_principal FROM delegated_administrators"
                            " WHERE organization_id = ?1 AND account_id IN (SELECT value FROM json_each(?2))"
                            " ORDER BY account_id, service_principal");
    std::string text;
    while (plan.step()) text += plan.text(3) + "\n";
    CHECK(text.find("COVERING INDEX delegated_administrators_by_account (organization_id=? AND account_id=?)") !=
          std::string::npos);
    CHECK(text.find("TEMP B-TREE") == std::string::npos);
}
