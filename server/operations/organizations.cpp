// Organization, structure and tag operations.
#include "server/operations/operations.hpp"
#include "server/wire/shapes.hpp"

namespace localorgs::server::operations {
namespace {

using nlohmann::json;
using model::Caller;
using model::Organizations;
using model::Repository;
namespace w = wire;

// {"<member>": shape}
template <class T>
Answer single(T value, const char* member) {
    return answer(std::move(value), [member](const T& v) { return w::single_to_json(v, member); });
}
// {"<list member>": [...], "NextToken"?}
template <class T>
Answer page(model::Page<T> value, const char* member) {
    return answer(std::move(value), [member](const model::Page<T>& p) { return w::page_to_json(p, member); });
}

Answer create_organization(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return single(s.create_organization(r, c, w::optional_string(in, "FeatureSet")), "Organization");
}
Answer describe_organization(Organizations& s, Repository& r, const Caller& c, const json&) {
    return single(s.describe_organization(r, c), "Organization");
}
Answer delete_organization(Organizations& s, Repository& r, const Caller& c, const json&) {
    s.delete_organization(r, c);
    return no_output();
}
Answer list_roots(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return page(s.list_roots(r, c, w::page_request(in)), "Roots");
}
Answer list_accounts(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return page(s.list_accounts(r, c, w::page_request(in)), "Accounts");
}
Answer describe_account(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return single(s.describe_account(r, c, w::string_member(in, "AccountId")), "Account");
}
Answer list_parents(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return page(s.list_parents(r, c, w::string_member(in, "ChildId"), w::page_request(in)), "Parents");
}
Answer list_children(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return page(s.list_children(r, c, w::string_member(in, "ParentId"),
                                           w::string_member(in, "ChildType"), w::page_request(in)),
                           "Children");
}
Answer list_accounts_for_parent(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return page(s.list_accounts_for_parent(r, c, w::string_member(in, "ParentId"), w::page_request(in)),
                           "Accounts");
}
Answer list_tags_for_resource(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return page(s.list_tags_for_resource(r, c, w::string_member(in, "ResourceId"),
                                                    w::optional_string(in, "NextToken")),
                           "Tags");
}
Answer tag_resource(Organizations& s, Repository& r, const Caller& c, const json& in) {
    s.tag_resource(r, c, w::string_member(in, "ResourceId"), w::tags_member(in, "Tags"));
    return no_output();
}
Answer untag_resource(Organizations& s, Repository& r, const Caller& c, const json& in) {
    s.untag_resource(r, c, w::string_member(in, "ResourceId"), w::strings_member(in, "TagKeys"));
    return no_output();
}

constexpr Entry kOperations[] = {
    {"CreateOrganization", create_organization},
    {"DeleteOrganization", delete_organization},
    {"DescribeAccount", describe_account},
    {"DescribeOrganization", describe_organization},
    {"ListAccounts", list_accounts},
    {"ListAccountsForParent", list_accounts_for_parent},
    {"ListChildren", list_children},
    {"ListParents", list_parents},
    {"ListRoots", list_roots},
    {"ListTagsForResource", list_tags_for_resource},
    {"TagResource", tag_resource},
    {"UntagResource", untag_resource},
};

}  // namespace

std::span<const Entry> organization_operations() noexcept { return kOperations; }

}  // namespace localorgs::server::operations
