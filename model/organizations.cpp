#include "model/organizations.hpp"

#include <algorithm>
#include <set>

#include "model/arn.hpp"
#include "model/ids.hpp"
#include "model/errors.hpp"

namespace localorgs::model {
namespace {

std::vector<PolicyTypeSummary> policy_types(const OrganizationRecord& org) {
    // A new all-features organization has SCPs enabled in its root; consolidated billing has none.
    if (org.feature_set == "ALL") return {{"SERVICE_CONTROL_POLICY", "ENABLED"}};
    return {};
}

template <class To, class From, class F>
Page<To> map_page(Page<From>&& from, F f) {
    Page<To> out;
    out.items.reserve(from.items.size());
    for (auto& item : from.items) out.items.push_back(f(item));
    out.next_token = std::move(from.next_token);
    return out;
}

}  // namespace

Organizations::Organizations(const Clock& clock, IdGenerator& ids, ServiceOptions options)
    : clock_(clock), ids_(ids), options_(std::move(options)) {}

AccountRecord Organizations::known_account(Repository& repo, const std::string& account_id) {
    if (auto found = repo.accounts.find(account_id)) return *std::move(found);
    AccountRecord fresh = default_account(account_id);
    repo.accounts.save(fresh);
    return fresh;
}

AccountRecord Organizations::register_account(Repository& repo, const AccountRecord& entry) {
    // An email address names one account, as at AWS; EMAIL invitations resolve through it.
    if (auto owner = repo.accounts.find_by_email(entry.email); owner && owner->id != entry.id)
        throw api_error(error_code::ConflictException,
                        "The email address " + entry.email + " already belongs to account " + owner->id + ".");
    AccountRecord merged = entry;
    if (auto existing = repo.accounts.find(entry.id)) {
        merged.organization_id = existing->organization_id;
        merged.parent_id = existing->parent_id;
        merged.joined_method = existing->joined_method;
        merged.joined_ms = existing->joined_ms;
    } else {
        merged.organization_id.clear();
        merged.parent_id.clear();
        merged.joined_method.clear();
        merged.joined_ms = 0;
    }
    repo.accounts.save(merged);
    return merged;
}

Organizations::Membership Organizations::member_of_organization(Repository& repo, const Caller& caller) {
    AccountRecord account = known_account(repo, caller.account_id);
    if (account.standalone()) throw api_error(error_code::AWSOrganizationsNotInUseException);
    auto org = repo.organizations.find(account.organization_id);
    if (!org) throw api_error(error_code::AWSOrganizationsNotInUseException);
    return {std::move(account), *std::move(org)};
}

Organizations::Membership Organizations::management_of_organization(Repository& repo, const Caller& caller) {
    Membership m = member_of_organization(repo, caller);
    if (!m.is_management()) throw api_error(error_code::AccessDeniedException);
    return m;
}

Organization Organizations::organization_shape(Repository& repo, const OrganizationRecord& org) {
    AccountRecord mgmt = known_account(repo, org.management_account_id);
    Organization o;
    o.id = org.id;
    o.arn = arn::organization(mgmt.partition, mgmt.id, org.id);
    o.feature_set = org.feature_set;
    o.master_account_arn = arn::account(mgmt.partition, mgmt.id, org.id, mgmt.id);
    o.master_account_id = mgmt.id;
    o.master_account_email = mgmt.email;
    o.available_policy_types = policy_types(org);
    return o;
}

Account Organizations::account_shape(const AccountRecord& a, const OrganizationRecord& org,
                                     const std::string& partition) {
    Account out;
    out.id = a.id;
    out.arn = arn::account(partition, org.management_account_id, org.id, a.id);
    out.email = a.email;
    out.name = a.name;
    out.status = "ACTIVE";
    out.state = "ACTIVE";
    out.joined_method = a.joined_method;
    out.joined_ms = a.joined_ms;
    return out;
}

// --- organization ---------------------------------------------------------------------------

Organization Organizations::create_organization(Repository& repo, const Caller& caller,
                                                const std::optional<std::string>& feature_set) {
    AccountRecord account = known_account(repo, caller.account_id);
    if (!account.standalone()) throw api_error(error_code::AlreadyInOrganizationException);

    OrganizationRecord org;
    do {
        org.id = ids_.organization_id();
    } while (repo.organizations.find(org.id));
    org.management_account_id = account.id;
    org.feature_set = feature_set.value_or("ALL");
    org.root_id = ids_.root_id();
    org.created_ms = clock_.now_ms();
    org.quotas = options_.default_quotas;
    repo.organizations.save(org);

    account.organization_id = org.id;
    account.parent_id = org.root_id;
    account.joined_method = "CREATED";
    account.joined_ms = org.created_ms;
    repo.accounts.save(account);
    return organization_shape(repo, org);
}

Organization Organizations::describe_organization(Repository& repo, const Caller& caller) {
    Membership m = member_of_organization(repo, caller);
    return organization_shape(repo, m.organization);
}

void Organizations::delete_organization(Repository& repo, const Caller& caller) {
    Membership m = management_of_organization(repo, caller);
    if (repo.accounts.count_members(m.organization.id) > 1) throw api_error(error_code::OrganizationNotEmptyException);
    // Invitations and a migration still pending die with the organization.
    for (auto& h : repo.handshakes.open_of_organization(m.organization.id, clock_.now_ms())) cancel_quietly(repo, h);
    repo.tags.remove_all(m.organization.root_id);
    detach(repo, m.account);
    repo.organizations.remove(m.organization.id);
}

// --- structure ------------------------------------------------------------------------------

Page<Root> Organizations::list_roots(Repository& repo, const Caller& caller, const PageRequest& page) {
    Membership m = management_of_organization(repo, caller);
    // One root per organization: it always fits the first page, so no token is ever issued.
    decode_page_token(page, "roots", m.organization.id);
    AccountRecord mgmt = m.account;
    Root root{m.organization.root_id,
              arn::root(mgmt.partition, mgmt.id, m.organization.id, m.organization.root_id), "Root",
              policy_types(m.organization)};
    return {{std::move(root)}, std::nullopt};
}

Page<Account> Organizations::member_page(Repository& repo, const OrganizationRecord& org,
                                         std::string_view parent_id, std::string_view kind,
                                         const PageRequest& page) {
    std::string scope = org.id;
    scope.append("/").append(parent_id);
    std::string after = decode_page_token(page, kind, scope);
    std::size_t limit = page.limit();
    auto rows = repo.accounts.members(org.id, parent_id, after, limit + 1);
    Page<Account> out;
    if (rows.size() > limit) {
        rows.resize(limit);
        out.next_token = encode_page_token(kind, scope, rows.back().id);
    }
    std::string partition = known_account(repo, org.management_account_id).partition;
    out.items.reserve(rows.size());
    for (const auto& r : rows) out.items.push_back(account_shape(r, org, partition));
    return out;
}

Page<Account> Organizations::list_accounts(Repository& repo, const Caller& caller, const PageRequest& page) {
    Membership m = management_of_organization(repo, caller);
    return member_page(repo, m.organization, "", "accounts", page);
}

Account Organizations::describe_account(Repository& repo, const Caller& caller, const std::string& account_id) {
    Membership m = management_of_organization(repo, caller);
    auto account = repo.accounts.find(account_id);
    if (!account || account->organization_id != m.organization.id)
        throw api_error(error_code::AccountNotFoundException);
    return account_shape(*account, m.organization, m.account.partition);
}

Page<Parent> Organizations::list_parents(Repository& repo, const Caller& caller, const std::string& child_id,
                                         const PageRequest& page) {
    Membership m = management_of_organization(repo, caller);
    decode_page_token(page, "parents", m.organization.id);
    // Only accounts can be children until organizational units exist.
    std::optional<AccountRecord> child;
    if (is_account_id(child_id)) child = repo.accounts.find(child_id);
    if (!child || child->organization_id != m.organization.id) throw api_error(error_code::ChildNotFoundException);
    return {{Parent{child->parent_id, "ROOT"}}, std::nullopt};
}

Page<Child> Organizations::list_children(Repository& repo, const Caller& caller, const std::string& parent_id,
                                         const std::string& child_type, const PageRequest& page) {
    Membership m = management_of_organization(repo, caller);
    if (parent_id != m.organization.root_id) throw api_error(error_code::ParentNotFoundException);
    if (child_type == "ORGANIZATIONAL_UNIT") {
        decode_page_token(page, "children-ou", m.organization.id);
        return {};
    }
    return map_page<Child>(member_page(repo, m.organization, parent_id, "children", page),
                           [](const Account& a) { return Child{a.id, "ACCOUNT"}; });
}

Page<Account> Organizations::list_accounts_for_parent(Repository& repo, const Caller& caller,
                                                      const std::string& parent_id, const PageRequest& page) {
    Membership m = management_of_organization(repo, caller);
    if (parent_id != m.organization.root_id) throw api_error(error_code::ParentNotFoundException);
    return member_page(repo, m.organization, parent_id, "accounts-for-parent", page);
}

// --- tags -----------------------------------------------------------------------------------

void Organizations::require_taggable(Repository& repo, const Membership& m, const std::string& resource_id) {
    if (resource_id == m.organization.root_id) return;
    if (is_account_id(resource_id)) {
        auto account = repo.accounts.find(resource_id);
        if (account && account->organization_id == m.organization.id) return;
    }
    throw api_error(error_code::TargetNotFoundException);
}

Page<Tag> Organizations::list_tags_for_resource(Repository& repo, const Caller& caller,
                                                const std::string& resource_id,
                                                const std::optional<std::string>& next_token) {
    Membership m = management_of_organization(repo, caller);
    require_taggable(repo, m, resource_id);
    // At most 50 tags: one page, so no token is ever issued and any token given is not ours.
    decode_page_token(PageRequest{std::nullopt, next_token}, "tags", resource_id);
    return {repo.tags.list(resource_id), std::nullopt};
}

namespace {
bool is_system_key(std::string_view key) { return key.size() >= 4 && key.substr(0, 4) == "aws:"; }
}  // namespace

void Organizations::check_tag_keys(const std::vector<Tag>& tags) {
    std::set<std::string_view> keys;
    for (const auto& t : tags) {
        if (is_system_key(t.key))
            throw_invalid_input("INVALID_SYSTEM_TAGS_PARAMETER",
                                "The tag key \"" + t.key + "\" uses the reserved prefix aws:.");
        if (!keys.insert(t.key).second)
            throw_invalid_input("DUPLICATE_TAG_KEY", "Tag keys must be unique: \"" + t.key + "\" is repeated.");
    }
}

void Organizations::detach(Repository& repo, AccountRecord& account) {
    const std::string left = account.organization_id;
    repo.tags.remove_all(account.id);
    account.organization_id.clear();
    account.parent_id.clear();
    account.joined_method.clear();
    account.joined_ms = 0;
    repo.accounts.save(account);
    if (auto parent = pending_migration(repo, left)) {
        // Its approval is no longer asked for: its open child closes, and the parent may proceed.
        for (auto& child : repo.handshakes.children(parent->id)) {
            if (child.recipient_account_id == account.id && child.state == "OPEN") cancel_quietly(repo, child);
        }
        settle_migration(repo, *parent);
    }
}

void Organizations::tag_resource(Repository& repo, const Caller& caller, const std::string& resource_id,
                                 const std::vector<Tag>& tags) {
    Membership m = management_of_organization(repo, caller);
    check_tag_keys(tags);
    require_taggable(repo, m, resource_id);
    auto existing = repo.tags.list(resource_id);
    std::size_t total = existing.size();
    for (const auto& t : tags) {
        bool present = std::any_of(existing.begin(), existing.end(), [&](const Tag& e) { return e.key == t.key; });
        if (!present) ++total;
    }
    if (total > kMaxTagsPerResource)
        throw_constraint("MAX_TAG_LIMIT_EXCEEDED", "You have exceeded the maximum number of tags (50) allowed "
                                                   "on this resource.");
    repo.tags.put(resource_id, tags);
}

void Organizations::untag_resource(Repository& repo, const Caller& caller, const std::string& resource_id,
                                   const std::vector<std::string>& keys) {
    Membership m = management_of_organization(repo, caller);
    for (const auto& k : keys)
        if (is_system_key(k))
            throw_invalid_input("INVALID_SYSTEM_TAGS_PARAMETER",
                                "The tag key \"" + k + "\" uses the reserved prefix aws:.");
    require_taggable(repo, m, resource_id);
    repo.tags.remove(resource_id, keys);
}

}  // namespace localorgs::model
