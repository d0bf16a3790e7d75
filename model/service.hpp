#pragma once
// The AWS Organizations service: one family of operations per class, each in its own file pair,
// and the table that finds an operation by its wire name (docs/ARCHITECTURE.md).
//
//   model/organization.*   CreateOrganization, DescribeOrganization, DeleteOrganization, ListRoots
//   model/tree.*           organizational units, parents, children, MoveAccount
//   model/accounts.*       the account registry, ListAccounts, DescribeAccount, closing, leaving
//   model/account_creation.*  CreateAccount, CreateGovCloudAccount and their statuses
//   model/tags.*           TagResource, UntagResource, ListTagsForResource
//   model/policies.*       policies of every type, attachments, effective policies, SCPs
//   model/delegation.*     trusted access, delegated administrators, the delegation policy
//   model/handshakes.*     InviteAccountToOrganization and the handshake lifecycle
//   model/all_features.*   EnableAllFeatures and its migration handshakes
//   model/transfers.*      responsibility (billing) transfers and their handshakes
//
// Every operation runs inside the caller's unit of work (the Repository passed in) and throws
// api_error for every refusal.
#include <optional>
#include <span>
#include <string>
#include <vector>
#include <string_view>
#include <type_traits>

#include "model/account_creation.hpp"
#include "model/accounts.hpp"
#include "model/all_features.hpp"
#include "model/clock.hpp"
#include "model/delegation.hpp"
#include "model/handshakes.hpp"
#include "model/ids.hpp"
#include "model/operation.hpp"
#include "model/organization.hpp"
#include "model/policies.hpp"
#include "model/tags.hpp"
#include "model/transfers.hpp"
#include "model/tree.hpp"

namespace localorgs::model {

struct ServiceOptions {
    Quotas default_quotas;        // copied into each new organization
    bool direct_transfer = true;  // a member of another organization may accept (AWS since Dec 2025)
    // CreateOrganization with ALL enables SCPs in the root, as the API text says; AWS is observed
    // not to (README, The policies), which is the default.
    bool scp_enabled_on_create = false;
};

class Service {
public:
    Service(const Clock& clock, IdGenerator& ids, ServiceOptions options);
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;

    // The operation with this wire name, or nullptr when localorgs does not implement it.
    const Binding* find(std::string_view operation) const noexcept;

    // What time has brought about, put in place: account creations whose time has come, closed
    // accounts past their post-closure period. Every operation runs it first (bind), and so do
    // the control plane's views and its clock; a no-op of a few index lookups when nothing is due.
    void settle(Repository& repo);
    // What a request names, for the policies that judge it: the ids of the resources it acts on,
    // the policy type it concerns and the service principal it names (empty when none).
    struct RequestFacts {
        std::vector<std::string> ids;
        std::string policy_type;
        std::string service_principal;
    };
    using Facts = RequestFacts (*)(const void* input);
    // Before an operation: settle, then refuse a closed account's calls, a member's call its
    // operation's access rule (model/access.hpp) does not let it make, and a member account's call
    // its organization's SCPs do not allow (AccessDeniedException). `facts(input)` is asked for
    // only when a policy has to judge the call.
    void before(Repository& repo, const Caller& caller, std::string_view operation, const void* input, Facts facts);

    const Clock& clock;
    IdGenerator& ids;
    const ServiceOptions options;
    Millis now() const { return clock.now_ms(); }

    Organizations organizations;
    Tree tree;
    Accounts accounts;
    AccountCreation account_creation;
    Policies policies;
    Delegation delegation;
    Tags tags;
    Handshakes handshakes;
    AllFeatures all_features;
    Transfers transfers;

    template <class Family>
    Family& family() {
        if constexpr (std::is_same_v<Family, Organizations>)
            return organizations;
        else if constexpr (std::is_same_v<Family, Tree>)
            return tree;
        else if constexpr (std::is_same_v<Family, Accounts>)
            return accounts;
        else if constexpr (std::is_same_v<Family, AccountCreation>)
            return account_creation;
        else if constexpr (std::is_same_v<Family, Policies>)
            return policies;
        else if constexpr (std::is_same_v<Family, Delegation>)
            return delegation;
        else if constexpr (std::is_same_v<Family, Tags>)
            return tags;
        else if constexpr (std::is_same_v<Family, Handshakes>)
            return handshakes;
        else if constexpr (std::is_same_v<Family, AllFeatures>)
            return all_features;
        else if constexpr (std::is_same_v<Family, Transfers>)
            return transfers;
        else
            static_assert(sizeof(Family) == 0, "not a family of the service");
    }

private:
    // The ARNs the request acts on and the condition keys it sets, as the policies see them.
    std::vector<std::string> resource_arns(Repository& repo, const OrganizationRecord& org,
                                           std::string_view operation, const RequestFacts& facts);
    policy::Context context(const Caller& caller, const OrganizationRecord& org, const RequestFacts& facts) const;
};

// --- binding an operation to a family's method ----------------------------------------------

namespace detail {
template <class C, class R, class... A>
C family_of(R (C::*)(A...));

inline void add_id(std::vector<std::string>& ids, const std::string& id) {
    if (!id.empty()) ids.push_back(id);
}
inline void add_id(std::vector<std::string>& ids, const std::optional<std::string>& id) {
    if (id) add_id(ids, *id);
}
template <class E>
void add_type(std::string& out, const E& type) {
    if constexpr (std::is_same_v<E, api::PolicyType> || std::is_same_v<E, api::EffectivePolicyType>)
        out = api::to_string(type);
}
template <class E>
void add_type(std::string& out, const std::optional<E>& type) {
    if (type) add_type(out, *type);
}
// What a request names, for the Resource elements and condition keys of SCPs and the delegation
// policy.
template <class Input>
Service::RequestFacts request_facts(const void* input) {
    Service::RequestFacts facts;
    if constexpr (std::is_same_v<Input, api::NoInput>) return facts;
    const Input& in = *static_cast<const Input*>(input);
    auto& ids = facts.ids;
    if constexpr (requires { in.account_id; }) add_id(ids, in.account_id);
    if constexpr (requires { in.handshake_id; }) add_id(ids, in.handshake_id);
    if constexpr (requires { in.policy_id; }) add_id(ids, in.policy_id);
    if constexpr (requires { in.target_id; }) add_id(ids, in.target_id);
    if constexpr (requires { in.organizational_unit_id; }) add_id(ids, in.organizational_unit_id);
    if constexpr (requires { in.parent_id; }) add_id(ids, in.parent_id);
    if constexpr (requires { in.child_id; }) add_id(ids, in.child_id);
    if constexpr (requires { in.resource_id; }) add_id(ids, in.resource_id);
    if constexpr (requires { in.root_id; }) add_id(ids, in.root_id);
    if constexpr (requires { in.policy_type; }) add_type(facts.policy_type, in.policy_type);
    if constexpr (requires { in.type; }) add_type(facts.policy_type, in.type);
    if constexpr (requires { in.filter; }) add_type(facts.policy_type, in.filter);
    if constexpr (requires { in.service_principal; }) {
        if constexpr (requires { in.service_principal.value_or(""); })
            facts.service_principal = in.service_principal.value_or("");
        else
            facts.service_principal = in.service_principal;
    }
    return facts;
}
}  // namespace detail

// An operation's entry in its family's table: `bind<api::ops::AcceptHandshake,
// &Handshakes::accept_handshake>()`. The method takes (Repository&, const Caller&, const Input&)
// — or no Input when the input has no member — and returns the Output, the value of the Output's
// single member, or nothing for operations without output.
template <class Op, auto Method>
constexpr Binding bind() {
    using Family = decltype(detail::family_of(Method));
    using Input = typename Op::Input;
    using Output = typename Op::Output;
    return {Op::name,
            [](Service& service, Repository& repo, const Caller& caller, const void* in, void* out) {
                service.before(repo, caller, Op::name, in, &detail::request_facts<Input>);
                Family& family = service.family<Family>();
                auto call = [&] {
                    // Operations whose input has no member (or no input) may take none.
                    if constexpr (std::is_invocable_v<decltype(Method), Family&, Repository&, const Caller&>)
                        return (family.*Method)(repo, caller);
                    else
                        return (family.*Method)(repo, caller, *static_cast<const Input*>(in));
                };
                using Result = decltype(call());
                if constexpr (std::is_void_v<Result>)
                    call();
                else if constexpr (std::is_same_v<Result, Output>)
                    *static_cast<Output*>(out) = call();
                else
                    *static_cast<Output*>(out) = Output{call()};
            }};
}

}  // namespace localorgs::model
