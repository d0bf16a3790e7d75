#include "model/tree.hpp"

#include <map>

#include "model/arn.hpp"
#include "model/errors.hpp"
#include "model/ids.hpp"
#include "model/pagination.hpp"
#include "model/service.hpp"
#include "model/tags.hpp"

namespace localorgs::model {
namespace {

bool is_ou_id(std::string_view id) {
    return id.starts_with("ou-");
}

}  // namespace

std::span<const Binding> Tree::operations() {
    static constexpr Binding kOperations[] = {
        bind<api::ops::CreateOrganizationalUnit, &Tree::create_organizational_unit>(),
        bind<api::ops::DescribeOrganizationalUnit, &Tree::describe_organizational_unit>(),
        bind<api::ops::UpdateOrganizationalUnit, &Tree::update_organizational_unit>(),
        bind<api::ops::DeleteOrganizationalUnit, &Tree::delete_organizational_unit>(),
        bind<api::ops::ListOrganizationalUnitsForParent, &Tree::list_organizational_units_for_parent>(),
        bind<api::ops::ListParents, &Tree::list_parents>(),
        bind<api::ops::ListChildren, &Tree::list_children>(),
        bind<api::ops::ListAccountsForParent, &Tree::list_accounts_for_parent>(),
        bind<api::ops::MoveAccount, &Tree::move_account>(),
    };
    return kOperations;
}

std::optional<Tree::Container> Tree::container(Repository& repo, const OrganizationRecord& org,
                                               std::string_view id) {
    if (id == org.root_id)
        return Container{org.root_id, api::ParentType::ROOT, org.id + "/" + org.root_id + "/", 0};
    if (!is_ou_id(id)) return std::nullopt;
    auto ou = repo.organizational_units.find(id);
    if (!ou || ou->organization_id != org.id) return std::nullopt;
    return Container{ou->id, api::ParentType::ORGANIZATIONAL_UNIT, ou->path, ou->depth};
}

std::string Tree::account_path(Repository& repo, const OrganizationRecord& org, const std::string& parent_id,
                               const std::string& account_id) {
    auto parent = container(repo, org, parent_id);
    std::string path = parent ? parent->path : org.id + "/" + org.root_id + "/";
    if (!account_id.empty()) path.append(account_id).append("/");
    return path;
}

Tree::Container Tree::require_parent(Repository& repo, const OrganizationRecord& org, std::string_view id) {
    auto parent = container(repo, org, id);
    if (!parent) throw api_error(error_code::ParentNotFoundException);
    return *std::move(parent);
}

OrganizationalUnitRecord Tree::organizational_unit(Repository& repo, const OrganizationRecord& org,
                                                   std::string_view id) {
    auto ou = repo.organizational_units.find(id);
    if (!ou || ou->organization_id != org.id)
        throw api_error(error_code::OrganizationalUnitNotFoundException);
    return *std::move(ou);
}

api::OrganizationalUnit Tree::shape(const Membership& m, const OrganizationalUnitRecord& ou) const {
    api::OrganizationalUnit out;
    out.id = ou.id;
    out.arn = arn::organizational_unit(m.account.partition, m.organization.management_account_id,
                                       m.organization.id, ou.id);
    out.name = ou.name;
    out.path = ou.path;
    return out;
}

void Tree::remove_all(Repository& repo, const OrganizationRecord& org) {
    // Depth first, from the root: at most the organization's OU quota of rows.
    std::vector<std::string> pending{org.root_id};
    while (!pending.empty()) {
        const std::string parent = pending.back();
        pending.pop_back();
        std::string after;
        for (;;) {
            auto page = repo.organizational_units.children(org.id, parent, after, 500);
            for (const auto& ou : page) {
                pending.push_back(ou.id);
                repo.tags.remove_all(ou.id);
                repo.organizational_units.remove(ou.id);
            }
            if (page.size() < 500) break;
            after = page.back().id;
        }
    }
}

// --- organizational units -------------------------------------------------------------------

api::OrganizationalUnit Tree::create_organizational_unit(Repository& repo, const Caller& caller,
                                                         const api::CreateOrganizationalUnitRequest& in) {
    Membership m = management_of_organization(repo, caller);
    Tags::check_keys(in.tags);
    Tags::check_count(in.tags.size());
    const auto& org = m.organization;
    const Container parent = require_parent(repo, org, in.parent_id);
    if (repo.organizational_units.find_by_name(org.id, parent.id, in.name))
        throw api_error(error_code::DuplicateOrganizationalUnitException,
                        "An OU with the name " + in.name + " already exists in " + parent.id + ".");
    if (parent.depth >= kMaxDepth)
        throw_constraint(
            "OU_DEPTH_LIMIT_EXCEEDED",
            "You attempted to create an OU tree that is too many levels deep: the limit is five levels "
            "below the root.");
    if (repo.organizational_units.count(org.id) >= std::size_t(org.quotas.max_organizational_units))
        throw_constraint("OU_NUMBER_LIMIT_EXCEEDED",
                         "You attempted to exceed the number of OUs that you can have in an organization (" +
                             std::to_string(org.quotas.max_organizational_units) + ").");

    OrganizationalUnitRecord ou;
    do {
        ou.id = svc_.ids.organizational_unit_id(org.root_id);
    } while (repo.organizational_units.find(ou.id));
    ou.organization_id = org.id;
    ou.parent_id = parent.id;
    ou.name = in.name;
    ou.path = parent.path + ou.id + "/";
    ou.depth = parent.depth + 1;
    ou.created_ms = svc_.now();
    repo.organizational_units.save(ou);
    if (!in.tags.empty()) repo.tags.put(ou.id, in.tags);
    svc_.policies.attach_defaults(repo, org, ou.id);
    return shape(m, ou);
}

api::OrganizationalUnit Tree::describe_organizational_unit(Repository& repo, const Caller& caller,
                                                           const api::DescribeOrganizationalUnitRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    return shape(m, organizational_unit(repo, m.organization, in.organizational_unit_id));
}

api::OrganizationalUnit Tree::update_organizational_unit(Repository& repo, const Caller& caller,
                                                         const api::UpdateOrganizationalUnitRequest& in) {
    Membership m = management_of_organization(repo, caller);
    OrganizationalUnitRecord ou = organizational_unit(repo, m.organization, in.organizational_unit_id);
    // Without a name nothing changes; the id, ARN, children and policies never do (API Reference,
    // UpdateOrganizationalUnit).
    if (in.name && *in.name != ou.name) {
        if (repo.organizational_units.find_by_name(m.organization.id, ou.parent_id, *in.name))
            throw api_error(error_code::DuplicateOrganizationalUnitException,
                            "An OU with the name " + *in.name + " already exists in " + ou.parent_id + ".");
        ou.name = *in.name;
        repo.organizational_units.save(ou);
    }
    return shape(m, ou);
}

void Tree::delete_organizational_unit(Repository& repo, const Caller& caller,
                                      const api::DeleteOrganizationalUnitRequest& in) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    OrganizationalUnitRecord ou = organizational_unit(repo, org, in.organizational_unit_id);
    if (!repo.organizational_units.children(org.id, ou.id, "", 1).empty() ||
        !repo.accounts.members(org.id, ou.id, "", 1).empty())
        throw api_error(error_code::OrganizationalUnitNotEmptyException,
                        "The OU " + ou.id +
                            " still holds accounts or OUs. Move all accounts to another root or to "
                            "other OUs, remove all child OUs, and try the operation again.");
    repo.tags.remove_all(ou.id);
    svc_.policies.forget_target(repo, org.id, ou.id);
    repo.organizational_units.remove(ou.id);
}

api::ListOrganizationalUnitsForParentResponse Tree::list_organizational_units_for_parent(
    Repository& repo, const Caller& caller, const api::ListOrganizationalUnitsForParentRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const Container parent = require_parent(repo, m.organization, in.parent_id);
    const auto page = page_of(in);
    const std::string scope = m.organization.id + "/" + parent.id;
    const std::string after = decode_page_token(page, "ous", scope);
    auto rows = repo.organizational_units.children(m.organization.id, parent.id, after, page.limit() + 1);
    api::ListOrganizationalUnitsForParentResponse out;
    if (rows.size() > page.limit()) {
        rows.resize(page.limit());
        out.next_token = encode_page_token("ous", scope, rows.back().id);
    }
    out.organizational_units.reserve(rows.size());
    for (const auto& ou : rows) out.organizational_units.push_back(shape(m, ou));
    return out;
}

// --- where things are -------------------------------------------------------------------------

api::ListParentsResponse Tree::list_parents(Repository& repo, const Caller& caller,
                                            const api::ListParentsRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const auto& org = m.organization;
    decode_page_token(page_of(in), "parents", org.id);  // one parent: never a second page
    std::string parent_id;
    if (is_account_id(in.child_id)) {
        auto child = repo.accounts.find(in.child_id);
        if (child && child->organization_id == org.id) parent_id = child->parent_id;
    } else if (is_ou_id(in.child_id)) {
        auto child = repo.organizational_units.find(in.child_id);
        if (child && child->organization_id == org.id) parent_id = child->parent_id;
    }
    auto parent = container(repo, org, parent_id);
    if (!parent) throw api_error(error_code::ChildNotFoundException);
    api::ListParentsResponse out;
    out.parents.push_back({parent->id, parent->type});
    return out;
}

api::ListChildrenResponse Tree::list_children(Repository& repo, const Caller& caller,
                                              const api::ListChildrenRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const Container parent = require_parent(repo, m.organization, in.parent_id);
    api::ListChildrenResponse out;
    if (in.child_type == api::ChildType::ORGANIZATIONAL_UNIT) {
        auto ous =
            list_organizational_units_for_parent(repo, caller, {in.max_results, in.next_token, parent.id});
        for (const auto& ou : ous.organizational_units)
            out.children.push_back({ou.id, api::ChildType::ORGANIZATIONAL_UNIT});
        out.next_token = std::move(ous.next_token);
        return out;
    }
    auto page = svc_.accounts.member_page(repo, m.organization, parent.id, "children", page_of(in));
    for (const auto& a : page.accounts) out.children.push_back({a.id, api::ChildType::ACCOUNT});
    out.next_token = std::move(page.next_token);
    return out;
}

api::ListAccountsForParentResponse Tree::list_accounts_for_parent(
    Repository& repo, const Caller& caller, const api::ListAccountsForParentRequest& in) {
    Membership m = member_of_organization(repo, caller);  // access: Service::before
    const Container parent = require_parent(repo, m.organization, in.parent_id);
    auto page =
        svc_.accounts.member_page(repo, m.organization, parent.id, "accounts-for-parent", page_of(in));
    return {std::move(page.accounts), std::move(page.next_token)};
}

void Tree::move_account(Repository& repo, const Caller& caller, const api::MoveAccountRequest& in) {
    Membership m = management_of_organization(repo, caller);
    const auto& org = m.organization;
    auto account = repo.accounts.find(in.account_id);
    if (!account || account->organization_id != org.id) throw api_error(error_code::AccountNotFoundException);
    auto source = container(repo, org, in.source_parent_id);
    if (!source) throw api_error(error_code::SourceParentNotFoundException);
    auto destination = container(repo, org, in.destination_parent_id);
    if (!destination) throw api_error(error_code::DestinationParentNotFoundException);
    // The source must be where the account is (a move that raced another one finds it elsewhere).
    if (account->parent_id != source->id)
        throw api_error(error_code::SourceParentNotFoundException,
                        "The account " + account->id + " is not in " + source->id + ".");
    if (account->parent_id == destination->id) throw api_error(error_code::DuplicateAccountException);
    // Its tags, handshakes and (direct) policies stay with it.
    account->parent_id = destination->id;
    repo.accounts.save(*account);
}

}  // namespace localorgs::model
