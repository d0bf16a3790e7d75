#pragma once
// The organization's tree below its root: organizational units (create, describe, rename,
// delete, list), where accounts and OUs are (ListParents, ListChildren, ListAccountsForParent),
// and MoveAccount (API Reference of each operation; README, The tree).
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/access.hpp"
#include "model/operation.hpp"

namespace localorgs::model {

class Tree {
public:
    explicit Tree(Service& service) : svc_(service) {}
    static std::span<const Binding> operations();

    api::OrganizationalUnit create_organizational_unit(Repository& repo, const Caller& caller,
                                                       const api::CreateOrganizationalUnitRequest& in);
    api::OrganizationalUnit describe_organizational_unit(Repository& repo, const Caller& caller,
                                                         const api::DescribeOrganizationalUnitRequest& in);
    api::OrganizationalUnit update_organizational_unit(Repository& repo, const Caller& caller,
                                                       const api::UpdateOrganizationalUnitRequest& in);
    void delete_organizational_unit(Repository& repo, const Caller& caller,
                                    const api::DeleteOrganizationalUnitRequest& in);
    api::ListOrganizationalUnitsForParentResponse list_organizational_units_for_parent(
        Repository& repo, const Caller& caller, const api::ListOrganizationalUnitsForParentRequest& in);
    api::ListParentsResponse list_parents(Repository& repo, const Caller& caller,
                                          const api::ListParentsRequest& in);
    api::ListChildrenResponse list_children(Repository& repo, const Caller& caller,
                                            const api::ListChildrenRequest& in);
    api::ListAccountsForParentResponse list_accounts_for_parent(Repository& repo, const Caller& caller,
                                                                const api::ListAccountsForParentRequest& in);
    void move_account(Repository& repo, const Caller& caller, const api::MoveAccountRequest& in);

    // Five levels of OUs below the root, as AWS allows.
    static constexpr int kMaxDepth = 5;

    // A place accounts and OUs can be: the organization's root or one of its OUs.
    struct Container {
        std::string id;
        api::ParentType type = api::ParentType::ROOT;
        std::string path;  // o-.../r-.../[ou-.../...] with the trailing slash
        int depth = 0;     // 0 for the root
    };
    // The root or an OU of the organization with this id, if it is one.
    std::optional<Container> container(Repository& repo, const OrganizationRecord& org, std::string_view id);
    // The path of an account under `parent_id` (the root or an OU): "<container path><account>/"
    // (the container's own path when account_id is empty).
    std::string account_path(Repository& repo, const OrganizationRecord& org, const std::string& parent_id,
                             const std::string& account_id);
    // The organization's OU with this id; OrganizationalUnitNotFoundException otherwise.
    OrganizationalUnitRecord organizational_unit(Repository& repo, const OrganizationRecord& org,
                                                 std::string_view id);
    // Deletes every OU of the organization with its tags (the organization is deleted).
    void remove_all(Repository& repo, const OrganizationRecord& org);

private:
    api::OrganizationalUnit shape(const Membership& m, const OrganizationalUnitRecord& ou) const;
    Container require_parent(Repository& repo, const OrganizationRecord& org, std::string_view id);
    Service& svc_;
};

}  // namespace localorgs::model
