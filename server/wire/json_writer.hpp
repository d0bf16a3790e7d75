#pragma once
// Writes JSON straight into a string: the responses' hot path, where building a document first
// (a map per object, a node per value) cost more than the database work of a read.
#include <cstdint>
#include <string>
#include <string_view>

namespace localorgs::server::wire {

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
