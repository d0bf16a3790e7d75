#include "storage/sqlite_store.hpp"

#include "storage/migrations.hpp"

namespace localorgs::storage {
namespace {
// The first statement that reads the file is where SQLite finds out what it is.
[[noreturn]] void unusable_database(const std::string& path, const sqlite_error& e) {
    switch (e.code & 0xff) {
        case SQLITE_NOTADB:
            throw sqlite_error("the file " + path + " is not a SQLite database, so it cannot be localorgs's",
                               e.code);
        case SQLITE_READONLY:
            throw sqlite_error(
                "cannot write to the database " + path + ": the file or its folder is read-only", e.code);
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
    const char* synchronous =
        durability == Durability::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
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
                    return false;  // this unit wrote before it failed: undo the batch, redo it with
                                   // savepoints
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
