#include "server/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace localorgs::server::log {
namespace {
std::atomic<int> g_level{int(Level::info)};
std::mutex g_mutex;
constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
}  // namespace

void set_level(std::string_view name) {
    for (int i = 0; i < 4; ++i)
        if (name == kNames[i]) g_level = i;
}

bool enabled(Level level) { return int(level) >= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view message) {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    std::lock_guard lock(g_mutex);
    std::fprintf(stderr, "%s %-5s %.*s\n", stamp, kNames[int(level)], int(message.size()), message.data());
}

}  // namespace localorgs::server::log
