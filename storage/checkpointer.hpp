#pragma once
// Folds the write-ahead log back into the database file on a thread and connection of its own,
// so the database thread never stops to copy pages and sync the file in the middle of a commit
// (SQLite's automatic checkpoint runs inside the commit that crosses the threshold).
#include <atomic>
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
    // itself. Under a steady stream of commits the thread never quite catches up (the log is
    // rewound only when a new transaction finds every page copied), so the writer then copies
    // the few pages the thread has not yet, and the log starts over: it stays a few MiB long.
    static constexpr int kWakeFrames = 1000;
    static constexpr int kInlineFrames = 4 * kWakeFrames;

    // Checkpoints run by the thread and by the writer so far.
    struct Counts {
        std::uint64_t background = 0;
        std::uint64_t inline_ = 0;
    };
    Counts counts() const { return {background_.load(), inline_.load()}; }

private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
    void run();

    Connection& writer_;
    Connection conn_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool due_ = false;
    bool stopping_ = false;
    std::atomic<std::uint64_t> background_{0};
    std::atomic<std::uint64_t> inline_{0};
    std::thread thread_;
};

}  // namespace localorgs::storage
