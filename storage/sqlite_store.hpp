#pragma once
// The model's Store and Repository over one SQLite connection (WAL). All calls must come from
// one thread: the server runs every transaction on its database thread.
#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/repository.hpp"
#include "storage/checkpointer.hpp"
#include "storage/sqlite.hpp"

namespace localorgs::storage {

enum class Durability { normal, full };  // synchronous=NORMAL (survives a crash) / FULL (power loss)

class SqliteRepository final : public model::Repository {
public:
    explicit SqliteRepository(Connection& conn) : conn_(conn) {}
    // Ends every query still open, before a commit.
    void finish_reads();

    std::optional<model::AccountRecord> find_account(std::string_view id) override;
    std::optional<model::AccountRecord> find_account_by_email(std::string_view email) override;
    void save_account(const model::AccountRecord& account) override;
    std::vector<model::AccountRecord> all_accounts() override;
    std::vector<model::AccountRecord> members(std::string_view organization_id, std::string_view parent_id,
                                              std::string_view after_id, std::size_t limit) override;
    std::size_t count_members(std::string_view organization_id) override;

    std::optional<model::OrganizationRecord> find_organization(std::string_view id) override;
    void save_organization(const model::OrganizationRecord& organization) override;
    void delete_organization(std::string_view id) override;

    std::vector<model::Tag> tags(std::string_view resource_id) override;
    void put_tags(std::string_view resource_id, std::span<const model::Tag> tags) override;
    void delete_tags(std::string_view resource_id, std::span<const std::string> keys) override;
    void delete_all_tags(std::string_view resource_id) override;

    std::optional<model::HandshakeRecord> find_handshake(std::string_view id) override;
    void save_handshake(const model::HandshakeRecord& handshake) override;
    std::vector<model::HandshakeRecord> list_handshakes(const model::HandshakeQuery& query) override;
    std::optional<model::HandshakeRecord> find_open_invitation(std::string_view organization_id,
                                                               std::string_view account_id, std::string_view email,
                                                               model::Millis now) override;
    std::vector<model::HandshakeRecord> open_handshakes(std::string_view organization_id, model::Millis now) override;
    std::vector<model::HandshakeRecord> child_handshakes(std::string_view parent_handshake_id) override;
    std::optional<model::HandshakeRecord> find_pending_handshake(std::string_view organization_id,
                                                                 std::string_view action, model::Millis now) override;
    std::size_t count_open_invitations(std::string_view organization_id, model::Millis now) override;
    bool invitation_rate_reached(std::string_view organization_id, model::Millis since, std::size_t limit) override;

    void add_message(const model::OutboxMessage& message) override;
    std::vector<model::OutboxMessage> messages(std::string_view to) override;
    void clear_messages() override;

    std::optional<std::string> setting(std::string_view key) override;
    void save_setting(std::string_view key, std::string_view value) override;

    void wipe() override;

private:
    enum class Sql : std::size_t {
        find_account,
        find_account_by_email,
        save_account,
        all_accounts,
        members_all,
        members_of_parent,
        count_members,
        find_organization,
        save_organization,
        delete_organization,
        tags,
        put_tag,
        delete_tag,
        delete_all_tags,
        setting,
        save_setting,
        find_handshake,
        save_handshake,
        handshakes_of_organization,
        handshakes_of_recipient,
        find_open_invitation,
        open_handshakes,
        count_open_invitations,
        count_invitations_since,
        invitations_sent_since,
        expire_lapsed,
        add_message,
        all_messages,
        messages_to,
        child_handshakes,
        find_pending_handshake,
        count_
    };
    Statement& stmt(Sql which);  // prepared once, then reused

public:
    // kSql in sqlite_store.cpp has one statement per Sql value, in the same order.
    static constexpr std::size_t statement_count = std::size_t(Sql::count_);

private:
    std::vector<model::HandshakeRecord> read_handshakes(Statement& s);

    Connection& conn_;
    std::array<std::unique_ptr<Statement>, std::size_t(Sql::count_)> cache_;
};

class SqliteStore final : public model::Store {
public:
    // Opens (creating if needed) and migrates the database; ":memory:" gives a throwaway one.
    explicit SqliteStore(const std::string& path, Durability durability = Durability::normal);
    ~SqliteStore() override;

    void transact(const std::function<void(model::Repository&)>& work) override;
    void transact_each(std::span<model::UnitOfWork> units) override;
    bool read(const std::function<void(model::Repository&)>& work) override;
    int schema_version() const { return schema_version_; }
    Connection& connection() { return conn_; }
    // How often the WAL was checkpointed, and by whom; zero for an in-memory database.
    Checkpointer::Counts checkpoints() const { return checkpointer_ ? checkpointer_->counts() : Checkpointer::Counts{}; }

private:
    void open(Durability durability);  // pragmas, migrations, the checkpointer
    bool run_batch(std::span<model::UnitOfWork> units, bool savepoints);

    // A connection that may only read, with its own statements; one per thread reading at once.
    struct Reader {
        explicit Reader(const std::string& path);
        Connection conn;
        SqliteRepository repo;
    };

    Connection conn_;
    int schema_version_ = 0;
    SqliteRepository repo_;
    std::unique_ptr<Checkpointer> checkpointer_;  // none for an in-memory database
    std::string path_;                             // empty for an in-memory database
    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<Reader>> idle_readers_;
};

}  // namespace localorgs::storage
