#include "server/wire/json_writer.hpp"

#include <charconv>

namespace localorgs::server::wire {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points past U+10FFFF included).
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    const unsigned char c = b(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2)) return 0;
        if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
        if (c == 0xED && b(1) > 0x9F) return 0;  // surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) return 0;
        if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
        if (c == 0xF4 && b(1) > 0x8F) return 0;  // past U+10FFFF
        return 4;
    }
    return 0;
}

}  // namespace

void JsonWriter::separate() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_[depth_]) out_.push_back(',');
    first_[depth_] = false;
}

JsonWriter& JsonWriter::open(char c) {
    separate();
    out_.push_back(c);
    // Deeper than any shape of the service: flatten the bookkeeping rather than overflow it.
    if (depth_ < kMaxDepth) ++depth_;
    first_[depth_] = true;
    return *this;
}

JsonWriter& JsonWriter::close(char c) {
    out_.push_back(c);
    if (depth_ > 0) --depth_;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    separate();
    out_.push_back('"');
    out_.append(name);
    out_.append("\":");
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
    separate();
    out_.push_back('"');
    std::size_t run = 0;  // start of the stretch that needs no escaping
    auto flush = [&](std::size_t end) { out_.append(s.data() + run, end - run); };
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (std::size_t n = utf8_length(s, i)) {
                i += n;
                continue;
            }
            flush(i);
            out_.append("\xEF\xBF\xBD");  // U+FFFD for a byte that starts no valid sequence
            run = ++i;
            continue;
        }
        flush(i);
        switch (c) {
            case '"': out_.append("\\\""); break;
            case '\\': out_.append("\\\\"); break;
            case '\b': out_.append("\\b"); break;
            case '\f': out_.append("\\f"); break;
            case '\n': out_.append("\\n"); break;
            case '\r': out_.append("\\r"); break;
            case '\t': out_.append("\\t"); break;
            default: {
                static constexpr char hex[] = "0123456789abcdef";
                char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                out_.append(esc, sizeof esc);
            }
        }
        run = ++i;
    }
    flush(s.size());
    out_.push_back('"');
    return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t n) {
    separate();
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, n).ptr;
    out_.append(buf, end);
    return *this;
}

JsonWriter& JsonWriter::boolean(bool b) {
    separate();
    out_.append(b ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::timestamp(std::int64_t ms) {
    separate();
    char buf[32];
    const bool negative = ms < 0;
    const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
    char* p = buf;
    if (negative) *p++ = '-';
    p = std::to_chars(p, buf + sizeof buf, magnitude / 1000).ptr;
    unsigned frac = unsigned(magnitude % 1000);
    *p++ = '.';
    if (frac == 0) {
        *p++ = '0';  // a fraction always, as the service's number format has
    } else {
        char digits[3] = {char('0' + frac / 100), char('0' + frac / 10 % 10), char('0' + frac % 10)};
        int n = 3;
        while (digits[n - 1] == '0') --n;
        for (int k = 0; k < n; ++k) *p++ = digits[k];
    }
    out_.append(buf, p);
    return *this;
}

}  // namespace localorgs::server::wire
