#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <optional>

#include "storage/migrations.hpp"
#include "storage/sqlite_store.hpp"
#include "temp_dir.hpp"

using namespace localorgs;
using storage::SqliteStore;

namespace {

model::AccountRecord member(const std::string& id, const std::string& org, const std::string& parent) {
    auto a = model::default_account(id);
    a.organization_id = org;
    a.parent_id = parent;
    a.joined_method = model::api::AccountJoinedMethod::INVITED;
    a.joined_ms = 1'700'000'000'500;
    return a;
}

model::OrganizationRecord organization() {
    model::OrganizationRecord o;
    o.id = "o-abcdefghij";
    o.management_account_id = "111111111111";
    o.feature_set = model::api::OrganizationFeatureSet::ALL;
    o.root_id = "r-ab12";
    o.created_ms = 1'700'000'000'000;
    o.quotas.max_accounts = 25;
    o.quotas.invitations_per_day = 40;
    o.quotas.initialization_seconds = 3;
    return o;
}

}  // namespace

TEST_CASE("migrations are numbered, recorded and applied once") {
    testing::TempDir dir;
    auto path = dir.file("state.db");
    {
        SqliteStore store(path);
        CHECK(store.schema_version() == storage::latest_schema_version());
        storage::Statement q(store.connection(), "SELECT COUNT(*), MAX(version) FROM schema_migrations");
        REQUIRE(q.step());
        CHECK(q.int64(0) == storage::latest_schema_version());
        storage::Statement mode(store.connection(), "PRAGMA journal_mode");
        REQUIRE(mode.step());
        CHECK(mode.text(0) == "wal");
    }
    {
        SqliteStore again(path);  // no migration runs twice
        storage::Statement q(again.connection(), "SELECT COUNT(*) FROM schema_migrations");
        REQUIRE(q.step());
        CHECK(q.int64(0) == storage::latest_schema_version());
    }
}

TEST_CASE("a database from a newer localorgs is refused, not damaged") {
    testing::TempDir dir;
    auto path = dir.file("future.db");
    {
        SqliteStore store(path);
        store.connection().exec("INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')");
    }
    CHECK_THROWS_AS(SqliteStore{path}, storage::sqlite_error);
}

TEST_CASE("state survives closing and reopening the database") {
    testing::TempDir dir;
    auto path = dir.file("state.db");
    {
        SqliteStore store(path);
        store.transact([](model::Repository& r) {
            r.organizations.save(organization());
            r.accounts.save(member("111111111111", "o-abcdefghij", "r-ab12"));
            r.accounts.save(member("222222222222", "o-abcdefghij", "r-ab12"));
            r.accounts.save(model::default_account("333333333333"));
            r.tags.put("222222222222", std::vector<model::Tag>{{"b", "2"}, {"a", ""}});
            r.settings.save("clock_offset_ms", "1234");
        });
    }
    SqliteStore reopened(path);
    reopened.transact([](model::Repository& r) {
        auto org = r.organizations.find("o-abcdefghij");
        REQUIRE(org);
        CHECK(org->quotas.max_accounts == 25);
        CHECK(org->quotas.invitations_per_day == 40);
        CHECK(org->quotas.initialization_seconds == 3);
        CHECK(org->root_id == "r-ab12");
        auto a = r.accounts.find("222222222222");
        REQUIRE(a);
        CHECK(a->organization_id == "o-abcdefghij");
        CHECK(a->joined_ms == 1'700'000'000'500);
        CHECK(a->joined_method == model::api::AccountJoinedMethod::INVITED);
        CHECK(r.accounts.find("333333333333")->standalone());
        auto tags = r.tags.list("222222222222");
        REQUIRE(tags.size() == 2);
        CHECK(tags[0] == model::Tag{"a", ""});
        CHECK(tags[1] == model::Tag{"b", "2"});
        CHECK(r.settings.get("clock_offset_ms") == std::optional<std::string>("1234"));
        CHECK(r.accounts.find_by_email("account-333333333333@example.com")->id == "333333333333");
    });
}

TEST_CASE("a failed unit of work leaves nothing behind") {
    SqliteStore store(":memory:");
    CHECK_THROWS(store.transact([](model::Repository& r) {
        r.accounts.save(model::default_account("111111111111"));
        throw std::runtime_error("boom");
    }));
    store.transact([](model::Repository& r) { CHECK(!r.accounts.find("111111111111")); });
}

TEST_CASE("members are served in id order by keyset, per organization and parent") {
    SqliteStore store(":memory:");
    store.transact([](model::Repository& r) {
        for (const char* id : {"o-one1234567", "o-two1234567"}) {
            auto o = organization();
            o.id = id;
            r.organizations.save(o);
        }
        for (int i = 9; i >= 0; --i) r.accounts.save(member("10000000000" + std::to_string(i), "o-one1234567", "r-aaaa"));
        r.accounts.save(member("200000000000", "o-two1234567", "r-bbbb"));
        r.accounts.save(member("100000000011", "o-one1234567", "ou-aaaa-12345678"));
    });
    store.transact([](model::Repository& r) {
        auto first = r.accounts.members("o-one1234567", "", "", 4);
        REQUIRE(first.size() == 4);
        CHECK(first[0].id == "100000000000");
        CHECK(first[3].id == "100000000003");
        auto next = r.accounts.members("o-one1234567", "", first.back().id, 100);
        CHECK(next.size() == 7);
        CHECK(r.accounts.members("o-one1234567", "r-aaaa", "", 100).size() == 10);
        CHECK(r.accounts.count_members("o-one1234567") == 11);
        CHECK(r.accounts.count_members("o-two1234567") == 1);
    });
}

TEST_CASE("the list queries run on indexes, never a table scan") {
    SqliteStore store(":memory:");
    auto plan = [&](const char* sql) {
        storage::Statement q(store.connection(), std::string("EXPLAIN QUERY PLAN ") + sql);
        std::string all;
        while (q.step()) all += q.text(3) + "\n";
        return all;
    };
    CHECK(plan("SELECT id FROM accounts WHERE organization_id = 'o' AND id > '' ORDER BY id LIMIT 20")
              .find("USING") != std::string::npos);
    CHECK(plan("SELECT id FROM accounts WHERE organization_id = 'o' AND id > '' ORDER BY id LIMIT 20")
              .find("TEMP B-TREE") == std::string::npos);
    CHECK(plan("SELECT id FROM accounts WHERE organization_id = 'o' AND parent_id = 'r' AND id > '' ORDER BY id")
              .find("accounts_by_parent") != std::string::npos);
    CHECK(plan("SELECT id FROM accounts WHERE lower(email) = lower('X')").find("accounts_by_email") !=
          std::string::npos);
    const char* org_page =
        "SELECT id FROM handshakes WHERE organization_id = 'o' AND (requested_ms, id) > (0, '') AND"
        " visible_until_ms > 5 ORDER BY requested_ms, id LIMIT 21";
    CHECK(plan(org_page).find("handshakes_by_organization") != std::string::npos);
    CHECK(plan(org_page).find("TEMP B-TREE") == std::string::npos);
    CHECK(plan("SELECT id FROM handshakes WHERE recipient_account_id = 'a' OR recipient_email = 'e'")
              .find("SCAN handshakes") == std::string::npos);
    CHECK(plan("SELECT id FROM handshakes WHERE organization_id = 'o' AND action = 'ENABLE_ALL_FEATURES' AND"
               " state IN ('OPEN', 'REQUESTED') AND expiration_ms > 5 LIMIT 1")
              .find("handshakes_by_action") != std::string::npos);
    CHECK(plan("SELECT COUNT(*) FROM handshakes WHERE organization_id = 'o' AND state = 'OPEN' AND"
               " expiration_ms > 5")
              .find("handshakes_open") != std::string::npos);
    // The partial indexes (NULLs left out) serve the queries as the repository binds them.
    CHECK(plan("SELECT id FROM accounts WHERE organization_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3")
              .find("accounts_by_organization") != std::string::npos);
    CHECK(plan("SELECT id FROM accounts WHERE organization_id = ?1 AND parent_id = ?4 AND id > ?2 ORDER BY id LIMIT ?3")
              .find("accounts_by_parent") != std::string::npos);
    CHECK(plan("SELECT id FROM handshakes WHERE parent_handshake_id = ?1 ORDER BY requested_ms, id")
              .find("handshakes_by_parent") != std::string::npos);
    const auto recipient = plan(
        "SELECT id FROM handshakes WHERE (recipient_account_id = ?1 OR recipient_email = ?2) AND"
        " (requested_ms, id) > (?3, ?4) ORDER BY requested_ms, id LIMIT ?8");
    CHECK(recipient.find("handshakes_by_recipient") != std::string::npos);
    CHECK(recipient.find("handshakes_by_email") != std::string::npos);
    CHECK(plan("SELECT id FROM handshakes INDEXED BY handshakes_by_email WHERE recipient_email = ?3 AND"
               " organization_id = ?1")
              .find("handshakes_by_email") != std::string::npos);
}

TEST_CASE("wipe forgets everything but the schema") {
    testing::TempDir dir;
    SqliteStore store(dir.file("w.db"));
    store.transact([](model::Repository& r) {
        r.organizations.save(organization());
        r.accounts.save(model::default_account("111111111111"));
        r.tags.put("111111111111", std::vector<model::Tag>{{"a", "b"}});
        model::OrganizationalUnitRecord ou;
        ou.id = "ou-ab12-aaaaaaaa";
        ou.organization_id = "o-abcdefghij";
        ou.parent_id = "r-ab12";
        ou.name = "A";
        ou.path = "o-abcdefghij/r-ab12/ou-ab12-aaaaaaaa/";
        r.organizational_units.save(ou);
        r.wipe();
    });
    store.transact([](model::Repository& r) {
        CHECK(!r.organizational_units.find("ou-ab12-aaaaaaaa"));
        CHECK(r.accounts.all().empty());
        CHECK(!r.organizations.find("o-abcdefghij"));
        CHECK(r.tags.list("111111111111").empty());
    });
    CHECK(store.schema_version() == storage::latest_schema_version());
}

TEST_CASE("handshakes, the outbox and email lookups survive a reopen") {
    testing::TempDir dir;
    auto path = dir.file("h.db");
    model::HandshakeRecord h;
    h.id = "h-0123456789abcdef0123456789abcdef";
    h.organization_id = "o-abcdefghij";
    h.management_account_id = "111111111111";
    h.partition = "aws";
    h.action = model::api::ActionType::INVITE;
    h.state = model::api::HandshakeState::OPEN;
    h.target_type = model::api::HandshakePartyType::EMAIL;
    h.target_id = "Juan@Example.com";
    h.recipient_email = "juan@example.com";
    h.notes = "welcome";
    h.master_email = "boss@example.com";
    h.master_name = "Boss";
    h.feature_set = model::api::OrganizationFeatureSet::ALL;
    h.tags = {{"team", "blue"}, {"env", ""}};
    h.requested_ms = 1000;
    h.expiration_ms = 2000;
    {
        SqliteStore store(path);
        store.transact([&](model::Repository& r) {
            r.organizations.save(organization());
            r.handshakes.save(h);
            auto a = model::default_account("222222222222");
            a.email = "Juan@Example.com";
            r.accounts.save(a);
            r.outbox.add({"m-1", "Juan@Example.com", "subject", "body", h.id, 1000});
        });
    }
    SqliteStore store(path);
    store.transact([&](model::Repository& r) {
        auto back = r.handshakes.find(h.id);
        REQUIRE(back);
        CHECK(back->target_id == "Juan@Example.com");
        CHECK(back->notes == std::optional<std::string>("welcome"));
        CHECK(back->tags == h.tags);
        CHECK(back->closed_ms == 0);
        CHECK(back->recipient_account_id.empty());
        CHECK(r.handshakes.find_open_invitation("o-abcdefghij", "", "juan@example.com", 1500));
        CHECK(!r.handshakes.find_open_invitation("o-abcdefghij", "", "juan@example.com", 2000));  // lapsed
        CHECK(!r.handshakes.find_open_invitation("o-abcdefghij", "", "", 1500));
        CHECK(r.handshakes.count_open_invitations("o-abcdefghij", 1500) == 1);
        CHECK(r.handshakes.invitation_rate_reached("o-abcdefghij", 999, 1));
        CHECK(!r.handshakes.invitation_rate_reached("o-abcdefghij", 999, 2));
        CHECK(!r.handshakes.invitation_rate_reached("o-abcdefghij", 1000, 1));
        model::HandshakeQuery q;
        q.recipient_email = "juan@example.com";
        q.visible_at = 1500;
        CHECK(r.handshakes.list(q).size() == 1);
        q.action = "ENABLE_ALL_FEATURES";
        CHECK(r.handshakes.list(q).empty());
        CHECK(r.accounts.find_by_email("juan@EXAMPLE.com")->id == "222222222222");
        CHECK(r.outbox.list("juan@example.com").size() == 1);
        CHECK(r.outbox.list("").size() == 1);
        CHECK(r.outbox.list("other@example.com").empty());
        r.outbox.clear();
        CHECK(r.outbox.list("").empty());
    });
}

TEST_CASE("group commit: units share one transaction, a failing unit is undone alone") {
    testing::TempDir dir;
    auto path = dir.file("g.db");
    {
        SqliteStore store(path);
        std::vector<model::UnitOfWork> units;
        units.push_back({[](model::Repository& r) { r.accounts.save(model::default_account("111111111111")); }, nullptr});
        units.push_back({[](model::Repository& r) {
                             r.accounts.save(model::default_account("222222222222"));
                             throw std::runtime_error("refused");
                         },
                         nullptr});
        units.push_back({[](model::Repository& r) {
                             // Sees what the earlier units of the batch left, as serial calls would.
                             CHECK(r.accounts.find("111111111111"));
                             CHECK(!r.accounts.find("222222222222"));
                             r.accounts.save(model::default_account("333333333333"));
                         },
                         nullptr});
        store.transact_each(units);
        CHECK(!units[0].error);
        CHECK(units[1].error);
        CHECK(!units[2].error);
    }
    SqliteStore reopened(path);
    reopened.transact([](model::Repository& r) {
        CHECK(r.accounts.find("111111111111"));
        CHECK(!r.accounts.find("222222222222"));
        CHECK(r.accounts.find("333333333333"));
    });
}

TEST_CASE("group commit: a unit refused before it writes costs the batch nothing; one that wrote has it redone") {
    testing::TempDir dir;
    SqliteStore store(dir.file("r.db"));
    int runs[3] = {0, 0, 0};
    auto batch = [&](bool fail_after_write) {
        std::vector<model::UnitOfWork> units;
        units.push_back({[&](model::Repository& r) {
                             ++runs[0];
                             r.accounts.save(model::default_account("111111111111"));
                         },
                         nullptr});
        units.push_back({[&, fail_after_write](model::Repository& r) {
                             ++runs[1];
                             if (fail_after_write) r.accounts.save(model::default_account("222222222222"));
                             throw std::runtime_error("refused");
                         },
                         nullptr});
        units.push_back({[&](model::Repository& r) {
                             ++runs[2];
                             r.accounts.save(model::default_account("333333333333"));
                         },
                         nullptr});
        store.transact_each(units);
        CHECK(!units[0].error);
        CHECK(units[1].error);
        CHECK(!units[2].error);
    };
    batch(false);
    CHECK(runs[0] == 1);
    CHECK(runs[1] == 1);
    CHECK(runs[2] == 1);
    batch(true);
    CHECK(runs[0] == 3);  // undone and redone, with a savepoint each
    CHECK(runs[1] == 3);
    CHECK(runs[2] == 2);  // the first pass stopped at the unit that wrote and failed
    store.transact([](model::Repository& r) {
        CHECK(r.accounts.find("111111111111"));
        CHECK(!r.accounts.find("222222222222"));
        CHECK(r.accounts.find("333333333333"));
    });
}

TEST_CASE("the write-ahead log is folded back by a thread of its own, and stays short under steady commits") {
    testing::TempDir dir;
    auto path = dir.file("w.db");
    SqliteStore store(path);
    int next = 0;
    auto commit = [&] {
        store.transact([&](model::Repository& r) {
            r.accounts.save(model::default_account(std::to_string(100000000000LL + next++)));
        });
    };
    // Commits with pauses: the checkpointer thread catches up in them.
    for (int round = 0; round < 50 && store.checkpoints().background == 0; ++round) {
        for (int i = 0; i < 400; ++i) commit();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(store.checkpoints().background > 0);
    // A steady stream: each commit adds a few pages to the log (24,000 or more here), which would
    // keep them all; the writer's own checkpoints bound it to a few times kInlineFrames (how far
    // past that depends on how long a pass of the thread, which the writer waits out, takes).
    constexpr int kCommits = 8000;
    for (int i = 0; i < kCommits; ++i) commit();
    const auto frame = 4096 + 24;
    CHECK(store.checkpoints().inline_ > 0);
    CHECK(std::filesystem::file_size(path + "-wal") < std::uintmax_t(3 * storage::Checkpointer::kInlineFrames) * frame);
    store.transact([&](model::Repository& r) { CHECK(r.accounts.find(std::to_string(100000000000LL + next - 1))); });
}

TEST_CASE("reads run beside the writer on a connection that sees every commit and cannot write") {
    testing::TempDir dir;
    SqliteStore store(dir.file("read.db"));
    store.transact([](model::Repository& r) { r.accounts.save(model::default_account("111111111111")); });
    bool seen = false;
    CHECK(store.read([&](model::Repository& r) { seen = r.accounts.find("111111111111").has_value(); }));
    CHECK(seen);

    // A read that needs a write after all reports it, and nothing of it lands.
    CHECK(!store.read([](model::Repository& r) { r.accounts.save(model::default_account("222222222222")); }));
    store.transact([](model::Repository& r) { CHECK(!r.accounts.find("222222222222")); });

    // Errors of the work itself pass through, and the connection serves the next read.
    CHECK_THROWS_AS(store.read([](model::Repository&) { throw std::runtime_error("refused"); }), std::runtime_error);
    store.transact([](model::Repository& r) { r.accounts.save(model::default_account("333333333333")); });
    CHECK(store.read([&](model::Repository& r) { seen = r.accounts.find("333333333333").has_value(); }));
    CHECK(seen);

    // Reads from several threads at once each get a connection of their own.
    std::vector<std::thread> readers;
    std::atomic<int> found{0};
    for (int t = 0; t < 4; ++t)
        readers.emplace_back([&] {
            for (int i = 0; i < 200; ++i)
                if (store.read([&](model::Repository& r) {
                        if (r.accounts.find("111111111111")) ++found;
                    }) == false)
                    return;
        });
    for (auto& t : readers) t.join();
    CHECK(found == 800);
}

TEST_CASE("an in-memory database has no readers beside its one connection") {
    SqliteStore store(":memory:");
    bool ran = false;
    CHECK(!store.read([&](model::Repository&) { ran = true; }));
    CHECK(!ran);
}

TEST_CASE("the counters kept by triggers match the rows, through every change and a reopen") {
    testing::TempDir dir;
    auto path = dir.file("c.db");
    auto invite = [](const std::string& id, model::Millis at) {
        model::HandshakeRecord h;
        h.id = id;
        h.organization_id = "o-abcdefghij";
        h.management_account_id = "111111111111";
        h.partition = "aws";
        h.action = model::api::ActionType::INVITE;
        h.state = model::api::HandshakeState::OPEN;
        h.target_type = model::api::HandshakePartyType::ACCOUNT;
        h.target_id = h.recipient_account_id = "222222222222";
        h.master_email = "m@example.com";
        h.master_name = "M";
        h.feature_set = model::api::OrganizationFeatureSet::ALL;
        h.requested_ms = at;
        h.expiration_ms = at + 1000;
        return h;
    };
    auto truth = [](SqliteStore& store, const char* sql) {
        storage::Statement q(store.connection(), sql);
        return q.step() ? q.int64(0) : -1;
    };
    {
        SqliteStore store(path);
        store.transact([&](model::Repository& r) {
            r.organizations.save(organization());
            r.accounts.save(member("111111111111", "o-abcdefghij", "r-ab12"));
            r.accounts.save(member("222222222222", "o-abcdefghij", "r-ab12"));
            r.accounts.save(member("222222222222", "o-abcdefghij", "r-ab12"));  // saved again: no double count
            r.accounts.save(model::default_account("333333333333"));
            CHECK(r.accounts.count_members("o-abcdefghij") == 2);
            auto moved = member("333333333333", "o-abcdefghij", "r-ab12");
            r.accounts.save(moved);  // joins
            CHECK(r.accounts.count_members("o-abcdefghij") == 3);
            r.accounts.save(model::default_account("222222222222"));  // leaves
            CHECK(r.accounts.count_members("o-abcdefghij") == 2);
            r.organizations.save(organization());  // saving the organization keeps its counts
            CHECK(r.accounts.count_members("o-abcdefghij") == 2);

            r.handshakes.save(invite("h-00000000000000000000000000000001", 10'000));
            r.handshakes.save(invite("h-00000000000000000000000000000002", 20'000));
            auto h3 = invite("h-00000000000000000000000000000003", 30'000);
            r.handshakes.save(h3);
            CHECK(r.handshakes.count_open_invitations("o-abcdefghij", 10'500) == 3);
            h3.state = model::api::HandshakeState::ACCEPTED;
            h3.closed_ms = 30'100;
            r.handshakes.save(h3);
            r.handshakes.save(h3);  // the same state again changes nothing
            CHECK(r.handshakes.count_open_invitations("o-abcdefghij", 10'500) == 2);
            // At 11 000 the first has lapsed: it is written down as EXPIRED and not counted.
            CHECK(r.handshakes.count_open_invitations("o-abcdefghij", 11'000) == 1);
            CHECK(r.handshakes.find("h-00000000000000000000000000000001")->state == model::api::HandshakeState::EXPIRED);
            CHECK(r.handshakes.invitation_rate_reached("o-abcdefghij", 0, 2));  // 1 and 2; 3 was accepted
            CHECK(!r.handshakes.invitation_rate_reached("o-abcdefghij", 0, 3));
            CHECK(!r.handshakes.invitation_rate_reached("o-abcdefghij", 10'000, 2));
        });
        CHECK(truth(store, "SELECT member_count FROM organizations") ==
              truth(store, "SELECT COUNT(*) FROM accounts WHERE organization_id = 'o-abcdefghij'"));
    }
    SqliteStore reopened(path);
    reopened.transact([&](model::Repository& r) {
        CHECK(r.accounts.count_members("o-abcdefghij") == 2);
        CHECK(r.handshakes.count_open_invitations("o-abcdefghij", 11'000) == 1);
        r.wipe();
    });
    reopened.transact([&](model::Repository& r) {
        r.organizations.save(organization());
        CHECK(r.accounts.count_members("o-abcdefghij") == 0);
        CHECK(r.handshakes.count_open_invitations("o-abcdefghij", 0) == 0);
        CHECK(!r.handshakes.invitation_rate_reached("o-abcdefghij", 0, 1));
    });
}

TEST_CASE("organizational units: stored, found by name, paged by parent, counted, and kept across a reopen") {
    testing::TempDir dir;
    const auto path = dir.file("tree.db");
    auto ou = [](const std::string& id, const std::string& parent, const std::string& name, int depth) {
        model::OrganizationalUnitRecord r;
        r.id = id;
        r.organization_id = "o-abcdefghij";
        r.parent_id = parent;
        r.name = name;
        r.path = "o-abcdefghij/r-ab12/";  // appended, not operator+: GCC 12 warns falsely on that at -O3
        r.path += id;
        r.path += "/";
        r.depth = depth;
        r.created_ms = 1'700'000'000'000;
        return r;
    };
    {
        SqliteStore store(path);
        store.transact([&](model::Repository& r) {
            auto org = organization();
            org.quotas.max_organizational_units = 7;
            r.organizations.save(org);
            for (const char* id : {"ou-ab12-cccccccc", "ou-ab12-aaaaaaaa", "ou-ab12-bbbbbbbb"})
                r.organizational_units.save(ou(id, "r-ab12", std::string("Name ").append(id), 1));
            r.organizational_units.save(ou("ou-ab12-dddddddd", "ou-ab12-aaaaaaaa", "Nested", 2));
            CHECK(r.organizational_units.count("o-abcdefghij") == 4);
        });
        // The same name under the same parent cannot be stored twice, whatever the model checked.
        CHECK_THROWS_AS(store.transact([&](model::Repository& r) {
                            r.organizational_units.save(ou("ou-ab12-eeeeeeee", "r-ab12", "Name ou-ab12-aaaaaaaa", 1));
                        }),
                        storage::sqlite_error);
    }
    SqliteStore store(path);
    store.transact([&](model::Repository& r) {
        CHECK(r.organizations.find("o-abcdefghij")->quotas.max_organizational_units == 7);
        auto page = r.organizational_units.children("o-abcdefghij", "r-ab12", "", 2);
        REQUIRE(page.size() == 2);
        CHECK(page[0].id == "ou-ab12-aaaaaaaa");
        CHECK(page[1].id == "ou-ab12-bbbbbbbb");
        CHECK(r.organizational_units.children("o-abcdefghij", "r-ab12", page[1].id, 2).size() == 1);
        auto nested = r.organizational_units.find_by_name("o-abcdefghij", "ou-ab12-aaaaaaaa", "Nested");
        REQUIRE(nested);
        CHECK(nested->depth == 2);
        CHECK(nested->path == "o-abcdefghij/r-ab12/ou-ab12-dddddddd/");
        CHECK(!r.organizational_units.find_by_name("o-abcdefghij", "r-ab12", "Nested"));
        // Renaming is the one change an OU knows.
        nested->name = "Renamed";
        nested->parent_id = "r-ab12";  // ignored: OUs never move
        r.organizational_units.save(*nested);
        auto again = r.organizational_units.find("ou-ab12-dddddddd");
        CHECK(again->name == "Renamed");
        CHECK(again->parent_id == "ou-ab12-aaaaaaaa");
        r.organizational_units.remove("ou-ab12-dddddddd");
        CHECK(r.organizational_units.count("o-abcdefghij") == 3);
        CHECK(!r.organizational_units.find("ou-ab12-dddddddd"));
    });
    storage::Statement plan(store.connection(),
                            "EXPLAIN QUERY PLAN SELECT id FROM organizational_units WHERE organization_id = ?1"
                            " AND parent_id = ?2 AND id > ?3 ORDER BY id LIMIT ?4");
    std::string text;
    while (plan.step()) text += plan.text(3) + "\n";
    CHECK(text.find("organizational_units_by_parent") != std::string::npos);
    CHECK(text.find("TEMP B-TREE") == std::string::npos);
}

TEST_CASE("organizations from before policy types were stored keep SCPs enabled, with FullAWSAccess everywhere") {
    testing::TempDir dir;
    auto path = dir.file("v8.db");
    {
        storage::Connection conn(path);
        REQUIRE(storage::migrate(conn, 8) == 8);
        conn.exec(
            "INSERT INTO organizations (id, management_account_id, feature_set, root_id, created_ms, max_accounts,"
            " initialization_seconds) VALUES ('o-abcdefghij', '111111111111', 'ALL', 'r-ab12', 5, 10, 0),"
            " ('o-billingonl', '444444444444', 'CONSOLIDATED_BILLING', 'r-cd34', 5, 10, 0)");
        conn.exec("INSERT INTO organizational_units (id, organization_id, parent_id, name, path, depth, created_ms)"
                  " VALUES ('ou-ab12-abcdefgh', 'o-abcdefghij', 'r-ab12', 'A', 'r-ab12/ou-ab12-abcdefgh/', 1, 7)");
        conn.exec("INSERT INTO accounts (id, email, name, seller_of_record, partition, email_verified, organization_id,"
                  " parent_id, joined_method, joined_ms) VALUES"
                  " ('111111111111', 'a@example.com', 'a', 'AWS', 'aws', 1, 'o-abcdefghij', 'r-ab12', 'CREATED', 5),"
                  " ('222222222222', 'b@example.com', 'b', 'AWS', 'aws', 1, 'o-abcdefghij', 'ou-ab12-abcdefgh', 'INVITED', 6),"
                  " ('444444444444', 'c@example.com', 'c', 'AWS', 'aws', 1, 'o-billingonl', 'r-cd34', 'CREATED', 5)");
    }
    SqliteStore store(path);
    store.transact([](model::Repository& r) {
        auto all = r.organizations.find("o-abcdefghij");
        REQUIRE(all);
        CHECK(all->policy_type_enabled(model::api::PolicyType::SERVICE_CONTROL_POLICY));
        CHECK(all->enabled_policy_types.size() == 1);
        for (const char* target : {"r-ab12", "ou-ab12-abcdefgh", "111111111111", "222222222222"})
            CHECK(r.policies.attachment("o-abcdefghij", "p-FullAWSAccess", target));
        auto billing = r.organizations.find("o-billingonl");
        REQUIRE(billing);
        CHECK(billing->enabled_policy_types.empty());
        CHECK(r.policies.targets_of("o-billingonl", "p-FullAWSAccess", 0, 10).empty());
    });
}

TEST_CASE("responsibility transfers: organizations and handshakes from before get the defaults; transfers survive a reopen") {
    testing::TempDir dir;
    auto path = dir.file("v9.db");
    {
        storage::Connection conn(path);
        REQUIRE(storage::migrate(conn, 9) == 9);
        conn.exec(
            "INSERT INTO organizations (id, management_account_id, feature_set, root_id, created_ms, max_accounts,"
            " initialization_seconds) VALUES ('o-abcdefghij', '111111111111', 'ALL', 'r-ab12', 5, 10, 0)");
        conn.exec("INSERT INTO handshakes (id, organization_id, management_account_id, partition, action, state,"
                  " target_type, target_id, recipient_account_id, master_email, master_name, feature_set, tags,"
                  " requested_ms, expiration_ms, visible_until_ms) VALUES ('h-0123', 'o-abcdefghij', '111111111111',"
                  " 'aws', 'INVITE', 'OPEN', 'ACCOUNT', '222222222222', '222222222222', 'a@example.com', 'a', 'ALL',"
                  " '[]', 5, 10, 20)");
    }
    model::ResponsibilityTransferRecord t;
    t.id = "rt-abcdefgh12345678";
    t.name = "Bill";
    t.partition = "aws";
    t.target_organization_id = "o-abcdefghij";
    t.target_account_id = "111111111111";
    t.recipient_email = "b@example.com";
    t.handshake_id = "h-0456";
    t.requested_ms = 100;
    t.expiration_ms = 1000;
    t.start_ms = 5000;
    {
        SqliteStore store(path);
        store.transact([&](model::Repository& r) {
            auto org = r.organizations.find("o-abcdefghij");
            REQUIRE(org);
            CHECK(org->quotas.max_inbound_transfers == 20);
            CHECK(org->quotas.max_outbound_transfers == 1);
            CHECK(org->quotas.max_transfer_chain_levels == 2);
            CHECK(org->quotas.max_transfers_in_chain == 1000);
            auto h = r.handshakes.find("h-0123");
            REQUIRE(h);
            CHECK(h->transfer_id.empty());
            CHECK(!h->transfer_type);
            CHECK(h->transfer_start_ms == 0);
            r.transfers.save(t);
            org->quotas.max_inbound_transfers = 7;
            r.organizations.save(*org);
        });
    }
    SqliteStore store(path);
    store.transact([&](model::Repository& r) {
        CHECK(r.organizations.find("o-abcdefghij")->quotas.max_inbound_transfers == 7);
        auto back = r.transfers.find(t.id);
        REQUIRE(back);
        CHECK(back->recipient_email == "b@example.com");
        CHECK(back->source_account_id.empty());
        CHECK(back->start_ms == 5000);
        CHECK(r.transfers.find_by_handshake("h-0456")->id == t.id);
        // REQUESTED until it lapses; an EMAIL invitation is found by its address.
        CHECK(r.transfers.count_inbound("o-abcdefghij", 999) == 1);
        CHECK(r.transfers.count_inbound("o-abcdefghij", 1000) == 0);
        CHECK(r.transfers.count_open_invitations_to("", "b@example.com", 999) == 1);
        CHECK(r.transfers.find_open_invitation("o-abcdefghij", "", "b@example.com", 999));
        model::TransferQuery q;
        q.source_email = "b@example.com";
        q.source_organization_id = "o-other12345";
        CHECK(r.transfers.list(q).size() == 1);
        // Accepted, it is the accepting organization's: in force there until its end.
        back->status = model::api::ResponsibilityTransferStatus::WITHDRAWN;
        back->source_account_id = "222222222222";
        back->source_organization_id = "o-other12345";
        back->end_ms = 9000;
        r.transfers.save(*back);
        CHECK(r.transfers.in_force_outbound("o-other12345", 9000).size() == 1);
        CHECK(r.transfers.in_force_outbound("o-other12345", 9001).empty());
        CHECK(r.transfers.in_force_inbound("o-abcdefghij", 9000).size() == 1);
        q.source_organization_id = "o-third12345";
        CHECK(r.transfers.list(q).empty());
    });
    auto plan = [&](const char* sql) {
        storage::Statement q(store.connection(), std::string("EXPLAIN QUERY PLAN ") + sql);
        std::string all;
        while (q.step()) all += q.text(3) + "\n";
        return all;
    };
    CHECK(plan("SELECT id FROM responsibility_transfers WHERE target_organization_id = ?1 AND (requested_ms, id) >"
               " (?2, ?3) ORDER BY requested_ms, id LIMIT ?4")
              .find("responsibility_transfers_by_target") != std::string::npos);
    CHECK(plan("SELECT id FROM responsibility_transfers WHERE (source_account_id = ?1 OR recipient_email = ?2)")
              .find("SCAN") == std::string::npos);
    CHECK(plan("SELECT id FROM responsibility_transfers WHERE source_organization_id = ?1 AND status = 'ACCEPTED'")
              .find("responsibility_transfers_by_source_organization") != std::string::npos);
    CHECK(plan("SELECT id FROM responsibility_transfers WHERE handshake_id = ?1")
              .find("responsibility_transfers_by_handshake") != std::string::npos);
    // Each invitation counts the organization's inbound transfers from an index alone, and looks
    // for an open one to the same account among that account's, not the organization's many.
    const auto count = plan(
        "SELECT COUNT(*) FROM responsibility_transfers WHERE target_organization_id = ?1 AND"
        " ((status = 'ACCEPTED' OR (status = 'WITHDRAWN' AND end_ms >= ?2)) OR (status = 'REQUESTED' AND"
        " expiration_ms > ?2))");
    CHECK(count.find("COVERING INDEX responsibility_transfers_by_target_status") != std::string::npos);
    const auto open = plan("SELECT id FROM responsibility_transfers WHERE +target_organization_id = ?1 AND"
                           " status = 'REQUESTED' AND expiration_ms > ?4 AND (source_account_id = ?2 OR"
                           " recipient_email = ?3) LIMIT 1");
    CHECK(open.find("responsibility_transfers_by_source") != std::string::npos);
    CHECK(open.find("responsibility_transfers_by_email") != std::string::npos);
    CHECK(open.find("by_target") == std::string::npos);
}
