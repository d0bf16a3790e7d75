#pragma once
// The organization itself: CreateOrganization, DescribeOrganization, DeleteOrganization, ListRoots.
// What is below the root is model/tree.hpp.
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
    api::ListRootsResponse list_roots(Repository& repo, const Caller& caller,
                                      const api::ListRootsRequest& in);

    // The organization as DescribeOrganization shows it.
    api::Organization shape(Repository& repo, const OrganizationRecord& org) const;
    // The deprecated Organization.AvailablePolicyTypes.
    static std::vector<api::PolicyTypeSummary> available_policy_types(const OrganizationRecord& org);
    // The root as ListRoots, EnablePolicyType and DisablePolicyType show it.
    api::Root root_shape(Repository& repo, const OrganizationRecord& org) const;

private:
    Service& svc_;
};

}  // namespace localorgs::model
