#include "storage/sqlite_store.hpp"

#include <nlohmann/json.hpp>

#include "storage/migrations.hpp"

namespace localorgs::storage {
namespace {

#define ACCOUNT_COLUMNS \
    "id, email, name, seller_of_record, partition, email_verified, organization_id, parent_id, joined_method, joined_ms"
#define HANDSHAKE_COLUMNS                                                                                  \
    "id, organization_id, management_account_id, partition, action, state, target_type, target_id,"          \
    " recipient_account_id, recipient_email, notes, master_email, master_name, feature_set,"                 \
    " parent_handshake_id, tags, requested_ms, expiration_ms, closed_ms"

constexpr const char* kSql[] = {
    // find_account
    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1",
    // find_account_by_email (index accounts_by_email)
    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE lower(email) = lower(?1) ORDER BY id LIMIT 1",
    // save_account
    // (an upsert, not INSERT OR REPLACE, so the membership triggers see an UPDATE)
    "INSERT INTO accounts (" ACCOUNT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    " ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name,"
    " seller_of_record = excluded.seller_of_record, partition = excluded.partition,"
    " email_verified = excluded.email_verified, organization_id = excluded.organization_id,"
    " parent_id = excluded.parent_id, joined_method = excluded.joined_method, joined_ms = excluded.joined_ms",
    // all_accounts
    "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY id",
    // members_all (index accounts_by_organization)
    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE organization_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
    // members_of_parent (index accounts_by_parent)
    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE organization_id = ?1 AND parent_id = ?4 AND id > ?2"
    " ORDER BY id LIMIT ?3",
    // count_members (kept by triggers, migration 4)
    "SELECT member_count FROM organizations WHERE id = ?1",
    // find_organization
    "SELECT id, management_account_id, feature_set, root_id, created_ms, max_accounts, invitations_per_day,"
    " initialization_seconds FROM organizations WHERE id = ?1",
    // save_organization
    // (an upsert: the counters the triggers keep are not the caller's to overwrite)
    "INSERT INTO organizations (id, management_account_id, feature_set, root_id, created_ms,"
    " max_accounts, invitations_per_day, initialization_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT (id) DO UPDATE SET management_account_id = excluded.management_account_id,"
    " feature_set = excluded.feature_set, root_id = excluded.root_id, created_ms = excluded.created_ms,"
    " max_accounts = excluded.max_accounts, invitations_per_day = excluded.invitations_per_day,"
    " initialization_seconds = excluded.initialization_seconds",
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
    // find_handshake
    "SELECT " HANDSHAKE_COLUMNS " FROM handshakes WHERE id = ?1",
    // save_handshake
    // (an upsert, so the invitation triggers see state changes as UPDATEs)
    "INSERT INTO handshakes (" HANDSHAKE_COLUMNS ", visible_until_ms) VALUES"
    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
    " ON CONFLICT (id) DO UPDATE SET state = excluded.state, notes = excluded.notes, tags = excluded.tags,"
    " expiration_ms = excluded.expiration_ms, closed_ms = excluded.closed_ms,"
    " visible_until_ms = excluded.visible_until_ms",
    // handshakes_of_organization (index handshakes_by_organization, keyset)
    "SELECT " HANDSHAKE_COLUMNS " FROM handshakes WHERE organization_id = ?1 AND (requested_ms, id) > (?3, ?4)"
    " AND visible_until_ms > ?5 AND (?6 = '' OR action = ?6) AND (?7 = '' OR parent_handshake_id = ?7)"
    " ORDER BY requested_ms, id LIMIT ?8",
    // handshakes_of_recipient (indexes handshakes_by_recipient and handshakes_by_email)
    "SELECT " HANDSHAKE_COLUMNS " FROM handshakes WHERE (recipient_account_id = ?1 OR recipient_email = ?2)"
    " AND (requested_ms, id) > (?3, ?4) AND visible_until_ms > ?5 AND (?6 = '' OR action = ?6)"
    " AND (?7 = '' OR parent_handshake_id = ?7) ORDER BY requested_ms, id LIMIT ?8",
    // find_open_invitation: one index lookup per way of naming the invitee
    // (INDEXED BY: left to itself the planner prefers the organization's index, which walks every
    // open invitation of the organization instead of the few addressed to this invitee)
    "SELECT * FROM (SELECT " HANDSHAKE_COLUMNS " FROM handshakes INDEXED BY handshakes_by_recipient"
    " WHERE recipient_account_id = ?2"
    " AND organization_id = ?1 AND action = 'INVITE' AND state = 'OPEN' AND expiration_ms > ?4"
    " UNION ALL SELECT " HANDSHAKE_COLUMNS " FROM handshakes INDEXED BY handshakes_by_email WHERE recipient_email = ?3"
    " AND organization_id = ?1 AND action = 'INVITE' AND state = 'OPEN' AND expiration_ms > ?4) LIMIT 1",
    // open_handshakes (index handshakes_open)
    "SELECT " HANDSHAKE_COLUMNS " FROM handshakes WHERE organization_id = ?1 AND state IN ('OPEN', 'REQUESTED')"
    " AND expiration_ms > ?2",
    // count_open_invitations (kept by triggers, migration 4; lapsed ones are expired first)
    "SELECT open_invitations FROM organizations WHERE id = ?1",
    // count_invitations_since: exact, but never counts past the limit (index handshakes_by_organization)
    "SELECT COUNT(*) FROM (SELECT 1 FROM handshakes WHERE organization_id = ?1 AND requested_ms > ?2"
    " AND action = 'INVITE' AND state <> 'ACCEPTED' LIMIT ?3)",
    // invitations_sent_since: an upper bound by the minute (table invite_minutes, migration 4)
    "SELECT COALESCE(SUM(sent), 0) FROM invite_minutes WHERE organization_id = ?1 AND minute >= ?2 / 60000",
    // expire_lapsed: OPEN handshakes past their expiry become EXPIRED (index handshakes_open)
    "UPDATE handshakes SET state = 'EXPIRED', closed_ms = expiration_ms, visible_until_ms = expiration_ms + ?3"
    " WHERE organization_id = ?1 AND state = 'OPEN' AND expiration_ms <= ?2",
    // add_message
    "INSERT INTO outbox (id, recipient, subject, body, handshake_id, sent_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    // all_messages
    "SELECT id, recipient, subject, body, handshake_id, sent_ms FROM outbox ORDER BY seq",
    // messages_to (index outbox_by_recipient)
    "SELECT id, recipient, subject, body, handshake_id, sent_ms FROM outbox WHERE lower(recipient) = lower(?1)"
    " ORDER BY seq",
    // child_handshakes (index handshakes_by_parent)
    "SELECT " HANDSHAKE_COLUMNS " FROM handshakes WHERE parent_handshake_id = ?1 ORDER BY requested_ms, id",
    // find_pending_handshake (index handshakes_by_action)
    "SELECT " HANDSHAKE_COLUMNS " FROM handshakes WHERE organization_id = ?1 AND action = ?2"
    " AND state IN ('OPEN', 'REQUESTED') AND expiration_ms > ?3 LIMIT 1",
};
static_assert(std::size(kSql) == std::size_t(SqliteRepository::statement_count));

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

std::string tags_to_text(const std::vector<model::Tag>& tags) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
    return out.dump();
}

std::vector<model::Tag> tags_from_text(std::string_view text) {
    std::vector<model::Tag> out;
    auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_array()) return out;
    for (const auto& t : doc) out.push_back({t.value("Key", ""), t.value("Value", "")});
    return out;
}

model::HandshakeRecord read_handshake(const Statement& s) {
    model::HandshakeRecord h;
    h.id = s.text(0);
    h.organization_id = s.text(1);
    h.management_account_id = s.text(2);
    h.partition = s.text(3);
    h.action = s.text(4);
    h.state = s.text(5);
    h.target_type = s.text(6);
    h.target_id = s.text(7);
    h.recipient_account_id = s.text(8);
    h.recipient_email = s.text(9);
    if (!s.is_null(10)) h.notes = s.text(10);
    h.master_email = s.text(11);
    h.master_name = s.text(12);
    h.feature_set = s.text(13);
    h.parent_handshake_id = s.text(14);
    h.tags = tags_from_text(s.text_view(15));
    h.requested_ms = s.int64(16);
    h.expiration_ms = s.int64(17);
    h.closed_ms = s.is_null(18) ? 0 : s.int64(18);
    return h;
}

model::OutboxMessage read_message(const Statement& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.int64(5)};
}

}  // namespace

void SqliteRepository::finish_reads() {
    // A query left on its last row keeps the connection's read snapshot open after COMMIT,
    // which stops the checkpointer from ever rewinding the WAL.
    for (auto& s : cache_)
        if (s) s->finish();
}

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

std::vector<model::HandshakeRecord> SqliteRepository::read_handshakes(Statement& s) {
    std::vector<model::HandshakeRecord> out;
    while (s.step()) out.push_back(read_handshake(s));
    s.reset();
    return out;
}

std::optional<model::HandshakeRecord> SqliteRepository::find_handshake(std::string_view id) {
    auto rows = read_handshakes(stmt(Sql::find_handshake).bind(1, id));
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

void SqliteRepository::save_handshake(const model::HandshakeRecord& h) {
    auto& s = stmt(Sql::save_handshake);
    s.bind(1, h.id).bind(2, h.organization_id).bind(3, h.management_account_id).bind(4, h.partition);
    s.bind(5, h.action).bind(6, h.state).bind(7, h.target_type).bind(8, h.target_id);
    bind_optional_text(s, 9, h.recipient_account_id);
    bind_optional_text(s, 10, h.recipient_email);
    if (h.notes)
        s.bind(11, *h.notes);
    else
        s.bind_null(11);
    s.bind(12, h.master_email).bind(13, h.master_name).bind(14, h.feature_set);
    bind_optional_text(s, 15, h.parent_handshake_id);
    s.bind(16, tags_to_text(h.tags)).bind(17, h.requested_ms).bind(18, h.expiration_ms);
    if (h.closed_ms)
        s.bind(19, h.closed_ms);
    else
        s.bind_null(19);
    s.bind(20, h.visible_until_ms());
    s.run();
}

std::vector<model::HandshakeRecord> SqliteRepository::list_handshakes(const model::HandshakeQuery& q) {
    Statement* s;
    if (!q.organization_id.empty()) {
        s = &stmt(Sql::handshakes_of_organization).bind(1, q.organization_id);
    } else {
        s = &stmt(Sql::handshakes_of_recipient);
        // An empty key must match nothing, and NULL never equals anything.
        bind_optional_text(*s, 1, q.recipient_account_id);
        bind_optional_text(*s, 2, q.recipient_email);
    }
    s->bind(3, q.after_requested_ms).bind(4, q.after_id).bind(5, q.visible_at);
    s->bind(6, q.action).bind(7, q.parent_handshake_id).bind(8, std::int64_t(q.limit));
    return read_handshakes(*s);
}

std::optional<model::HandshakeRecord> SqliteRepository::find_open_invitation(std::string_view organization_id,
                                                                             std::string_view account_id,
                                                                             std::string_view email,
                                                                             model::Millis now) {
    auto& s = stmt(Sql::find_open_invitation).bind(1, organization_id);
    bind_optional_text(s, 2, account_id);
    bind_optional_text(s, 3, email);
    s.bind(4, now);
    auto rows = read_handshakes(s);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

std::vector<model::HandshakeRecord> SqliteRepository::open_handshakes(std::string_view organization_id,
                                                                      model::Millis now) {
    return read_handshakes(stmt(Sql::open_handshakes).bind(1, organization_id).bind(2, now));
}

std::optional<model::HandshakeRecord> SqliteRepository::find_pending_handshake(std::string_view organization_id,
                                                                               std::string_view action,
                                                                               model::Millis now) {
    auto rows = read_handshakes(stmt(Sql::find_pending_handshake).bind(1, organization_id).bind(2, action).bind(3, now));
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

std::vector<model::HandshakeRecord> SqliteRepository::child_handshakes(std::string_view parent_handshake_id) {
    return read_handshakes(stmt(Sql::child_handshakes).bind(1, parent_handshake_id));
}

std::size_t SqliteRepository::count_open_invitations(std::string_view organization_id, model::Millis now) {
    // Expiry is otherwise evaluated when read; here it is written down, so that the counter the
    // triggers keep is exact. Only the newly lapsed rows are touched.
    stmt(Sql::expire_lapsed).bind(1, organization_id).bind(2, now).bind(3, model::HandshakeRecord::kRetentionMs).run();
    auto& s = stmt(Sql::count_open_invitations).bind(1, organization_id);
    std::size_t n = s.step() ? std::size_t(s.int64(0)) : 0;
    s.reset();
    return n;
}

bool SqliteRepository::invitation_rate_reached(std::string_view organization_id, model::Millis since,
                                               std::size_t limit) {
    // Cheap first: all invitations sent in the window's minutes, accepted or not, bound the count.
    auto& bound = stmt(Sql::invitations_sent_since).bind(1, organization_id).bind(2, since);
    std::size_t upper = bound.step() ? std::size_t(bound.int64(0)) : 0;
    bound.reset();
    if (upper < limit) return false;
    auto& s = stmt(Sql::count_invitations_since).bind(1, organization_id).bind(2, since).bind(3, std::int64_t(limit));
    std::size_t n = s.step() ? std::size_t(s.int64(0)) : 0;
    s.reset();
    return n >= limit;
}

void SqliteRepository::add_message(const model::OutboxMessage& m) {
    stmt(Sql::add_message).bind(1, m.id).bind(2, m.to).bind(3, m.subject).bind(4, m.body);
    bind_optional_text(stmt(Sql::add_message), 5, m.handshake_id);
    stmt(Sql::add_message).bind(6, m.sent_ms).run();
}

std::vector<model::OutboxMessage> SqliteRepository::messages(std::string_view to) {
    auto& s = to.empty() ? stmt(Sql::all_messages) : stmt(Sql::messages_to).bind(1, to);
    std::vector<model::OutboxMessage> out;
    while (s.step()) out.push_back(read_message(s));
    s.reset();
    return out;
}

void SqliteRepository::clear_messages() { conn_.exec("DELETE FROM outbox"); }

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
    conn_.exec(
        "DELETE FROM tags; DELETE FROM accounts; DELETE FROM organizations; DELETE FROM settings;"
        " DELETE FROM handshakes; DELETE FROM outbox; DELETE FROM invite_minutes;");
}

namespace {
// The first statement that reads the file is where SQLite finds out what it is.
[[noreturn]] void unusable_database(const std::string& path, const sqlite_error& e) {
    switch (e.code & 0xff) {
        case SQLITE_NOTADB:
            throw sqlite_error("the file " + path + " is not a SQLite database, so it cannot be localorgs's", e.code);
        case SQLITE_READONLY:
            throw sqlite_error("cannot write to the database " + path + ": the file or its folder is read-only", e.code);
        case SQLITE_CANTOPEN:
            throw sqlite_error("cannot open the database " + path + " (" + e.what() +
                                   "): localorgs needs to create files beside it (its -wal and -shm files)",
                               e.code);
        case SQLITE_CORRUPT:
            throw sqlite_error("the database " + path + " is damaged (" + e.what() + ")", e.code);
        default:
            throw sqlite_error("cannot use the database " + path + ": " + e.what(), e.code);
    }
}
}  // namespace

SqliteStore::SqliteStore(const std::string& path, Durability durability) : conn_(path), repo_(conn_) {
    try {
        open(durability);
    } catch (const sqlite_error& e) {
        unusable_database(path, e);
    }
}

void SqliteStore::open(Durability durability) {
    const char* synchronous = durability == Durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
    conn_.exec("PRAGMA journal_mode=WAL");
    conn_.exec(synchronous);
    conn_.exec("PRAGMA foreign_keys=ON");
    // Savepoint journals stay in memory instead of temporary files.
    conn_.exec("PRAGMA temp_store=MEMORY");
    // Up to 16 MiB of pages stay cached (SQLite's default is 2 MiB), so a busy organization's
    // indexes are read from memory, not from the file.
    conn_.exec("PRAGMA cache_size=-16384");
    sqlite3_busy_timeout(conn_.handle(), 5000);
    schema_version_ = migrate(conn_);
    const char* file = sqlite3_db_filename(conn_.handle(), "main");
    if (file && *file) {
        path_ = file;
        checkpointer_ = std::make_unique<Checkpointer>(conn_, path_, synchronous);
    }
}

SqliteStore::Reader::Reader(const std::string& path) : conn(path), repo(conn) {
    conn.exec("PRAGMA query_only=1");
    conn.exec("PRAGMA cache_size=-8192");
    sqlite3_busy_timeout(conn.handle(), 5000);
}

bool SqliteStore::read(const std::function<void(model::Repository&)>& work) {
    if (path_.empty()) return false;  // an in-memory database has one connection: the writer's
    std::unique_ptr<Reader> reader;
    {
        std::lock_guard lock(readers_mutex_);
        if (!idle_readers_.empty()) {
            reader = std::move(idle_readers_.back());
            idle_readers_.pop_back();
        }
    }
    if (!reader) reader = std::make_unique<Reader>(path_);
    // Back to the pool however this ends, after the transaction below is over.
    struct Return {
        SqliteStore& store;
        std::unique_ptr<Reader>& reader;
        ~Return() {
            std::lock_guard lock(store.readers_mutex_);
            store.idle_readers_.push_back(std::move(reader));
        }
    } give_back{*this, reader};

    // One snapshot for the whole call, as a transaction on the writer would give.
    Transaction tx(reader->conn, Connection::Control::begin_read);
    try {
        work(reader->repo);
    } catch (const read_only_error&) {
        reader->repo.finish_reads();
        return false;
    } catch (...) {
        reader->repo.finish_reads();
        throw;
    }
    reader->repo.finish_reads();
    tx.commit();
    return true;
}

SqliteStore::~SqliteStore() {
    checkpointer_.reset();
    idle_readers_.clear();
    // Fold the WAL back into the database file so a clean shutdown leaves one self-contained file.
    try {
        conn_.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (...) {
    }
}

void SqliteStore::transact(const std::function<void(model::Repository&)>& work) {
    Transaction tx(conn_);
    work(repo_);
    repo_.finish_reads();
    tx.commit();
}

void SqliteStore::transact_each(std::span<model::UnitOfWork> units) {
    if (units.size() == 1) {  // nothing to share
        try {
            transact(units[0].work);
        } catch (...) {
            units[0].error = std::current_exception();
        }
        return;
    }
    // Most units either succeed or are refused before they write anything, so the batch first
    // runs without a savepoint per unit (each costs a copy of every page the unit touches). Only
    // when a unit fails after writing is the batch undone and run again, a savepoint per unit.
    if (!run_batch(units, false)) run_batch(units, true);
}

bool SqliteStore::run_batch(std::span<model::UnitOfWork> units, bool savepoints) {
    using C = Connection::Control;
    sqlite3* db = conn_.handle();
    try {
        Transaction tx(conn_);
        for (auto& u : units) {
            u.error = nullptr;
            if (savepoints) conn_.run(C::savepoint);
            const auto changes = sqlite3_total_changes64(db);
            try {
                u.work(repo_);
                if (savepoints) conn_.run(C::release);
            } catch (...) {
                u.error = std::current_exception();
                // Some failures (I/O, full disk) make SQLite abandon the whole transaction; what
                // follows must not run outside one.
                if (sqlite3_get_autocommit(db)) throw;
                if (savepoints) {
                    conn_.run(C::rollback_to);
                    conn_.run(C::release);
                } else if (sqlite3_total_changes64(db) != changes) {
                    return false;  // this unit wrote before it failed: undo the batch, redo it with savepoints
                }
            }
        }
        repo_.finish_reads();
        tx.commit();
    } catch (...) {
        // The commit (or the database) failed: nothing of the batch stands.
        for (auto& u : units) u.error = std::current_exception();
    }
    return true;
}

}  // namespace localorgs::storage
