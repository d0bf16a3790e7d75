#include "server/wire/shapes.hpp"

namespace localorgs::server::wire {
namespace {
json policy_types_json(const std::vector<model::PolicyTypeSummary>& types) {
    json out = json::array();
    for (const auto& t : types) out.push_back({{"Type", t.type}, {"Status", t.status}});
    return out;
}
}  // namespace

json to_json(const model::Organization& o) {
    return {{"Id", o.id},
            {"Arn", o.arn},
            {"FeatureSet", o.feature_set},
            {"MasterAccountArn", o.master_account_arn},
            {"MasterAccountId", o.master_account_id},
            {"MasterAccountEmail", o.master_account_email},
            {"AvailablePolicyTypes", policy_types_json(o.available_policy_types)}};
}

json to_json(const model::Account& a) {
    return {{"Id", a.id},           {"Arn", a.arn},
            {"Email", a.email},     {"Name", a.name},
            {"Status", a.status},   {"State", a.state},
            {"JoinedMethod", a.joined_method}, {"JoinedTimestamp", timestamp(a.joined_ms)}};
}

json to_json(const model::Root& r) {
    return {{"Id", r.id}, {"Arn", r.arn}, {"Name", r.name}, {"PolicyTypes", policy_types_json(r.policy_types)}};
}

json to_json(const model::Parent& p) { return {{"Id", p.id}, {"Type", p.type}}; }
json to_json(const model::Child& c) { return {{"Id", c.id}, {"Type", c.type}}; }
json to_json(const model::Tag& t) { return {{"Key", t.key}, {"Value", t.value}}; }

namespace {
json resources_json(const std::vector<model::HandshakeResource>& resources) {
    json out = json::array();
    for (const auto& r : resources) {
        json item = {{"Type", r.type}, {"Value", r.value}};
        if (!r.resources.empty()) item["Resources"] = resources_json(r.resources);
        out.push_back(std::move(item));
    }
    return out;
}
}  // namespace

json to_json(const model::Handshake& h) {
    json parties = json::array();
    for (const auto& p : h.parties) parties.push_back({{"Id", p.id}, {"Type", p.type}});
    return {{"Id", h.id},
            {"Arn", h.arn},
            {"Parties", std::move(parties)},
            {"State", h.state},
            {"RequestedTimestamp", timestamp(h.requested_ms)},
            {"ExpirationTimestamp", timestamp(h.expiration_ms)},
            {"Action", h.action},
            {"Resources", resources_json(h.resources)}};
}

std::optional<std::string> optional_string(const json& in, const char* name) {
    auto it = in.find(name);
    if (it == in.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::string string_member(const json& in, const char* name) { return optional_string(in, name).value_or(""); }

model::PageRequest page_request(const json& in) {
    model::PageRequest page;
    if (auto it = in.find("MaxResults"); it != in.end() && it->is_number_integer()) page.max_results = it->get<int>();
    page.next_token = optional_string(in, "NextToken");
    return page;
}

std::vector<model::Tag> tags_member(const json& in, const char* name) {
    std::vector<model::Tag> out;
    auto it = in.find(name);
    if (it == in.end() || !it->is_array()) return out;
    out.reserve(it->size());
    for (const auto& t : *it) out.push_back({string_member(t, "Key"), string_member(t, "Value")});
    return out;
}

std::vector<std::string> strings_member(const json& in, const char* name) {
    std::vector<std::string> out;
    auto it = in.find(name);
    if (it == in.end() || !it->is_array()) return out;
    for (const auto& s : *it)
        if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

}  // namespace localorgs::server::wire
