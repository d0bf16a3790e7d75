#pragma once
// Short calls for model tests: `orgs.accept_handshake(repo, caller, id)` instead of
// `orgs.call<ops::AcceptHandshake>(repo, caller, {id}).handshake`. Each runs the operation through
// its binding, Service::before first, as the server runs it, with the api request built from its
// arguments; pages come back as Page<T> (items, and the token if there is one). Enums compare with
// their wire strings here (tests only), so expectations read as the API's JSON does:
// CHECK(h.state == "OPEN").
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "model/pagination.hpp"
#include "model/service.hpp"

namespace localorgs::model::api {
// Found by argument-dependent lookup for every enum of the service model.
template <class E>
requires std::is_enum_v<E>
bool operator==(E e, std::string_view s) {
    return to_string(e) == s;
}
}  // namespace localorgs::model::api

namespace localorgs::testing {

using namespace model;

template <class T>
struct Page {
    std::vector<T> items;
    std::optional<std::string> next_token;
};

// An enum's wire string, or "" for none.
template <class E>
std::string text(const std::optional<E>& e) {
    return e ? std::string(api::to_string(*e)) : std::string();
}
template <class E>
requires std::is_enum_v<E> std::string text(E e) {
    return std::string(api::to_string(e));
}

// The wire string as the enum, which the test names correctly (the protocol layer refuses others).
template <class E>
E as(std::string_view wire) {
    auto e = api::parse_enum<E>(wire);
    if (!e) throw std::invalid_argument("not a value of the enum: " + std::string(wire));
    return *e;
}

struct Party {
    std::string id;
    std::string type;
};
struct InviteRequest {
    Party target;
    std::optional<std::string> notes;
    std::vector<Tag> tags;
};
struct HandshakeFilter {
    std::optional<std::string> action_type;
    std::optional<std::string> parent_handshake_id;
};

class Orgs {
public:
    Orgs(const Clock& clock, IdGenerator& ids, ServiceOptions options)
        : service(clock, ids, std::move(options)) {}
    Service service;

    // The operation as the server runs it: found by its wire name, Service::before first.
    template <class Op>
    typename Op::Output call(Repository& r, const Caller& c, const typename Op::Input& in = {}) {
        const Binding* b = service.find(Op::name);
        if (!b) throw std::logic_error("not implemented: " + std::string(Op::name));
        typename Op::Output out{};
        b->invoke(service, r, c, &in, &out);
        return out;
    }

    // --- organization and tree ---
    api::Organization create_organization(Repository& r, const Caller& c,
                                          std::optional<std::string> feature_set = std::nullopt) {
        api::CreateOrganizationRequest in;
        if (feature_set) in.feature_set = as<api::OrganizationFeatureSet>(*feature_set);
        return call<api::ops::CreateOrganization>(r, c, in).organization;
    }
    api::Organization describe_organization(Repository& r, const Caller& c) {
        return call<api::ops::DescribeOrganization>(r, c).organization;
    }
    void delete_organization(Repository& r, const Caller& c) {
        call<api::ops::DeleteOrganization>(r, c);
    }
    Page<api::Root> list_roots(Repository& r, const Caller& c, const PageRequest& p) {
        auto out = call<api::ops::ListRoots>(r, c, {p.max_results, p.next_token});
        return {out.roots, token(out.next_token)};
    }
    Page<api::Parent> list_parents(Repository& r, const Caller& c, const std::string& child,
                                   const PageRequest& p) {
        auto out = call<api::ops::ListParents>(r, c, {child, p.max_results, p.next_token});
        return {out.parents, token(out.next_token)};
    }
    Page<api::Child> list_children(Repository& r, const Caller& c, const std::string& parent,
                                   const std::string& type, const PageRequest& p) {
        api::ListChildrenRequest in{as<api::ChildType>(type), p.max_results, p.next_token, parent};
        auto out = call<api::ops::ListChildren>(r, c, in);
        return {out.children, token(out.next_token)};
    }
    Page<api::Account> list_accounts_for_parent(Repository& r, const Caller& c, const std::string& parent,
                                                const PageRequest& p) {
        auto out = call<api::ops::ListAccountsForParent>(r, c, {p.max_results, p.next_token, parent});
        return {out.accounts, token(out.next_token)};
    }

    // --- accounts ---
    Page<api::Account> list_accounts(Repository& r, const Caller& c, const PageRequest& p) {
        auto out = call<api::ops::ListAccounts>(r, c, {p.max_results, p.next_token});
        return {out.accounts, token(out.next_token)};
    }
    api::Account describe_account(Repository& r, const Caller& c, const std::string& id) {
        return call<api::ops::DescribeAccount>(r, c, {id}).account;
    }
    void remove_account_from_organization(Repository& r, const Caller& c, const std::string& id) {
        call<api::ops::RemoveAccountFromOrganization>(r, c, {id});
    }
    void leave_organization(Repository& r, const Caller& c) { call<api::ops::LeaveOrganization>(r, c); }
    AccountRecord register_account(Repository& r, const AccountRecord& entry) {
        return service.accounts.register_account(r, entry);
    }
    AccountRecord known_account(Repository& r, const std::string& id) { return model::known_account(r, id); }

    // --- tags ---
    Page<Tag> list_tags_for_resource(Repository& r, const Caller& c, const std::string& id,
                                     const std::optional<std::string>& next_token) {
        auto out = call<api::ops::ListTagsForResource>(r, c, {next_token, id});
        return {out.tags, token(out.next_token)};
    }
    void tag_resource(Repository& r, const Caller& c, const std::string& id, const std::vector<Tag>& tags) {
        call<api::ops::TagResource>(r, c, {id, tags});
    }
    void untag_resource(Repository& r, const Caller& c, const std::string& id,
                        const std::vector<std::string>& keys) {
        call<api::ops::UntagResource>(r, c, {id, keys});
    }

    // --- handshakes ---
    api::Handshake invite_account_to_organization(Repository& r, const Caller& c, const InviteRequest& in) {
        return call<api::ops::InviteAccountToOrganization>(
                   r, c, {in.notes, in.tags, {in.target.id, as<api::HandshakePartyType>(in.target.type)}})
            .handshake;
    }
    api::Handshake accept_handshake(Repository& r, const Caller& c, const std::string& id) {
        return call<api::ops::AcceptHandshake>(r, c, {id}).handshake;
    }
    api::Handshake decline_handshake(Repository& r, const Caller& c, const std::string& id) {
        return call<api::ops::DeclineHandshake>(r, c, {id}).handshake;
    }
    api::Handshake cancel_handshake(Repository& r, const Caller& c, const std::string& id) {
        return call<api::ops::CancelHandshake>(r, c, {id}).handshake;
    }
    api::Handshake describe_handshake(Repository& r, const Caller& c, const std::string& id) {
        return call<api::ops::DescribeHandshake>(r, c, {id}).handshake;
    }
    Page<api::Handshake> list_handshakes_for_account(Repository& r, const Caller& c, const HandshakeFilter& f,
                                                     const PageRequest& p) {
        auto out = call<api::ops::ListHandshakesForAccount>(r, c, {filter(f), p.max_results, p.next_token});
        return {out.handshakes, token(out.next_token)};
    }
    Page<api::Handshake> list_handshakes_for_organization(Repository& r, const Caller& c,
                                                          const HandshakeFilter& f, const PageRequest& p) {
        auto out = call<api::ops::ListHandshakesForOrganization>(r, c, {filter(f), p.max_results, p.next_token});
        return {out.handshakes, token(out.next_token)};
    }
    api::Handshake enable_all_features(Repository& r, const Caller& c) {
        return call<api::ops::EnableAllFeatures>(r, c).handshake;
    }

private:
    static std::optional<std::string> token(const std::string& t) {
        return t.empty() ? std::nullopt : std::optional<std::string>(t);
    }
    // No filter at all when neither member is set, as a client that sends none.
    static std::optional<api::HandshakeFilter> filter(const HandshakeFilter& f) {
        if (!f.action_type && !f.parent_handshake_id) return std::nullopt;
        api::HandshakeFilter out;
        if (f.action_type) out.action_type = as<api::ActionType>(*f.action_type);
        out.parent_handshake_id = f.parent_handshake_id;
        return out;
    }
};

}  // namespace localorgs::testing
