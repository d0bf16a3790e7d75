#pragma once
// The organization and its tree: CreateOrganization, DescribeOrganization, DeleteOrganization,
// ListRoots, ListParents, ListChildren, ListAccountsForParent.
#include <span>
#include <vector>

#include "model/operation.hpp"

namespace localorgs::model {

class Organizations {
public:
    explicit Organizations(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::Organization create_organization(Repository& repo, const Caller& caller,
                                          const api::CreateOrganizationRequest& in);
    api::Organization describe_organization(Repository& repo, const Caller& caller);
    void delete_organization(Repository& repo, const Caller& caller);
    api::ListRootsResponse list_roots(Repository& repo, const Caller& caller, const api::ListRootsRequest& in);
    api::ListParentsResponse list_parents(Repository& repo, const Caller& caller, const api::ListParentsRequest& in);
    api::ListChildrenResponse list_children(Repository& repo, const Caller& caller,
                                            const api::ListChildrenRequest& in);
    api::ListAccountsForParentResponse list_accounts_for_parent(Repository& repo, const Caller& caller,
                                                                const api::ListAccountsForParentRequest& in);

    // The organization as DescribeOrganization shows it.
    api::Organization shape(Repository& repo, const OrganizationRecord& org) const;
    // The policy types enabled in the organization's root.
    static std::vector<api::PolicyTypeSummary> policy_types(const OrganizationRecord& org);

private:
    Service& svc_;
};

}  // namespace localorgs::model
