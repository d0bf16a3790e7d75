#pragma once
// AWS Organizations, one method per API operation. Each runs inside the caller's unit of work
// (the repository passed in) and throws api_error for every refusal.
#include <optional>
#include <string>
#include <vector>

#include "model/clock.hpp"
#include "model/ids.hpp"
#include "model/pagination.hpp"
#include "model/repository.hpp"
#include "model/types.hpp"

namespace localorgs::model {

struct ServiceOptions {
    Quotas default_quotas;  // copied into each new organization
};

class Organizations {
public:
    Organizations(const Clock& clock, IdGenerator& ids, ServiceOptions options);

    Organization create_organization(Repository& repo, const Caller& caller,
                                     const std::optional<std::string>& feature_set);
    Organization describe_organization(Repository& repo, const Caller& caller);
    void delete_organization(Repository& repo, const Caller& caller);

    Page<Root> list_roots(Repository& repo, const Caller& caller, const PageRequest& page);
    Page<Account> list_accounts(Repository& repo, const Caller& caller, const PageRequest& page);
    Account describe_account(Repository& repo, const Caller& caller, const std::string& account_id);
    Page<Parent> list_parents(Repository& repo, const Caller& caller, const std::string& child_id,
                              const PageRequest& page);
    Page<Child> list_children(Repository& repo, const Caller& caller, const std::string& parent_id,
                              const std::string& child_type, const PageRequest& page);
    Page<Account> list_accounts_for_parent(Repository& repo, const Caller& caller,
                                           const std::string& parent_id, const PageRequest& page);

    Page<Tag> list_tags_for_resource(Repository& repo, const Caller& caller, const std::string& resource_id,
                                     const std::optional<std::string>& next_token);
    void tag_resource(Repository& repo, const Caller& caller, const std::string& resource_id,
                      const std::vector<Tag>& tags);
    void untag_resource(Repository& repo, const Caller& caller, const std::string& resource_id,
                        const std::vector<std::string>& keys);

    // The caller's registry entry, registered with defaults on first sight (design §4).
    AccountRecord known_account(Repository& repo, const std::string& account_id);
    // Creates or updates a registry entry (email, name, seller, partition, verification) and
    // keeps the account's membership as it is.
    AccountRecord register_account(Repository& repo, const AccountRecord& entry);

    static constexpr std::size_t kMaxTagsPerResource = 50;

private:
    struct Membership {
        AccountRecord account;
        OrganizationRecord organization;
        bool is_management() const { return account.id == organization.management_account_id; }
    };
    Membership member_of_organization(Repository& repo, const Caller& caller);  // NotInUse if standalone
    Membership management_of_organization(Repository& repo, const Caller& caller);  // + AccessDenied
    // The organization's root or one of its member accounts, as a tag target.
    void require_taggable(Repository& repo, const Membership& m, const std::string& resource_id);

    Organization organization_shape(Repository& repo, const OrganizationRecord& org);
    Account account_shape(const AccountRecord& a, const OrganizationRecord& org, const std::string& partition);
    Page<Account> member_page(Repository& repo, const OrganizationRecord& org, std::string_view parent_id,
                              std::string_view kind, const PageRequest& page);

    const Clock& clock_;
    IdGenerator& ids_;
    ServiceOptions options_;
};

}  // namespace localorgs::model
