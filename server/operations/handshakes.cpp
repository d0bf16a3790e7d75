// Invitations, the handshake lifecycle and membership changes.
#include "server/operations/operations.hpp"
#include "server/wire/shapes.hpp"

namespace localorgs::server::operations {
namespace {

using nlohmann::json;
using model::Caller;
using model::Organizations;
using model::Repository;
namespace w = wire;

std::string handshake_result(const model::Handshake& h) { return w::single_to_json(h, "Handshake"); }
std::string handshake_page(const model::Page<model::Handshake>& p) { return w::page_to_json(p, "Handshakes"); }

model::HandshakeFilter filter_of(const json& in) {
    model::HandshakeFilter f;
    if (auto it = in.find("Filter"); it != in.end() && it->is_object()) {
        f.action_type = w::optional_string(*it, "ActionType");
        f.parent_handshake_id = w::optional_string(*it, "ParentHandshakeId");
    }
    return f;
}

Answer invite_account_to_organization(Organizations& s, Repository& r, const Caller& c, const json& in) {
    model::InviteRequest request;
    if (auto it = in.find("Target"); it != in.end() && it->is_object())
        request.target = {w::string_member(*it, "Id"), w::string_member(*it, "Type")};
    request.notes = w::optional_string(in, "Notes");
    request.tags = w::tags_member(in, "Tags");
    return answer(s.invite_account_to_organization(r, c, request), handshake_result);
}
Answer accept_handshake(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return answer(s.accept_handshake(r, c, w::string_member(in, "HandshakeId")), handshake_result);
}
Answer decline_handshake(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return answer(s.decline_handshake(r, c, w::string_member(in, "HandshakeId")), handshake_result);
}
Answer cancel_handshake(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return answer(s.cancel_handshake(r, c, w::string_member(in, "HandshakeId")), handshake_result);
}
Answer describe_handshake(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return answer(s.describe_handshake(r, c, w::string_member(in, "HandshakeId")), handshake_result);
}
Answer list_handshakes_for_account(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return answer(s.list_handshakes_for_account(r, c, filter_of(in), w::page_request(in)), handshake_page);
}
Answer list_handshakes_for_organization(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return answer(s.list_handshakes_for_organization(r, c, filter_of(in), w::page_request(in)), handshake_page);
}
Answer enable_all_features(Organizations& s, Repository& r, const Caller& c, const json&) {
    return answer(s.enable_all_features(r, c), handshake_result);
}
Answer remove_account_from_organization(Organizations& s, Repository& r, const Caller& c, const json& in) {
    s.remove_account_from_organization(r, c, w::string_member(in, "AccountId"));
    return no_output();
}
Answer leave_organization(Organizations& s, Repository& r, const Caller& c, const json&) {
    s.leave_organization(r, c);
    return no_output();
}

constexpr Entry kOperations[] = {
    {"AcceptHandshake", accept_handshake},
    {"CancelHandshake", cancel_handshake},
    {"DeclineHandshake", decline_handshake},
    {"DescribeHandshake", describe_handshake},
    {"EnableAllFeatures", enable_all_features},
    {"InviteAccountToOrganization", invite_account_to_organization},
    {"LeaveOrganization", leave_organization},
    {"ListHandshakesForAccount", list_handshakes_for_account},
    {"ListHandshakesForOrganization", list_handshakes_for_organization},
    {"RemoveAccountFromOrganization", remove_account_from_organization},
};

}  // namespace

std::span<const Entry> handshake_operations() noexcept { return kOperations; }

}  // namespace localorgs::server::operations
