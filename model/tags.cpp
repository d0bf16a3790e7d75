#include "model/tags.hpp"

#include <algorithm>
#include <set>

#include "model/errors.hpp"
#include "model/ids.hpp"
#include "model/pagination.hpp"
#include "model/service.hpp"

namespace localorgs::model {
namespace {
bool is_system_key(std::string_view key) {
    return key.size() >= 4 && key.substr(0, 4) == "aws:";
}
}  // namespace

std::span<const Binding> Tags::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::ListTagsForResource, &Tags::list_tags_for_resource>(),
        bind<api::ops::TagResource, &Tags::tag_resource>(),
        bind<api::ops::UntagResource, &Tags::untag_resource>(),
    };
    return kOperations;
}

void Tags::check_keys(const std::vector<Tag>& tags) {
    std::set<std::string_view> keys;
    for (const auto& t : tags) {
        if (is_system_key(t.key))
            throw_invalid_input("INVALID_SYSTEM_TAGS_PARAMETER",
                                "The tag key \"" + t.key + "\" uses the reserved prefix aws:.");
        if (!keys.insert(t.key).second)
            throw_invalid_input("DUPLICATE_TAG_KEY",
                                "Tag keys must be unique: \"" + t.key + "\" is repeated.");
    }
}

void Tags::check_count(std::size_t count) {
    if (count > kMaxPerResource)
        throw_constraint("MAX_TAG_LIMIT_EXCEEDED",
                         "You have exceeded the maximum number of tags (50) allowed on this resource.");
}

void Tags::require_taggable(Repository& repo, const Membership& m, const std::string& resource_id) {
    if (resource_id == m.organization.root_id) return;
    if (is_account_id(resource_id)) {
        auto account = repo.accounts.find(resource_id);
        if (account && account->organization_id == m.organization.id) return;
    }
    if (svc_.tree.container(repo, m.organization, resource_id)) return;  // an OU
    if (resource_id.starts_with("p-")) {  // a policy of the organization's own (not an AWS-managed one)
        auto p = repo.policies.find(resource_id);
        if (p && p->organization_id == m.organization.id) return;
    }
    if (resource_id.starts_with("rp-")) {  // the organization's delegation policy
        auto p = repo.delegation.resource_policy(m.organization.id);
        if (p && p->id == resource_id) return;
    }
    if (resource_id.starts_with("rt-")) {  // a responsibility transfer, from either side
        auto t = repo.transfers.find(resource_id);
        if (t && svc_.transfers.visible_to(*t, m)) return;
    }
    throw api_error(error_code::TargetNotFoundException);
}

api::ListTagsForResourceResponse Tags::list_tags_for_resource(Repository& repo, const Caller& caller,
                                                              const api::ListTagsForResourceRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    require_taggable(repo, m, in.resource_id);
    // At most 50 tags: one page, so no token is ever issued and any token given is not ours.
    decode_page_token(PageRequest{std::nullopt, in.next_token}, "tags", in.resource_id);
    return {std::string(), repo.tags.list(in.resource_id)};
}

void Tags::tag_resource(Repository& repo, const Caller& caller, const api::TagResourceRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    check_keys(in.tags);
    require_taggable(repo, m, in.resource_id);
    auto existing = repo.tags.list(in.resource_id);
    std::size_t total = existing.size();
    for (const auto& t : in.tags) {
        bool present =
            std::any_of(existing.begin(), existing.end(), [&](const Tag& e) { return e.key == t.key; });
        if (!present) ++total;
    }
    check_count(total);
    repo.tags.put(in.resource_id, in.tags);
}

void Tags::untag_resource(Repository& repo, const Caller& caller, const api::UntagResourceRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    for (const auto& k : in.tag_keys)
        if (is_system_key(k))
            throw_invalid_input("INVALID_SYSTEM_TAGS_PARAMETER",
                                "The tag key \"" + k + "\" uses the reserved prefix aws:.");
    require_taggable(repo, m, in.resource_id);
    repo.tags.remove(in.resource_id, in.tag_keys);
}

}  // namespace localorgs::model
