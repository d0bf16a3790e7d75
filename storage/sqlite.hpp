#pragma once
// Small RAII wrappers over the SQLite C API: a connection, a prepared statement, a transaction.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace localorgs::storage {

struct sqlite_error : std::runtime_error {
    explicit sqlite_error(const std::string& message, int code = 0)
        : std::runtime_error(message), code(code) {}
    int code;  // SQLite's extended result code, 0 when the error is localorgs's own
};
// A statement tried to write through a connection opened for reading only.
struct read_only_error : sqlite_error {
    using sqlite_error::sqlite_error;
};

class Connection {
public:
    explicit Connection(const std::string& path);  // creates the file if needed
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void exec(const char* sql);  // one or more statements, no results
    sqlite3* handle() const { return db_; }
    [[noreturn]] void fail(const char* what) const;

    // Transaction control runs once or more per API call: prepared once, not parsed each time.
    enum class Control { begin, begin_read, commit, rollback, savepoint, release, rollback_to, count_ };
    void run(Control which);

private:
    sqlite3* db_ = nullptr;
    sqlite3_stmt* control_[std::size_t(Control::count_)] = {};
};

class Statement {
public:
    Statement(Connection& conn, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Binding resets the statement first, so a cached statement can be reused directly.
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_null(int index);
    Statement& bind(int index, const std::optional<std::int64_t>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }
    Statement& reset();
    void finish() {  // resets only when used since the last reset
        if (dirty_) reset();
    }

    bool step();  // true while a row is available
    void run() {  // for statements without results
        step();
        reset();
    }

    std::string text(int column) const;
    std::string_view text_view(int column) const;  // valid until the next step/reset
    std::int64_t int64(int column) const;
    bool is_null(int column) const;

private:
    Connection& conn_;
    sqlite3_stmt* stmt_ = nullptr;
    bool dirty_ = false;
};

// A statement declared once, by name, next to its SQL, as a constant at namespace scope:
//     const Query kFindAccount{"SELECT ... FROM accounts WHERE id = ?1"};
// Each Query gets a slot of its own when it is constructed (before main), so a connection's
// Statements can keep the prepared statement in a plain array, prepared on first use.
class Query {
public:
    explicit Query(const char* sql) : sql_(sql), slot_(next_slot()) {}
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    const char* sql() const { return sql_; }
    std::size_t slot() const { return slot_; }
    static std::size_t count();  // Queries declared in the program

private:
    static std::size_t next_slot();
    const char* sql_;
    std::size_t slot_;
};

// The prepared statements of one connection, each prepared once and then reused.
class Statements {
public:
    explicit Statements(Connection& conn) : conn_(conn) {}
    Statement& operator()(const Query& query);
    // Ends every query still open (a SELECT left on its last row keeps the connection's read
    // snapshot open after COMMIT, which stops the checkpointer from ever rewinding the WAL).
    void finish_all();
    Connection& connection() const { return conn_; }

private:
    Connection& conn_;
    std::vector<std::unique_ptr<Statement>> prepared_;
};

// BEGIN IMMEDIATE (or a plain, deferred BEGIN for reading) on construction; rolls back in the
// destructor unless committed.
class Transaction {
public:
    explicit Transaction(Connection& conn, Connection::Control begin = Connection::Control::begin);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Connection& conn_;
    bool done_ = false;
};

}  // namespace localorgs::storage
