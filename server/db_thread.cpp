#include "server/db_thread.hpp"

#include <algorithm>

#include "server/log.hpp"

namespace localorgs::server {

DbThread::DbThread(model::Store& store, std::size_t max_batch)
    : store_(store), max_batch_(std::max<std::size_t>(1, max_batch)), thread_([this] { run(); }) {}

DbThread::~DbThread() { stop(); }

void DbThread::submit(Work work, Finish finish) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(work), std::move(finish)});
    }
    wake_.notify_one();
}

void DbThread::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void DbThread::run() {
    std::vector<Job> batch;
    std::vector<model::UnitOfWork> units;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything submitted has run
            std::size_t n = std::min(queue_.size(), max_batch_);
            batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + n));
            queue_.erase(queue_.begin(), queue_.begin() + n);
        }
        units.clear();
        for (auto& job : batch) units.push_back({std::move(job.work), nullptr});
        store_.transact_each(units);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            try {
                batch[i].finish(units[i].error);
            } catch (const std::exception& e) {
                log::error(std::string("database job completion failed: ") + e.what());
            }
        }
        // Nothing of a finished call may stay behind: its closures can hold the I/O side's
        // outstanding work, and the server stops only when none is left.
        batch.clear();
        units.clear();
    }
}

}  // namespace localorgs::server
