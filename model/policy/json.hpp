#pragma once
// Reading policy documents: the one place of the model that parses JSON (docs/ARCHITECTURE.md).
// Internal to model/policy/: nothing outside includes this header.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace localorgs::model::policy::detail {

// Objects keep their members in document order: the effective policy lists settings in the order
// the policies wrote them, as the User Guide's "Inheritance examples" print them.
using Json = nlohmann::ordered_json;

// No policy type nests anywhere near this deep (a backup plan's lifecycle, the deepest, is about
// ten levels); the bound keeps every recursive walk over a document shallow.
inline constexpr std::size_t kMaxDepth = 32;

// `content` as one JSON value. Refuses (MalformedPolicyDocumentException, saying what and where)
// text that is not JSON, invalid UTF-8, content after the first value ("two top-level objects is
// the classic error", the User Guide's "Troubleshooting policies"), a key repeated within one
// object, and nesting deeper than kMaxDepth.
Json parse(std::string_view content);
// parse(), and refuses a document that is not one JSON object.
Json parse_object(std::string_view content);

[[noreturn]] void malformed(std::string message);

// `s` in double quotes for a message, cut at 60 bytes (on a UTF-8 boundary) so that a huge key
// cannot make a huge message.
std::string in_quotes(std::string_view s);

// "an object", "a string", ... for messages.
std::string_view kind(const Json& v);

// A value a setting or a condition may hold.
inline bool is_scalar(const Json& v) {
    return v.is_string() || v.is_number() || v.is_boolean();
}

// Paths in messages: at("Statement", 1) is "Statement[1]", at("tags", "costcenter") "tags.costcenter".
std::string at(const std::string& path, std::string_view key);
std::string at(const std::string& path, std::size_t index);

}  // namespace localorgs::model::policy::detail
