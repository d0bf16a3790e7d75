#pragma once
// The one thread that touches the database. Every API call's transaction runs here, one after
// another, so SQLite never sees concurrent writers and needs no locking of its own.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <optional>
#include <thread>

namespace localorgs::server {

class DbThread {
public:
    DbThread() : guard_(ioc_.get_executor()), thread_([this] { ioc_.run(); }) {}
    ~DbThread() { stop(); }
    DbThread(const DbThread&) = delete;
    DbThread& operator=(const DbThread&) = delete;

    template <class F>
    void post(F&& f) {
        boost::asio::post(ioc_, std::forward<F>(f));
    }

    // Runs what was already posted, then ends the thread.
    void stop() {
        guard_.reset();
        if (thread_.joinable()) thread_.join();
    }

private:
    boost::asio::io_context ioc_{1};
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::thread thread_;
};

}  // namespace localorgs::server
