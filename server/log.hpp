#pragma once
// Leveled logging to stderr, as text or one JSON object per line; stdout carries only the ready
// line. Every line is one write(2) of at most a few hundred bytes, so lines from different
// threads never interleave (a pipe takes up to PIPE_BUF bytes at once) and no lock is taken.
#include <chrono>
#include <cstdint>
#include <string_view>

namespace localorgs::server::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };
enum class Format { text, json };

void set_level(std::string_view name);
void set_format(std::string_view name);  // "text" (default) or "json"
bool enabled(Level level);
void write(Level level, std::string_view message);

inline void debug(std::string_view m) {
    if (enabled(Level::debug)) write(Level::debug, m);
}
inline void info(std::string_view m) {
    if (enabled(Level::info)) write(Level::info, m);
}
inline void warn(std::string_view m) {
    if (enabled(Level::warn)) write(Level::warn, m);
}
inline void error(std::string_view m) { write(Level::error, m); }

// One answered request, logged at info. Holds only what is safe to show: never a header, a
// body, a key or a token. "-" stands for what a request does not have (the control plane's
// caller and request id); an empty `error` is a success.
struct Request {
    std::string_view request_id;
    std::string_view caller;
    std::string_view operation;  // the AWS operation, or "METHOD /path" on the control plane
    unsigned status;
    std::string_view error;  // the AWS __type (or the control plane's Error) of a failure
    std::chrono::steady_clock::time_point started;
};

// The request's line, with its latency up to now: formatted on the stack, no allocation.
void request(const Request& r);
inline void request_if_enabled(const Request& r) {
    if (enabled(Level::info)) request(r);
}

}  // namespace localorgs::server::log
