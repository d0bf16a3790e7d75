#pragma once
// The store model tests run against: the real SQLite store on an in-memory database, so each rule
// (lazy expiry, counters kept by triggers, case-insensitive emails) is tested where it runs. Calls
// outside Store::transact commit statement by statement. The snapshots below read every row, for
// tests that show a refused call changed nothing.
#include <map>
#include <string>
#include <vector>

#include "storage/sqlite_store.hpp"

namespace localorgs::testing {

class TestStore {
public:
    TestStore() : store_(":memory:") {}
    model::Repository& repo() { return store_.repository(); }
    storage::SqliteStore& store() { return store_; }

    std::map<std::string, model::HandshakeRecord> handshakes() {
        std::map<std::string, model::HandshakeRecord> out;
        for (const auto& id : ids("SELECT id FROM handshakes ORDER BY id"))
            out.emplace(id, *repo().handshakes.find(id));
        return out;
    }
    std::map<std::string, model::AccountRecord> accounts() {
        std::map<std::string, model::AccountRecord> out;
        for (auto& a : repo().accounts.all()) out.emplace(a.id, a);
        return out;
    }
    std::vector<model::OutboxMessage> outbox() { return repo().outbox.list(""); }
    // resource id -> key -> value
    std::map<std::string, std::map<std::string, std::string>> tags() {
        std::map<std::string, std::map<std::string, std::string>> out;
        storage::Statement s(store_.connection(), "SELECT resource_id, key, value FROM tags");
        while (s.step()) out[s.text(0)][s.text(1)] = s.text(2);
        return out;
    }

private:
    std::vector<std::string> ids(const char* sql) {
        std::vector<std::string> out;
        storage::Statement s(store_.connection(), sql);
        while (s.step()) out.push_back(s.text(0));
        return out;
    }
    storage::SqliteStore store_;
};

}  // namespace localorgs::testing
