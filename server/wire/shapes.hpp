#pragma once
// JSON <-> model types: the only place where JSON meets the domain. Member names and shapes are
// those of the service model; timestamps are epoch seconds with millisecond fractions.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/pagination.hpp"
#include "model/types.hpp"

namespace localorgs::server::wire {

using nlohmann::json;

inline double timestamp(model::Millis ms) { return double(ms) / 1000.0; }

json to_json(const model::Organization& o);
json to_json(const model::Account& a);
json to_json(const model::Root& r);
json to_json(const model::Parent& p);
json to_json(const model::Child& c);
json to_json(const model::Tag& t);
json to_json(const model::Handshake& h);

// {"<list_member>": [...], "NextToken"?: "..."} (NextToken omitted on the last page).
template <class T>
json page_to_json(const model::Page<T>& page, const char* list_member) {
    json items = json::array();
    for (const auto& item : page.items) items.push_back(to_json(item));
    json out = json::object();
    out[list_member] = std::move(items);
    if (page.next_token) out["NextToken"] = *page.next_token;
    return out;
}

// Input members; the validator has already checked presence and types against the model.
std::string string_member(const json& in, const char* name);
std::optional<std::string> optional_string(const json& in, const char* name);
model::PageRequest page_request(const json& in);
std::vector<model::Tag> tags_member(const json& in, const char* name);
std::vector<std::string> strings_member(const json& in, const char* name);

}  // namespace localorgs::server::wire
