#include "storage/sqlite_store.hpp"

#include "storage/migrations.hpp"

namespace localorgs::storage {
namespace {

constexpr const char* kSql[] = {
    // find_account
    "SELECT id, email, name, seller_of_record, partition, email_verified, organization_id, parent_id,"
    " joined_method, joined_ms FROM accounts WHERE id = ?1",
    // find_account_by_email (index accounts_by_email)
    "SELECT id, email, name, seller_of_record, partition, email_verified, organization_id, parent_id,"
    " joined_method, joined_ms FROM accounts WHERE email = ?1 ORDER BY id LIMIT 1",
    // save_account
    "INSERT OR REPLACE INTO accounts (id, email, name, seller_of_record, partition, email_verified,"
    " organization_id, parent_id, joined_method, joined_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    // all_accounts
    "SELECT id, email, name, seller_of_record, partition, email_verified, organization_id, parent_id,"
    " joined_method, joined_ms FROM accounts ORDER BY id",
    // members_all (index accounts_by_organization)
    "SELECT id, email, name, seller_of_record, partition, email_verified, organization_id, parent_id,"
    " joined_method, joined_ms FROM accounts WHERE organization_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    // members_of_parent (index accounts_by_parent)
    "SELECT id, email, name, seller_of_record, partition, email_verified, organization_id, parent_id,"
    " joined_method, joined_ms FROM accounts WHERE organization_id = ?1 AND parent_id = ?4 AND id > ?2"
    " ORDER BY id LIMIT ?3",
    // count_members
    "SELECT COUNT(*) FROM accounts WHERE organization_id = ?1",
    // find_organization
    "SELECT id, management_account_id, feature_set, root_id, created_ms, max_accounts, invitations_per_day,"
    " initialization_seconds FROM organizations WHERE id = ?1",
    // save_organization
    "INSERT OR REPLACE INTO organizations (id, management_account_id, feature_set, root_id, created_ms,"
    " max_accounts, invitations_per_day, initialization_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    // delete_organization
    "DELETE FROM organizations WHERE id = ?1",
    // tags
    "SELECT key, value FROM tags WHERE resource_id = ?1 ORDER BY key",
    // put_tag
    "INSERT OR REPLACE INTO tags (resource_id, key, value) VALUES (?1, ?2, ?3)",
    // delete_tag
    "DELETE FROM tags WHERE resource_id = ?1 AND key = ?2",
    // delete_all_tags
    "DELETE FROM tags WHERE resource_id = ?1",
    // setting
    "SELECT value FROM settings WHERE key = ?1",
    // save_setting
    "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
};
static_assert(std::size(kSql) == 16);

model::AccountRecord read_account(const Statement& s) {
    model::AccountRecord a;
    a.id = s.text(0);
    a.email = s.text(1);
    a.name = s.text(2);
    a.seller_of_record = s.text(3);
    a.partition = s.text(4);
    a.email_verified = s.int64(5) != 0;
    a.organization_id = s.text(6);
    a.parent_id = s.text(7);
    a.joined_method = s.text(8);
    a.joined_ms = s.int64(9);
    return a;
}

// Empty strings are stored as NULL so "standalone" has one spelling in the database.
void bind_optional_text(Statement& s, int index, std::string_view v) {
    if (v.empty())
        s.bind_null(index);
    else
        s.bind(index, v);
}

}  // namespace

Statement& SqliteRepository::stmt(Sql which) {
    auto& slot = cache_[std::size_t(which)];
    if (!slot) slot = std::make_unique<Statement>(conn_, kSql[std::size_t(which)]);
    return *slot;
}

std::optional<model::AccountRecord> SqliteRepository::find_account(std::string_view id) {
    auto& s = stmt(Sql::find_account).bind(1, id);
    std::optional<model::AccountRecord> out;
    if (s.step()) out = read_account(s);
    s.reset();
    return out;
}

std::optional<model::AccountRecord> SqliteRepository::find_account_by_email(std::string_view email) {
    auto& s = stmt(Sql::find_account_by_email).bind(1, email);
    std::optional<model::AccountRecord> out;
    if (s.step()) out = read_account(s);
    s.reset();
    return out;
}

void SqliteRepository::save_account(const model::AccountRecord& a) {
    auto& s = stmt(Sql::save_account);
    s.bind(1, a.id).bind(2, a.email).bind(3, a.name).bind(4, a.seller_of_record).bind(5, a.partition);
    s.bind(6, std::int64_t{a.email_verified});
    bind_optional_text(s, 7, a.organization_id);
    bind_optional_text(s, 8, a.parent_id);
    bind_optional_text(s, 9, a.joined_method);
    if (a.standalone())
        s.bind_null(10);
    else
        s.bind(10, a.joined_ms);
    s.run();
}

std::vector<model::AccountRecord> SqliteRepository::all_accounts() {
    auto& s = stmt(Sql::all_accounts);
    std::vector<model::AccountRecord> out;
    while (s.step()) out.push_back(read_account(s));
    s.reset();
    return out;
}

std::vector<model::AccountRecord> SqliteRepository::members(std::string_view organization_id,
                                                            std::string_view parent_id, std::string_view after_id,
                                                            std::size_t limit) {
    auto& s = stmt(parent_id.empty() ? Sql::members_all : Sql::members_of_parent);
    s.bind(1, organization_id).bind(2, after_id).bind(3, std::int64_t(limit));
    if (!parent_id.empty()) s.bind(4, parent_id);
    std::vector<model::AccountRecord> out;
    out.reserve(limit);
    while (s.step()) out.push_back(read_account(s));
    s.reset();
    return out;
}

std::size_t SqliteRepository::count_members(std::string_view organization_id) {
    auto& s = stmt(Sql::count_members).bind(1, organization_id);
    std::size_t n = s.step() ? std::size_t(s.int64(0)) : 0;
    s.reset();
    return n;
}

std::optional<model::OrganizationRecord> SqliteRepository::find_organization(std::string_view id) {
    auto& s = stmt(Sql::find_organization).bind(1, id);
    std::optional<model::OrganizationRecord> out;
    if (s.step()) {
        model::OrganizationRecord o;
        o.id = s.text(0);
        o.management_account_id = s.text(1);
        o.feature_set = s.text(2);
        o.root_id = s.text(3);
        o.created_ms = s.int64(4);
        o.quotas.max_accounts = int(s.int64(5));
        if (!s.is_null(6)) o.quotas.invitations_per_day = int(s.int64(6));
        o.quotas.initialization_seconds = int(s.int64(7));
        out = std::move(o);
    }
    s.reset();
    return out;
}

void SqliteRepository::save_organization(const model::OrganizationRecord& o) {
    auto& s = stmt(Sql::save_organization);
    s.bind(1, o.id).bind(2, o.management_account_id).bind(3, o.feature_set).bind(4, o.root_id);
    s.bind(5, o.created_ms).bind(6, std::int64_t{o.quotas.max_accounts});
    if (o.quotas.invitations_per_day)
        s.bind(7, std::int64_t{*o.quotas.invitations_per_day});
    else
        s.bind_null(7);
    s.bind(8, std::int64_t{o.quotas.initialization_seconds});
    s.run();
}

void SqliteRepository::delete_organization(std::string_view id) { stmt(Sql::delete_organization).bind(1, id).run(); }

std::vector<model::Tag> SqliteRepository::tags(std::string_view resource_id) {
    auto& s = stmt(Sql::tags).bind(1, resource_id);
    std::vector<model::Tag> out;
    while (s.step()) out.push_back({s.text(0), s.text(1)});
    s.reset();
    return out;
}

void SqliteRepository::put_tags(std::string_view resource_id, std::span<const model::Tag> tags) {
    auto& s = stmt(Sql::put_tag);
    for (const auto& t : tags) s.bind(1, resource_id).bind(2, t.key).bind(3, t.value).run();
}

void SqliteRepository::delete_tags(std::string_view resource_id, std::span<const std::string> keys) {
    auto& s = stmt(Sql::delete_tag);
    for (const auto& k : keys) s.bind(1, resource_id).bind(2, k).run();
}

void SqliteRepository::delete_all_tags(std::string_view resource_id) {
    stmt(Sql::delete_all_tags).bind(1, resource_id).run();
}

std::optional<std::string> SqliteRepository::setting(std::string_view key) {
    auto& s = stmt(Sql::setting).bind(1, key);
    std::optional<std::string> out;
    if (s.step()) out = s.text(0);
    s.reset();
    return out;
}

void SqliteRepository::save_setting(std::string_view key, std::string_view value) {
    stmt(Sql::save_setting).bind(1, key).bind(2, value).run();
}

void SqliteRepository::wipe() {
    conn_.exec("DELETE FROM tags; DELETE FROM accounts; DELETE FROM organizations; DELETE FROM settings;");
}

SqliteStore::SqliteStore(const std::string& path, Durability durability) : conn_(path), repo_(conn_) {
    conn_.exec("PRAGMA journal_mode=WAL");
    conn_.exec(durability == Durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    conn_.exec("PRAGMA foreign_keys=ON");
    sqlite3_busy_timeout(conn_.handle(), 5000);
    schema_version_ = migrate(conn_);
}

SqliteStore::~SqliteStore() {
    // Fold the WAL back into the database file so a clean shutdown leaves one self-contained file.
    try {
        conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (...) {
    }
}

void SqliteStore::transact(const std::function<void(model::Repository&)>& work) {
    Transaction tx(conn_);
    work(repo_);
    tx.commit();
}

}  // namespace localorgs::storage
