#pragma once
// JSON <-> model types: the only place where JSON meets the domain. Member names and shapes are
// those of the service model; timestamps are epoch seconds with millisecond fractions.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/pagination.hpp"
#include "model/types.hpp"
#include "server/wire/json_writer.hpp"

namespace localorgs::server::wire {

using nlohmann::json;

// Output shapes, written straight into the response body.
void write(JsonWriter& w, const model::Organization& o);
void write(JsonWriter& w, const model::Account& a);
void write(JsonWriter& w, const model::Root& r);
void write(JsonWriter& w, const model::Parent& p);
void write(JsonWriter& w, const model::Child& c);
void write(JsonWriter& w, const model::Tag& t);
void write(JsonWriter& w, const model::Handshake& h);

// {"<member>": shape}
template <class T>
std::string single_to_json(const T& value, std::string_view member) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key(member);
    write(w, value);
    w.end_object();
    return out;
}

// {"<list_member>": [...], "NextToken"?: "..."} (NextToken omitted on the last page).
template <class T>
std::string page_to_json(const model::Page<T>& page, std::string_view list_member) {
    std::string out;
    JsonWriter w(out);
    w.begin_object().key(list_member).begin_array();
    for (const auto& item : page.items) write(w, item);
    w.end_array();
    if (page.next_token) w.member("NextToken", *page.next_token);
    w.end_object();
    return out;
}

// Input members; the validator has already checked presence and types against the model.
std::string string_member(const json& in, const char* name);
std::optional<std::string> optional_string(const json& in, const char* name);
model::PageRequest page_request(const json& in);
std::vector<model::Tag> tags_member(const json& in, const char* name);
std::vector<std::string> strings_member(const json& in, const char* name);

}  // namespace localorgs::server::wire
