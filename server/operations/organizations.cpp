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

json create_organization(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return {{"Organization", w::to_json(s.create_organization(r, c, w::optional_string(in, "FeatureSet")))}};
}
json describe_organization(Organizations& s, Repository& r, const Caller& c, const json&) {
    return {{"Organization", w::to_json(s.describe_organization(r, c))}};
}
json delete_organization(Organizations& s, Repository& r, const Caller& c, const json&) {
    s.delete_organization(r, c);
    return json::object();
}
json list_roots(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return w::page_to_json(s.list_roots(r, c, w::page_request(in)), "Roots");
}
json list_accounts(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return w::page_to_json(s.list_accounts(r, c, w::page_request(in)), "Accounts");
}
json describe_account(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return {{"Account", w::to_json(s.describe_account(r, c, w::string_member(in, "AccountId")))}};
}
json list_parents(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return w::page_to_json(s.list_parents(r, c, w::string_member(in, "ChildId"), w::page_request(in)), "Parents");
}
json list_children(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return w::page_to_json(s.list_children(r, c, w::string_member(in, "ParentId"),
                                           w::string_member(in, "ChildType"), w::page_request(in)),
                           "Children");
}
json list_accounts_for_parent(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return w::page_to_json(s.list_accounts_for_parent(r, c, w::string_member(in, "ParentId"), w::page_request(in)),
                           "Accounts");
}
json list_tags_for_resource(Organizations& s, Repository& r, const Caller& c, const json& in) {
    return w::page_to_json(s.list_tags_for_resource(r, c, w::string_member(in, "ResourceId"),
                                                    w::optional_string(in, "NextToken")),
                           "Tags");
}
json tag_resource(Organizations& s, Repository& r, const Caller& c, const json& in) {
    s.tag_resource(r, c, w::string_member(in, "ResourceId"), w::tags_member(in, "Tags"));
    return json::object();
}
json untag_resource(Organizations& s, Repository& r, const Caller& c, const json& in) {
    s.untag_resource(r, c, w::string_member(in, "ResourceId"), w::strings_member(in, "TagKeys"));
    return json::object();
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
