#pragma once
// The model's Store and Repository over one SQLite connection (WAL). All calls must come from
// one thread: the server runs every transaction on its database thread.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/repository.hpp"
#include "storage/checkpointer.hpp"
#include "storage/repository.hpp"
#include "storage/sqlite.hpp"

namespace localorgs::storage {

enum class Durability { normal, full };  // synchronous=NORMAL (survives a crash) / FULL (power loss)

class SqliteStore final : public model::Store {
public:
    // Opens (creating if needed) and migrates the database; ":memory:" gives a throwaway one.
    explicit SqliteStore(const std::string& path, Durability durability = Durability::normal);
    ~SqliteStore() override;

    void transact(const std::function<void(model::Repository&)>& work) override;
    void transact_each(std::span<model::UnitOfWork> units) override;
    bool read(const std::function<void(model::Repository&)>& work) override;
    int schema_version() const { return schema_version_; }
    // The writer's repository outside any transaction, where each statement commits on its own
    // (model tests, tools that seed a database).
    model::Repository& repository() { return repo_; }
    Connection& connection() { return conn_; }
    // How often the WAL was checkpointed, and by whom; zero for an in-memory database.
    Checkpointer::Counts checkpoints() const {
        return checkpointer_ ? checkpointer_->counts() : Checkpointer::Counts{};
    }

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
    std::string path_;                            // empty for an in-memory database
    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<Reader>> idle_readers_;
};

}  // namespace localorgs::storage
