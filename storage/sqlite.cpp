#include "storage/sqlite.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <mutex>

namespace localorgs::storage {
namespace {

constexpr const char* kControlSql[] = {"BEGIN IMMEDIATE", "BEGIN",        "COMMIT",          "ROLLBACK",
                                       "SAVEPOINT unit",  "RELEASE unit", "ROLLBACK TO unit"};
static_assert(std::size(kControlSql) == std::size_t(Connection::Control::count_));

void configure_library() {
    // Process-wide settings, which SQLite accepts only before it initialises. Memory statistics
    // take a global mutex on every allocation, and nothing here reads them.
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

// Why a database file cannot be opened, in the words of the file system: SQLite's own message
// ("unable to open database file") does not say.
std::string open_failure_reason(const std::string& path, const char* sqlite_message) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) return "it is a folder, not a file";
        if (::access(path.c_str(), R_OK | W_OK) != 0)
            return std::string("the file is not readable and writable (") + std::strerror(errno) + ")";
        return sqlite_message;
    }
    const auto slash = path.find_last_of('/');
    const std::string folder = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    if (::stat(folder.c_str(), &st) != 0) return "the folder " + folder + " does not exist";
    if (!S_ISDIR(st.st_mode)) return folder + " is not a folder";
    if (::access(folder.c_str(), W_OK | X_OK) != 0)
        return "the folder " + folder + " is not writable (" + std::strerror(errno) + ")";
    return sqlite_message;
}

}  // namespace

Connection::Connection(const std::string& path) {
    configure_library();
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        const int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM;
        sqlite3_close(db_);
        db_ = nullptr;
        throw sqlite_error("cannot open the database " + path + ": " + open_failure_reason(path, msg.c_str()),
                           code);
    }
    sqlite3_extended_result_codes(db_, 1);
}

Connection::~Connection() {
    for (auto* s : control_) sqlite3_finalize(s);
    // sqlite3_close_v2 defers the close until every statement is finalized; statements are owned
    // by objects destroyed before the connection, so this completes here.
    if (db_) sqlite3_close_v2(db_);
}

void Connection::fail(const char* what) const {
    throw sqlite_error(std::string(what) + ": " + sqlite3_errmsg(db_), sqlite3_extended_errcode(db_));
}

void Connection::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw sqlite_error(msg, sqlite3_extended_errcode(db_));
    }
}

void Connection::run(Control which) {
    auto& s = control_[std::size_t(which)];
    if (!s && sqlite3_prepare_v3(db_, kControlSql[std::size_t(which)], -1, SQLITE_PREPARE_PERSISTENT, &s,
                                 nullptr) != SQLITE_OK)
        fail("prepare");
    if (sqlite3_step(s) != SQLITE_DONE) {
        std::string msg = std::string(kControlSql[std::size_t(which)]) + ": " + sqlite3_errmsg(db_);
        const int code = sqlite3_extended_errcode(db_);
        sqlite3_reset(s);
        throw sqlite_error(msg, code);
    }
    sqlite3_reset(s);
}

namespace {
std::size_t& query_count() {
    static std::size_t n = 0;
    return n;
}
}  // namespace

std::size_t Query::next_slot() {
    return query_count()++;
}
std::size_t Query::count() {
    return query_count();
}

Statement& Statements::operator()(const Query& query) {
    if (prepared_.size() <= query.slot()) prepared_.resize(Query::count());
    auto& slot = prepared_[query.slot()];
    if (!slot) slot = std::make_unique<Statement>(conn_, query.sql());
    return *slot;
}

void Statements::finish_all() {
    for (auto& s : prepared_)
        if (s) s->finish();
}

Statement::Statement(Connection& conn, std::string_view sql) : conn_(conn) {
    if (sqlite3_prepare_v3(conn.handle(), sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                           nullptr) != SQLITE_OK)
        conn.fail("prepare");
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    dirty_ = false;
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    if (dirty_) reset();
    if (sqlite3_bind_text(stmt_, index, text.data(), int(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        conn_.fail("bind");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (dirty_) reset();
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) conn_.fail("bind");
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (dirty_) reset();
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) conn_.fail("bind");
    return *this;
}

bool Statement::step() {
    dirty_ = true;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if ((rc & 0xff) == SQLITE_READONLY) {
        sqlite3_reset(stmt_);
        throw read_only_error("step: the connection is read-only");
    }
    sqlite3_reset(stmt_);
    conn_.fail("step");
}

std::string_view Statement::text_view(int column) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (!p) return {};
    return {p, std::size_t(sqlite3_column_bytes(stmt_, column))};
}

std::string Statement::text(int column) const {
    return std::string(text_view(column));
}
std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}
bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Transaction::Transaction(Connection& conn, Connection::Control begin) : conn_(conn) {
    conn_.run(begin);
}

Transaction::~Transaction() {
    if (done_) return;
    try {
        conn_.run(Connection::Control::rollback);
    } catch (const sqlite_error&) {
        // Nothing to undo: SQLite already rolled the transaction back when it failed.
    }
}

void Transaction::commit() {
    conn_.run(Connection::Control::commit);
    done_ = true;
}

}  // namespace localorgs::storage
