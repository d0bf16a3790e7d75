#pragma once
// Keyset pagination with opaque NextTokens. A token names the list it belongs to (kind and
// scope, e.g. "accounts" in an organization) and the last key served; a checksum rejects tokens
// that were altered or belong to another list (INVALID_NEXT_TOKEN).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace localorgs::model {

struct PageRequest {
    std::optional<int> max_results;  // 1..20 (validated from the model); absent: 20
    std::optional<std::string> next_token;

    std::size_t limit() const { return static_cast<std::size_t>(max_results.value_or(20)); }
};

// The paging members of any List* request.
template <class Request>
PageRequest page_of(const Request& request) {
    return {request.max_results, request.next_token};
}

std::string encode_page_token(std::string_view kind, std::string_view scope, std::string_view last_key);

// The last key served, or "" for the first page. Throws InvalidInputException INVALID_NEXT_TOKEN.
std::string decode_page_token(const PageRequest& request, std::string_view kind, std::string_view scope);

}  // namespace localorgs::model
