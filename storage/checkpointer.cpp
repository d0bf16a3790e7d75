#include "storage/checkpointer.hpp"

namespace localorgs::storage {

Checkpointer::Checkpointer(Connection& writer, const std::string& path, const char* synchronous)
    : writer_(writer), conn_(path) {
    conn_.exec(synchronous);
    // Replaces SQLite's automatic checkpoint on the writer.
    sqlite3_wal_hook(writer_.handle(), &Checkpointer::on_commit, this);
    thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
    sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
    auto* me = static_cast<Checkpointer*>(self);
    if (frames >= kInlineFrames) {
        // Readers never hold the WAL here, so a passive checkpoint by the writer catches up fully
        // and the next transaction starts the log from its beginning again.
        if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK)
            ++me->inline_;
    } else if (frames >= kWakeFrames) {
        {
            std::lock_guard lock(me->mutex_);
            me->due_ = true;
        }
        me->wake_.notify_one();
    }
    return SQLITE_OK;
}

void Checkpointer::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return due_ || stopping_; });
        if (stopping_) return;
        due_ = false;
        lock.unlock();
        // Passive: copies what it can without waiting for, or blocking, the writer. A busy answer
        // (the writer is checkpointing itself) just means the work is being done.
        if (sqlite3_wal_checkpoint_v2(conn_.handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
            SQLITE_OK)
            ++background_;
        lock.lock();
    }
}

}  // namespace localorgs::storage
