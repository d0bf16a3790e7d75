#pragma once
// The one thread that touches the database. Every API call's work runs here, so SQLite never
// sees concurrent writers. Work that arrives while a transaction is running is batched into the
// next one (group commit): one commit, one sync, for all of it; each caller's `finish` runs only
// after that commit, so nobody hears of a write before it is durable.
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "model/repository.hpp"

namespace localorgs::server {

class DbThread {
public:
    using Work = std::function<void(model::Repository&)>;
    // Runs on the database thread after the commit: null when the work stands, else what it threw.
    using Finish = std::function<void(std::exception_ptr)>;

    explicit DbThread(model::Store& store, std::size_t max_batch = 256);
    ~DbThread();
    DbThread(const DbThread&) = delete;
    DbThread& operator=(const DbThread&) = delete;

    void submit(Work work, Finish finish);
    // Runs what was already submitted, then ends the thread.
    void stop();

private:
    struct Job {
        Work work;
        Finish finish;
    };
    void run();

    model::Store& store_;
    const std::size_t max_batch_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Job> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace localorgs::server
