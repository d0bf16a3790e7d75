#pragma once
// The parts of a request target the server reads: the path and percent-decoded query parameters.
#include <optional>
#include <string>
#include <string_view>

namespace localorgs::server::url {

inline std::string_view path(std::string_view target) { return target.substr(0, target.find('?')); }

std::string percent_decode(std::string_view s);

// The decoded value of the first `name=` parameter of the query, if any.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

}  // namespace localorgs::server::url
