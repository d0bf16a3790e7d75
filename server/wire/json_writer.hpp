#pragma once
// Writes JSON straight into a string: the responses' hot path, where building a document first
// (a map per object, a node per value) cost more than the database work of a read.
#include <cstdint>
#include <string>
#include <string_view>

namespace localorgs::server::wire {

namespace detail {
// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one (overlong forms,
// surrogates and code points past U+10FFFF included).
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
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

}  // namespace detail

// A JSON string, quoted and escaped, appended to `out` (anything with push_back(char) and
// append(const char*, std::size_t)): valid UTF-8 is kept as it is, a byte that starts no valid
// sequence becomes U+FFFD, so the text is always valid JSON and valid UTF-8. The one escaping of
// every JSON the server writes: responses (JsonWriter) and log lines (server/log.cpp).
template <class Out>
void json_string_into(Out& out, std::string_view s) {
    out.push_back('"');
    std::size_t run = 0;  // start of the stretch that needs no escaping
    auto flush = [&](std::size_t end) { out.append(s.data() + run, end - run); };
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            if (std::size_t n = detail::utf8_length(s, i)) {
                i += n;
                continue;
            }
            flush(i);
            out.append("\xEF\xBF\xBD", 3);  // U+FFFD for a byte that starts no valid sequence
            run = ++i;
            continue;
        }
        flush(i);
        switch (c) {
            case '"': out.append("\\\"", 2); break;
            case '\\': out.append("\\\\", 2); break;
            case '\b': out.append("\\b", 2); break;
            case '\f': out.append("\\f", 2); break;
            case '\n': out.append("\\n", 2); break;
            case '\r': out.append("\\r", 2); break;
            case '\t': out.append("\\t", 2); break;
            default: {
                static constexpr char hex[] = "0123456789abcdef";
                const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                out.append(esc, sizeof esc);
            }
        }
        run = ++i;
    }
    flush(s.size());
    out.push_back('"');
}

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }

    // A member name: the service model's names, which never need escaping.
    JsonWriter& key(std::string_view name);

    JsonWriter& string(std::string_view s);  // escaped; invalid UTF-8 becomes U+FFFD
    JsonWriter& integer(std::int64_t n);
    JsonWriter& boolean(bool b);
    // Epoch seconds with the milliseconds as a fraction, as AWS's awsJson timestamps.
    JsonWriter& timestamp(std::int64_t ms);

    // key + value in one
    JsonWriter& member(std::string_view name, std::string_view s) { return key(name).string(s); }

private:
    JsonWriter& open(char c);
    JsonWriter& close(char c);
    void separate();  // a comma before every value but the first of its container

    static constexpr int kMaxDepth = 32;
    std::string& out_;
    bool first_[kMaxDepth + 1] = {true};
    int depth_ = 0;
    bool after_key_ = false;
};

}  // namespace localorgs::server::wire
