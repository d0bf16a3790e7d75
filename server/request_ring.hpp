#pragma once
// The most recent answered API calls, kept in memory for the console's Requests page
// (GET /_localorgs/requests): a ring of fixed-size entries, so recording a call allocates nothing
// and holds one lock for the copy of a couple of hundred bytes. It holds what a request line of
// the log holds (server/log.hpp) and nothing more: never a header, a body, a key or a token.
//
// It also counts changes: every API call that may have changed state, and every change the
// control plane makes, moves `generation()`, which the console polls to know when to refresh.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "server/log.hpp"

namespace localorgs::server {

class RequestRing {
public:
    static constexpr std::size_t kCapacity = 1000;

    struct Entry {
        std::uint64_t seq = 0;         // 1 for the first call recorded, then one more per call
        std::int64_t time_ms = 0;      // when it was answered, real time (epoch milliseconds)
        std::uint64_t latency_us = 0;  // from the moment the request was read
        unsigned status = 0;
        // NUL-terminated, cut to fit; "" for what a call does not have.
        char request_id[48] = {};
        char caller[24] = {};
        char operation[64] = {};
        char error[72] = {};
    };

    RequestRing() : entries_(std::make_unique<std::array<Entry, kCapacity>>()) {}

    // Called once per answered API call, from any thread.
    void record(const log::Request& request);
    // The entries after `after` (a seq), newest first, at most `limit`; older ones may have been
    // overwritten.
    std::vector<Entry> newest(std::uint64_t after, std::size_t limit) const;
    std::uint64_t last() const;  // the seq of the newest entry, 0 when none

    std::uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }
    void changed() { generation_.fetch_add(1, std::memory_order_relaxed); }

private:
    mutable std::mutex mutex_;
    std::unique_ptr<std::array<Entry, kCapacity>> entries_;
    std::uint64_t last_ = 0;
    std::atomic<std::uint64_t> generation_{0};
};

}  // namespace localorgs::server
