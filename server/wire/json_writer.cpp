#include "server/wire/json_writer.hpp"

#include <charconv>

namespace localorgs::server::wire {

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
    json_string_into(out_, s);
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
