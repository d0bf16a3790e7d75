#pragma once
// Folds the write-ahead log back into the database file on a thread and connection of its own,
// so the database thread never stops to copy pages and sync the file in the middle of a commit
// (SQLite's automatic checkpoint runs inside the commit that crosses the threshold).
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite.hpp"

namespace localorgs::storage {

class Checkpointer {
public:
    // `writer` is the connection that commits; it must outlive this object. `synchronous` is its
    // PRAGMA synchronous setting, which a checkpoint's syncs follow.
    Checkpointer(Connection& writer, const std::string& path, const char* synchronous);
    ~Checkpointer();
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // WAL pages that wake the checkpointer, and the length at which the writer checkpoints
    // itself because the thread has fallen far behind (the WAL must not grow without end).
    static constexpr int kWakeFrames = 1000;
    static constexpr int kInlineFrames = 16 * kWakeFrames;

private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
    void run();

    Connection& writer_;
    Connection conn_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool due_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace localorgs::storage
