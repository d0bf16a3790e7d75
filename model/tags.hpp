#pragma once
// Tags on the organization's resources: TagResource, UntagResource, ListTagsForResource, and the
// key rules every operation that takes tags applies.
#include <span>
#include <vector>

#include "model/access.hpp"
#include "model/operation.hpp"

namespace localorgs::model {

class Tags {
public:
    explicit Tags(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::ListTagsForResourceResponse list_tags_for_resource(Repository& repo, const Caller& caller,
                                                            const api::ListTagsForResourceRequest& in);
    void tag_resource(Repository& repo, const Caller& caller, const api::TagResourceRequest& in);
    void untag_resource(Repository& repo, const Caller& caller, const api::UntagResourceRequest& in);

    // Tags given with a call: INVALID_SYSTEM_TAGS_PARAMETER (aws: keys), DUPLICATE_TAG_KEY.
    static void check_keys(const std::vector<Tag>& tags);
    // At most kMaxPerResource on a resource: ConstraintViolationException MAX_TAG_LIMIT_EXCEEDED.
    static void check_count(std::size_t count);
    static constexpr std::size_t kMaxPerResource = 50;

private:
    // The organization's root, one of its OUs or one of its member accounts, as a tag target.
    void require_taggable(Repository& repo, const Membership& m, const std::string& resource_id);
    Service& svc_;
};

}  // namespace localorgs::model
