#pragma once
// The model's Repository over one SQLite connection: one implementation per kind of entity, each
// in its own file with its SQL (storage/accounts.cpp, storage/handshakes.cpp, ...), sharing the
// connection's prepared statements. All calls must come from the thread that owns the connection.
#include <memory>
#include <optional>
#include <vector>

#include "model/repository.hpp"
#include "storage/sqlite.hpp"

namespace localorgs::storage {

// One factory per kind of entity, defined next to its SQL.
std::unique_ptr<model::AccountRepository> sqlite_accounts(Statements& statements);
std::unique_ptr<model::OrganizationRepository> sqlite_organizations(Statements& statements);
std::unique_ptr<model::OrganizationalUnitRepository> sqlite_organizational_units(Statements& statements);
std::unique_ptr<model::CreateAccountRequestRepository> sqlite_create_account_requests(Statements& statements);
std::unique_ptr<model::PolicyRepository> sqlite_policies(Statements& statements);
std::unique_ptr<model::DelegationRepository> sqlite_delegation(Statements& statements);
std::unique_ptr<model::TagRepository> sqlite_tags(Statements& statements);
std::unique_ptr<model::HandshakeRepository> sqlite_handshakes(Statements& statements);
std::unique_ptr<model::OutboxRepository> sqlite_outbox(Statements& statements);
std::unique_ptr<model::SettingRepository> sqlite_settings(Statements& statements);
std::unique_ptr<model::ResponsibilityTransferRepository> sqlite_transfers(Statements& statements);
// The console's reads (storage/console.cpp), which return records through the entities' own.
std::unique_ptr<model::ConsoleRepository> sqlite_console(Statements& statements, model::OrganizationRepository& organizations,
                                                         model::HandshakeRepository& handshakes);

// The parts, built before the model::Repository base that refers to them.
struct SqliteParts {
    explicit SqliteParts(Connection& conn)
        : statements(conn),
          accounts_(sqlite_accounts(statements)),
          organizations_(sqlite_organizations(statements)),
          organizational_units_(sqlite_organizational_units(statements)),
          create_account_requests_(sqlite_create_account_requests(statements)),
          policies_(sqlite_policies(statements)),
          delegation_(sqlite_delegation(statements)),
          tags_(sqlite_tags(statements)),
          handshakes_(sqlite_handshakes(statements)),
          outbox_(sqlite_outbox(statements)),
          settings_(sqlite_settings(statements)),
          transfers_(sqlite_transfers(statements)),
          console_(sqlite_console(statements, *organizations_, *handshakes_)) {}
    Statements statements;
    std::unique_ptr<model::AccountRepository> accounts_;
    std::unique_ptr<model::OrganizationRepository> organizations_;
    std::unique_ptr<model::OrganizationalUnitRepository> organizational_units_;
    std::unique_ptr<model::CreateAccountRequestRepository> create_account_requests_;
    std::unique_ptr<model::PolicyRepository> policies_;
    std::unique_ptr<model::DelegationRepository> delegation_;
    std::unique_ptr<model::TagRepository> tags_;
    std::unique_ptr<model::HandshakeRepository> handshakes_;
    std::unique_ptr<model::OutboxRepository> outbox_;
    std::unique_ptr<model::SettingRepository> settings_;
    std::unique_ptr<model::ResponsibilityTransferRepository> transfers_;
    std::unique_ptr<model::ConsoleRepository> console_;
};

class SqliteRepository final : private SqliteParts, public model::Repository {
public:
    explicit SqliteRepository(Connection& conn)
        : SqliteParts(conn),
          model::Repository(*accounts_, *organizations_, *organizational_units_, *create_account_requests_, *policies_,
                            *delegation_, *tags_, *handshakes_, *outbox_, *settings_, *transfers_, *console_) {}
    // Ends every query still open, before a commit.
    void finish_reads() { statements.finish_all(); }
    // Empties every table but the migrations' record.
    void wipe() override;
};

// Empty strings are stored as NULL so "none" has one spelling in the database.
inline void bind_optional_text(Statement& s, int index, std::string_view v) {
    if (v.empty())
        s.bind_null(index);
    else
        s.bind(index, v);
}

// Tags kept in one column (of a handshake, of a create-account request), as JSON text.
std::string tags_to_text(const std::vector<model::Tag>& tags);
std::vector<model::Tag> tags_from_text(std::string_view text);

// Every row of a query, each read by `read`; the statement is reset for its next use.
template <class Read>
auto all_rows(Statement& s, Read read, std::size_t expected = 0) {
    std::vector<decltype(read(s))> out;
    out.reserve(expected);
    while (s.step()) out.push_back(read(s));
    s.reset();
    return out;
}
// The first row of a query, if any, read by `read`.
template <class Read>
auto first_row(Statement& s, Read read) {
    std::optional<decltype(read(s))> out;
    if (s.step()) out = read(s);
    s.reset();
    return out;
}
// The one integer a counting query gives (0 without a row).
inline std::size_t count_of(Statement& s) {
    const std::size_t n = s.step() ? std::size_t(s.int64(0)) : 0;
    s.reset();
    return n;
}

// A column holding one of the service model's enums, stored as its wire string.
template <class E>
E enum_column(const Statement& s, int column) {
    auto value = model::api::parse_enum<E>(s.text_view(column));
    if (!value) throw sqlite_error("the database holds '" + s.text(column) + "' where an enum value belongs");
    return *value;
}

}  // namespace localorgs::storage
