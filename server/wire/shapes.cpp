#include "server/wire/shapes.hpp"

namespace localorgs::server::wire {
namespace {

void write_policy_types(JsonWriter& w, const std::vector<model::PolicyTypeSummary>& types) {
    w.begin_array();
    for (const auto& t : types) w.begin_object().member("Status", t.status).member("Type", t.type).end_object();
    w.end_array();
}

void write_resources(JsonWriter& w, const std::vector<model::HandshakeResource>& resources) {
    w.begin_array();
    for (const auto& r : resources) {
        w.begin_object();
        if (!r.resources.empty()) {
            w.key("Resources");
            write_resources(w, r.resources);
        }
        w.member("Type", r.type).member("Value", r.value).end_object();
    }
    w.end_array();
}

}  // namespace

void write(JsonWriter& w, const model::Organization& o) {
    w.begin_object().member("Arn", o.arn).key("AvailablePolicyTypes");
    write_policy_types(w, o.available_policy_types);
    w.member("FeatureSet", o.feature_set)
        .member("Id", o.id)
        .member("MasterAccountArn", o.master_account_arn)
        .member("MasterAccountEmail", o.master_account_email)
        .member("MasterAccountId", o.master_account_id)
        .end_object();
}

void write(JsonWriter& w, const model::Account& a) {
    w.begin_object()
        .member("Arn", a.arn)
        .member("Email", a.email)
        .member("Id", a.id)
        .member("JoinedMethod", a.joined_method)
        .key("JoinedTimestamp")
        .timestamp(a.joined_ms)
        .member("Name", a.name)
        .member("State", a.state)
        .member("Status", a.status)
        .end_object();
}

void write(JsonWriter& w, const model::Root& r) {
    w.begin_object().member("Arn", r.arn).member("Id", r.id).member("Name", r.name).key("PolicyTypes");
    write_policy_types(w, r.policy_types);
    w.end_object();
}

void write(JsonWriter& w, const model::Parent& p) { w.begin_object().member("Id", p.id).member("Type", p.type).end_object(); }
void write(JsonWriter& w, const model::Child& c) { w.begin_object().member("Id", c.id).member("Type", c.type).end_object(); }
void write(JsonWriter& w, const model::Tag& t) { w.begin_object().member("Key", t.key).member("Value", t.value).end_object(); }

void write(JsonWriter& w, const model::Handshake& h) {
    w.begin_object().member("Action", h.action).member("Arn", h.arn).key("ExpirationTimestamp").timestamp(h.expiration_ms);
    w.member("Id", h.id).key("Parties").begin_array();
    for (const auto& p : h.parties) w.begin_object().member("Id", p.id).member("Type", p.type).end_object();
    w.end_array().key("RequestedTimestamp").timestamp(h.requested_ms).key("Resources");
    write_resources(w, h.resources);
    w.member("State", h.state).end_object();
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
