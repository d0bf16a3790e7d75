#include "server/request_ring.hpp"

#include <algorithm>
#include <chrono>

#include "server/operations.hpp"

namespace localorgs::server {
namespace {

template <std::size_t N>
void copy_cut(char (&to)[N], std::string_view from) {
    std::size_t n = std::min(from.size(), N - 1);
    from.copy(to, n);
    to[n] = '\0';
}

}  // namespace

void RequestRing::record(const log::Request& r) {
    using namespace std::chrono;
    // Everything is prepared before the lock; under it, one copy.
    Entry e;
    e.time_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    auto latency = duration_cast<microseconds>(steady_clock::now() - r.started).count();
    e.latency_us = latency > 0 ? std::uint64_t(latency) : 0;
    e.status = r.status;
    copy_cut(e.request_id, r.request_id == "-" ? std::string_view() : r.request_id);
    copy_cut(e.caller, r.caller == "-" ? std::string_view() : r.caller);
    copy_cut(e.operation, r.operation == "-" ? std::string_view() : r.operation);
    copy_cut(e.error, r.error);
    // A successful Describe or List changed nothing the console shows; anything else may have
    // (a refusal still consumes an injected fault).
    if (r.status >= 300 || !OperationTable::reads_only(r.operation)) changed();
    std::lock_guard lock(mutex_);
    e.seq = ++last_;
    (*entries_)[e.seq % kCapacity] = e;
}

std::vector<RequestRing::Entry> RequestRing::newest(std::uint64_t after, std::size_t limit) const {
    std::vector<Entry> out;
    std::lock_guard lock(mutex_);
    std::uint64_t oldest_kept = last_ >= kCapacity ? last_ - kCapacity + 1 : 1;
    std::uint64_t from = std::max(after + 1, oldest_kept);
    std::size_t n = last_ >= from ? std::size_t(last_ - from + 1) : 0;
    n = std::min(n, limit);
    out.reserve(n);
    for (std::uint64_t seq = last_; out.size() < n; --seq) out.push_back((*entries_)[seq % kCapacity]);
    return out;
}

std::uint64_t RequestRing::last() const {
    std::lock_guard lock(mutex_);
    return last_;
}

}  // namespace localorgs::server
