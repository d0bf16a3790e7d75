#pragma once
// The parts of a request target the server reads: the path and percent-decoded query parameters.
#include <optional>
#include <string>
#include <string_view>

namespace localorgs::server::url {

inline std::string_view path(std::string_view target) { return target.substr(0, target.find('?')); }

// %XX -> the byte; anything else, '+' and malformed escapes included, stays as it is (the values
// read here, emails and credentials, never mean a space by '+').
std::string percent_decode(std::string_view s);
// The same, appended to `out`.
void percent_decode_into(std::string_view s, std::string& out);

// The decoded value of the first `name=` parameter of the query, if any.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

}  // namespace localorgs::server::url
