#include "server/log.hpp"

#include "server/wire/json_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <ctime>

namespace localorgs::server::log {
namespace {

std::atomic<int> g_level{int(Level::info)};
std::atomic<int> g_format{int(Format::text)};
constexpr const char* kNames[] = {"debug", "info", "warn", "error"};

// A line is built in a fixed buffer on the stack and cut if it would not fit: below PIPE_BUF,
// so one write(2) puts it whole into a pipe. Request lines are far shorter.
constexpr std::size_t kMaxLine = 4000;
// A control-plane path is shown up to this length.
constexpr std::size_t kMaxOperation = 256;

class Line {
public:
    void raw(std::string_view s) {
        std::size_t n = std::min(s.size(), kMaxLine - 1 - size_);  // keeps room for the newline
        s.copy(buf_ + size_, n);
        size_ += n;
    }
    void ch(char c) { raw(std::string_view(&c, 1)); }
    void number(std::uint64_t v) {
        char digits[20];
        auto end = std::to_chars(digits, digits + sizeof digits, v).ptr;
        raw(std::string_view(digits, std::size_t(end - digits)));
    }
    void hex_byte(const char* prefix, unsigned char c) {
        constexpr char kHex[] = "0123456789abcdef";
        raw(prefix);
        ch(kHex[c >> 4]);
        ch(kHex[c & 15]);
    }
    // For wire::json_string_into, the escaping of every JSON the server writes.
    void push_back(char c) { ch(c); }
    void append(const char* p, std::size_t n) { raw(std::string_view(p, n)); }
    void json_string(std::string_view s) { wire::json_string_into(*this, s); }
    // A logfmt value: bare when it is a plain word, else quoted with \" \\ and \xHH escapes.
    void text_value(std::string_view s) {
        bool plain = !s.empty();
        for (unsigned char c : s) plain = plain && c > 0x20 && c < 0x7f && c != '"' && c != '=' && c != '\\';
        if (plain) return raw(s);
        ch('"');
        for (unsigned char c : s) {
            if (c == '"' || c == '\\') {
                ch('\\');
                ch(char(c));
            } else if (c < 0x20 || c >= 0x7f) {
                hex_byte("\\x", c);
            } else {
                ch(char(c));
            }
        }
        ch('"');
    }
    // UTC with milliseconds. The date and time of day are formatted once a second per thread.
    void timestamp() {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
        std::time_t seconds = std::time_t(ms / 1000);
        thread_local std::time_t cached = -1;
        thread_local char date[24];
        thread_local std::size_t date_size = 0;
        if (seconds != cached) {
            std::tm tm{};
            gmtime_r(&seconds, &tm);
            date_size = std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S.", &tm);
            cached = seconds;
        }
        raw(std::string_view(date, date_size));
        int milli = int(ms % 1000);
        ch(char('0' + milli / 100));
        ch(char('0' + milli / 10 % 10));
        ch(char('0' + milli % 10));
        ch('Z');
    }
    // Ends the line and hands it to stderr in one write.
    void emit() {
        buf_[size_++] = '\n';
        const char* p = buf_;
        std::size_t left = size_;
        while (left > 0) {
            ssize_t n = ::write(STDERR_FILENO, p, left);
            if (n < 0) {
                if (errno == EINTR) continue;
                return;  // nowhere to report a failing stderr
            }
            p += n;
            left -= std::size_t(n);
        }
    }

private:
    char buf_[kMaxLine];
    std::size_t size_ = 0;
};

bool json() { return g_format.load(std::memory_order_relaxed) == int(Format::json); }

// Time and level, opening the JSON object or the text line.
void start(Line& line, Level level) {
    if (json()) {
        line.raw(R"({"time":")");
        line.timestamp();
        line.raw(R"(","level":")");
        line.raw(kNames[int(level)]);
        line.raw(R"(",)");
    } else {
        line.timestamp();
        line.ch(' ');
        std::string_view name = kNames[int(level)];
        line.raw(name);
        line.raw(std::string_view("      ", 6 - name.size()));
    }
}

}  // namespace

void set_level(std::string_view name) {
    for (int i = 0; i < 4; ++i)
        if (name == kNames[i]) g_level = i;
}

void set_format(std::string_view name) { g_format = int(name == "json" ? Format::json : Format::text); }

bool enabled(Level level) { return int(level) >= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view message) {
    Line line;
    start(line, level);
    if (json()) {
        line.raw(R"("message":)");
        line.json_string(message);
        line.ch('}');
    } else {
        line.raw(message);
    }
    line.emit();
}

void request(const Request& r) {
    auto latency = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - r.started);
    std::uint64_t latency_us = latency.count() > 0 ? std::uint64_t(latency.count()) : 0;
    std::string_view operation = r.operation.substr(0, kMaxOperation);
    Line line;
    start(line, Level::info);
    if (json()) {
        line.raw(R"("request_id":)");
        line.json_string(r.request_id);
        line.raw(R"(,"caller":)");
        line.json_string(r.caller);
        line.raw(R"(,"operation":)");
        line.json_string(operation);
        line.raw(R"(,"status":)");
        line.number(r.status);
        line.raw(R"(,"error":)");
        if (r.error.empty()) line.raw("null");
        else line.json_string(r.error);
        line.raw(R"(,"latency_us":)");
        line.number(latency_us);
        line.ch('}');
    } else {
        line.raw("request_id=");
        line.text_value(r.request_id);
        line.raw(" caller=");
        line.text_value(r.caller);
        line.raw(" operation=");
        line.text_value(operation);
        line.raw(" status=");
        line.number(r.status);
        line.raw(" error=");
        line.text_value(r.error.empty() ? std::string_view("-") : r.error);
        line.raw(" latency_us=");
        line.number(latency_us);
    }
    line.emit();
}

}  // namespace localorgs::server::log
