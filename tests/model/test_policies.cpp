// Policies as an organization holds them (issue 15; API Reference of CreatePolicy, DescribePolicy,
// UpdatePolicy, DeletePolicy, ListPolicies, AttachPolicy, DetachPolicy, ListPoliciesForTarget,
// ListTargetsForPolicy, EnablePolicyType, DisablePolicyType, DescribeEffectivePolicy,
// ListAccountsWithInvalidEffectivePolicy, ListEffectivePolicyValidationErrors; User Guide,
// "Managing organization policies"). What documents may contain and how they merge is
// test_policy_documents.cpp; this is the family: storage, attachments, the AWS-managed policies,
// the root's policy types, and SCPs deciding a member's own calls. Every call goes through its
// binding, as the server runs it. Every test case name starts "policies: ".
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "model/calls.hpp"
#include "model/errors.hpp"
#include "model/expect_error.hpp"
#include "model/policy/documents.hpp"
#include "model/org_fixture.hpp"
#include "model/test_store.hpp"

using namespace localorgs;
using model::Caller;
using model::error_code;
using testing::expect_error;
namespace api = model::api;
namespace ops = model::api::ops;
using api::PolicyType;

namespace {

const Caller kMgmt{"111111111111"};
const Caller kStranger{"999999999999"};
const std::string kAllowAll = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
const std::string kDenyLeave =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]})";
const std::string kTagPolicy = R"({"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"}}}})";

struct PoliciesFixture : testing::OrgFixture {
    PoliciesFixture() : OrgFixture(15) {}

    // --- the tree ---
    std::string ou(const std::string& name, const std::string& parent) {
        return orgs.call<ops::CreateOrganizationalUnit>(repo, kMgmt, {name, parent, {}}).organizational_unit.id;
    }
    std::string account(const std::string& email) { return created_account(email); }
    void move(const std::string& account_id, const std::string& from, const std::string& to) {
        orgs.call<ops::MoveAccount>(repo, kMgmt, {account_id, to, from});
    }

    // --- policies ---
    void enable(PolicyType type) { orgs.call<ops::EnablePolicyType>(repo, kMgmt, {type, root}); }
    void disable(PolicyType type) { orgs.call<ops::DisablePolicyType>(repo, kMgmt, {type, root}); }
    api::Policy create(const std::string& name, PolicyType type = PolicyType::SERVICE_CONTROL_POLICY,
                       const std::string& content = kAllowAll, std::vector<model::Tag> tags = {}) {
        return orgs.call<ops::CreatePolicy>(repo, kMgmt, {content, "about " + name, name, std::move(tags), type}).policy;
    }
    void attach(const std::string& policy, const std::string& target) {
        orgs.call<ops::AttachPolicy>(repo, kMgmt, {policy, target});
    }
    void detach(const std::string& policy, const std::string& target) {
        orgs.call<ops::DetachPolicy>(repo, kMgmt, {policy, target});
    }
    std::vector<std::string> on(const std::string& target, PolicyType type = PolicyType::SERVICE_CONTROL_POLICY) {
        std::vector<std::string> out;
        std::optional<std::string> token;
        do {
            auto page = orgs.call<ops::ListPoliciesForTarget>(repo, kMgmt, {type, 1, token, target});
            for (const auto& p : page.policies) out.push_back(p.id);
            token = page.next_token.empty() ? std::nullopt : std::optional(page.next_token);
        } while (token);
        return out;
    }
    std::set<std::string> targets(const std::string& policy) {
        std::set<std::string> out;
        std::optional<std::string> token;
        do {
            auto page = orgs.call<ops::ListTargetsForPolicy>(repo, kMgmt, {2, token, policy});
            for (const auto& t : page.targets) out.insert(t.target_id);
            token = page.next_token.empty() ? std::nullopt : std::optional(page.next_token);
        } while (token);
        return out;
    }
    std::vector<std::string> listed(PolicyType type, int page_size = 20) {
        std::vector<std::string> out;
        std::optional<std::string> token;
        do {
            auto page = orgs.call<ops::ListPolicies>(repo, kMgmt, {type, page_size, token});
            for (const auto& p : page.policies) out.push_back(p.id);
            token = page.next_token.empty() ? std::nullopt : std::optional(page.next_token);
        } while (token);
        return out;
    }
    std::vector<api::PolicyTypeSummary> root_types() {
        return orgs.list_roots(repo, kMgmt, {}).items.at(0).policy_types;
    }
    std::string effective(const Caller& who, api::EffectivePolicyType type, std::optional<std::string> target) {
        return orgs.call<ops::DescribeEffectivePolicy>(repo, who, {type, std::move(target)}).effective_policy.policy_content;
    }
};

// The message of the AccessDeniedException `f` throws; "" when it throws none.
template <class F>
std::string refusal(F&& f) {
    try {
        f();
    } catch (const model::api_error& e) {
        CHECK(e.code() == error_code::AccessDeniedException);
        return e.message();
    }
    FAIL("the call succeeded");
    return "";
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

}  // namespace

// --- item 3: policy types in the root ------------------------------------------------------------

TEST_CASE_FIXTURE(PoliciesFixture, "policies: a new root has no policy type; EnablePolicyType and DisablePolicyType change it") {
    CHECK(root_types().empty());
    auto enabled = orgs.call<ops::EnablePolicyType>(repo, kMgmt, {PolicyType::TAG_POLICY, root}).root;
    CHECK(enabled.id == root);
    CHECK(enabled.name == "Root");
    REQUIRE(enabled.policy_types.size() == 1);
    CHECK(enabled.policy_types[0].type == "TAG_POLICY");
    CHECK(enabled.policy_types[0].status == "ENABLED");
    CHECK(root_types() == enabled.policy_types);

    enable(PolicyType::SERVICE_CONTROL_POLICY);
    CHECK(root_types().size() == 2);
    expect_error([&] { enable(PolicyType::TAG_POLICY); }, error_code::PolicyTypeAlreadyEnabledException);

    auto after = orgs.call<ops::DisablePolicyType>(repo, kMgmt, {PolicyType::TAG_POLICY, root}).root;
    REQUIRE(after.policy_types.size() == 1);
    CHECK(after.policy_types[0].type == "SERVICE_CONTROL_POLICY");
    expect_error([&] { disable(PolicyType::TAG_POLICY); }, error_code::PolicyTypeNotEnabledException);
    expect_error([&] { orgs.call<ops::EnablePolicyType>(repo, kMgmt, {PolicyType::BACKUP_POLICY, "r-zzzz"}); },
                 error_code::RootNotFoundException);
    // The deprecated AvailablePolicyTypes is not the root's: it keeps showing SCPs.
    CHECK(orgs.describe_organization(repo, kMgmt).available_policy_types.size() == 1);
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: every one of the model's policy types can be enabled, created and attached") {
    const std::string member = account("m@example.com");
    for (const auto& rules : model::policy::all_rules()) {
        CAPTURE(api::to_string(rules.type));
        enable(rules.type);
        // The smallest document of each type the checks accept.
        std::string content = rules.authorization
                                  ? (rules.type == PolicyType::RESOURCE_CONTROL_POLICY
                                         ? R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]})"
                                         : kAllowAll)
                                  : "{\"" + std::string(rules.top_key) + "\":{}}";
        auto p = create(std::string(rules.arn_segment), rules.type, content);
        CHECK(testing::text(p.policy_summary.type) == testing::text(rules.type));
        CHECK(p.policy_summary.arn == "arn:aws:organizations::111111111111:policy/" + org.id + "/" +
                                          std::string(rules.arn_segment) + "/" + p.policy_summary.id);
        attach(p.policy_summary.id, member);
        CHECK(contains(on(member, rules.type), p.policy_summary.id));
    }
    CHECK(root_types().size() == model::policy::all_rules().size());
    CHECK(model::policy::all_rules().size() == api::enum_names<PolicyType>().size());
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: consolidated billing has no policies") {
    const Caller other{"444444444444"};
    orgs.create_organization(repo, other, std::string("CONSOLIDATED_BILLING"));
    const auto other_root = orgs.list_roots(repo, other, {}).items.at(0).id;
    expect_error([&] { orgs.call<ops::EnablePolicyType>(repo, other, {PolicyType::SERVICE_CONTROL_POLICY, other_root}); },
                 error_code::PolicyTypeNotAvailableForOrganizationException);
    expect_error([&] { orgs.call<ops::CreatePolicy>(repo, other, {kAllowAll, "", "n", {}, PolicyType::SERVICE_CONTROL_POLICY}); },
                 error_code::PolicyTypeNotAvailableForOrganizationException);
    expect_error([&] { orgs.call<ops::ListPolicies>(repo, other, {PolicyType::SERVICE_CONTROL_POLICY, std::nullopt, std::nullopt}); },
                 error_code::ConstraintViolationException, "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
}

// --- items 2 and 4: policies and the AWS-managed ones --------------------------------------------

TEST_CASE_FIXTURE(PoliciesFixture, "policies: CreatePolicy, DescribePolicy, UpdatePolicy, DeletePolicy") {
    // A type need not be enabled to hold policies.
    auto p = create("deny-leave", PolicyType::SERVICE_CONTROL_POLICY, kDenyLeave, {{"team", "a"}});
    const auto& s = p.policy_summary;
    CHECK(s.id.size() == 12);
    CHECK(s.id.starts_with("p-"));
    CHECK(s.name == "deny-leave");
    CHECK(s.description == "about deny-leave");
    CHECK_FALSE(s.aws_managed);
    CHECK(p.content == kDenyLeave);  // stored as sent
    CHECK(orgs.call<ops::DescribePolicy>(repo, kMgmt, {s.id}).policy == p);
    CHECK(orgs.list_tags_for_resource(repo, kMgmt, s.id, std::nullopt).items.size() == 1);

    expect_error([&] { create("deny-leave"); }, error_code::DuplicatePolicyException);
    create("deny-leave", PolicyType::TAG_POLICY, kTagPolicy);  // names are per type

    auto renamed = orgs.call<ops::UpdatePolicy>(repo, kMgmt, {std::nullopt, std::string(), std::string("renamed"), s.id}).policy;
    CHECK(renamed.policy_summary.name == "renamed");
    CHECK(renamed.policy_summary.description.empty());
    CHECK(renamed.content == kDenyLeave);
    auto same = orgs.call<ops::UpdatePolicy>(repo, kMgmt, {std::nullopt, std::nullopt, std::nullopt, s.id}).policy;
    CHECK(same == renamed);
    expect_error([&] { orgs.call<ops::UpdatePolicy>(repo, kMgmt, {std::string("{"), std::nullopt, std::nullopt, s.id}); },
                 error_code::MalformedPolicyDocumentException);
    CHECK(orgs.call<ops::DescribePolicy>(repo, kMgmt, {s.id}).policy.content == kDenyLeave);

    orgs.call<ops::DeletePolicy>(repo, kMgmt, {s.id});
    expect_error([&] { orgs.call<ops::DescribePolicy>(repo, kMgmt, {s.id}); }, error_code::PolicyNotFoundException);
    expect_error([&] { orgs.call<ops::DeletePolicy>(repo, kMgmt, {s.id}); }, error_code::PolicyNotFoundException);
    // Its tags went with it.
    expect_error([&] { orgs.list_tags_for_resource(repo, kMgmt, s.id, std::nullopt); }, error_code::TargetNotFoundException);
    // Another organization's policy is not found, nor may a member or a stranger ask.
    expect_error([&] { orgs.call<ops::DescribePolicy>(repo, kStranger, {"p-abcdefghij"}); },
                 error_code::AWSOrganizationsNotInUseException);
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: content checks: size per type, malformed documents, the policy quota") {
    const auto& scp = model::policy::rules(PolicyType::SERVICE_CONTROL_POLICY);
    // Pads a valid SCP to exactly `size` characters with white space inside the JSON.
    auto padded = [](std::size_t size) {
        std::string c = kAllowAll;
        c.insert(1, size - c.size(), ' ');
        return c;
    };
    create("largest", PolicyType::SERVICE_CONTROL_POLICY, padded(scp.max_content));
    expect_error([&] { create("too-large", PolicyType::SERVICE_CONTROL_POLICY, padded(scp.max_content + 1)); },
                 error_code::ConstraintViolationException, "POLICY_CONTENT_LIMIT_EXCEEDED");
    expect_error([&] { create("not-json", PolicyType::SERVICE_CONTROL_POLICY, "{\"Version\":"); },
                 error_code::MalformedPolicyDocumentException);
    expect_error([&] { create("tag-as-scp", PolicyType::SERVICE_CONTROL_POLICY, kTagPolicy); },
                 error_code::MalformedPolicyDocumentException);
    expect_error([&] { create("scp-as-tag", PolicyType::TAG_POLICY, kAllowAll); },
                 error_code::MalformedPolicyDocumentException);

    // The per-type policy quota: fill the table's number with stored rows, then one more is refused.
    const auto& tag = model::policy::rules(PolicyType::TAG_POLICY);
    for (int i = 0; i < tag.max_policies; ++i) {
        model::PolicyRecord r;
        r.id = "p-fill" + std::to_string(100000 + i);
        r.organization_id = org.id;
        r.type = PolicyType::TAG_POLICY;
        r.name = "fill-" + std::to_string(i);
        r.content = kTagPolicy;
        repo.policies.save(r);
    }
    expect_error([&] { create("one-too-many", PolicyType::TAG_POLICY, kTagPolicy); },
                 error_code::ConstraintViolationException, "POLICY_NUMBER_LIMIT_EXCEEDED");
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: FullAWSAccess and RCPFullAWSAccess exist while their type is enabled") {
    expect_error([&] { orgs.call<ops::DescribePolicy>(repo, kMgmt, {"p-FullAWSAccess"}); },
                 error_code::PolicyNotFoundException);
    CHECK(listed(PolicyType::SERVICE_CONTROL_POLICY).empty());
    enable(PolicyType::SERVICE_CONTROL_POLICY);
    enable(PolicyType::RESOURCE_CONTROL_POLICY);

    auto full = orgs.call<ops::DescribePolicy>(repo, kMgmt, {"p-FullAWSAccess"}).policy;
    CHECK(full.policy_summary.name == "FullAWSAccess");
    CHECK(full.policy_summary.aws_managed);
    CHECK(full.policy_summary.type == "SERVICE_CONTROL_POLICY");
    CHECK(full.policy_summary.arn == "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess");
    auto rcp = orgs.call<ops::DescribePolicy>(repo, kMgmt, {"p-RCPFullAWSAccess"}).policy;
    CHECK(rcp.policy_summary.arn == "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess");
    CHECK(rcp.policy_summary.aws_managed);

    // Listed first, then the organization's own in creation order, through pages of one.
    auto a = create("a");
    clock.advance_ms(1);  // the order is by creation time (then id)
    auto b = create("b");
    CHECK(listed(PolicyType::SERVICE_CONTROL_POLICY, 1) ==
          std::vector<std::string>{"p-FullAWSAccess", a.policy_summary.id, b.policy_summary.id});
    CHECK(listed(PolicyType::RESOURCE_CONTROL_POLICY) == std::vector<std::string>{"p-RCPFullAWSAccess"});
    CHECK(listed(PolicyType::TAG_POLICY).empty());

    expect_error([&] { orgs.call<ops::UpdatePolicy>(repo, kMgmt, {std::nullopt, std::nullopt, std::string("x"), "p-FullAWSAccess"}); },
                 error_code::InvalidInputException, "IMMUTABLE_POLICY");
    expect_error([&] { orgs.call<ops::DeletePolicy>(repo, kMgmt, {"p-RCPFullAWSAccess"}); },
                 error_code::InvalidInputException, "IMMUTABLE_POLICY");
    expect_error([&] { create("FullAWSAccess"); }, error_code::DuplicatePolicyException);
    expect_error([&] { orgs.tag_resource(repo, kMgmt, "p-FullAWSAccess", {{"k", "v"}}); },
                 error_code::TargetNotFoundException);
}

// --- item 5: attachments --------------------------------------------------------------------------

TEST_CASE_FIXTURE(PoliciesFixture, "policies: enabling SCPs attaches FullAWSAccess to the root, every OU and every account; new ones get it too") {
    const auto ou1 = ou("one", root);
    const auto ou2 = ou("two", ou1);
    const auto member = account("m@example.com");
    move(member, root, ou2);
    enable(PolicyType::SERVICE_CONTROL_POLICY);
    CHECK(targets("p-FullAWSAccess") == std::set<std::string>{root, ou1, ou2, member, kMgmt.account_id});

    const auto ou3 = ou("three", ou2);
    const auto later = account("later@example.com");
    CHECK(on(ou3) == std::vector<std::string>{"p-FullAWSAccess"});
    CHECK(on(later) == std::vector<std::string>{"p-FullAWSAccess"});
    // Tag policies have no AWS-managed policy: nothing is attached by enabling them.
    enable(PolicyType::TAG_POLICY);
    CHECK(on(ou3, PolicyType::TAG_POLICY).empty());

    enable(PolicyType::RESOURCE_CONTROL_POLICY);
    CHECK(targets("p-RCPFullAWSAccess").size() == 7);
    expect_error([&] { detach("p-RCPFullAWSAccess", ou3); }, error_code::InvalidInputException, "NON_DETACHABLE_POLICY");
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: AttachPolicy and DetachPolicy with their refusals") {
    const auto ou1 = ou("one", root);
    const auto member = account("m@example.com");
    auto p = create("deny-leave", PolicyType::SERVICE_CONTROL_POLICY, kDenyLeave).policy_summary.id;
    expect_error([&] { attach(p, ou1); }, error_code::PolicyTypeNotEnabledException);
    enable(PolicyType::SERVICE_CONTROL_POLICY);

    attach(p, ou1);
    attach(p, member);
    attach(p, root);
    CHECK(on(ou1) == std::vector<std::string>{"p-FullAWSAccess", p});
    expect_error([&] { attach(p, ou1); }, error_code::DuplicatePolicyAttachmentException);
    expect_error([&] { attach(p, "ou-zzzz-abcdefgh"); }, error_code::TargetNotFoundException);
    expect_error([&] { attach(p, "123456789012"); }, error_code::TargetNotFoundException);
    expect_error([&] { attach("p-abcdefghij", ou1); }, error_code::PolicyNotFoundException);
    expect_error([&] { detach(p, "123456789012"); }, error_code::TargetNotFoundException);

    // A policy in use is not deleted.
    expect_error([&] { orgs.call<ops::DeletePolicy>(repo, kMgmt, {p}); }, error_code::PolicyInUseException);

    // Every target keeps one SCP: FullAWSAccess goes only once another is attached.
    detach(p, ou1);
    expect_error([&] { detach(p, ou1); }, error_code::PolicyNotAttachedException);
    expect_error([&] { detach("p-FullAWSAccess", ou1); }, error_code::ConstraintViolationException,
                 "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
    attach(p, ou1);
    detach("p-FullAWSAccess", ou1);
    CHECK(on(ou1) == std::vector<std::string>{p});

    // At most the type's number of direct attachments per target.
    const auto& scp = model::policy::rules(PolicyType::SERVICE_CONTROL_POLICY);
    for (int i = 1; i < scp.max_attachments; ++i) attach(create("extra-" + std::to_string(i)).policy_summary.id, ou1);
    CHECK(on(ou1).size() == std::size_t(scp.max_attachments));
    auto spare = create("spare").policy_summary.id;
    expect_error([&] { attach(spare, ou1); }, error_code::ConstraintViolationException,
                 "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED");
    attach(spare, member);  // other targets are unaffected
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: a moved account keeps its attachments; a removed account and a deleted OU drop theirs") {
    enable(PolicyType::SERVICE_CONTROL_POLICY);
    const auto ou1 = ou("one", root);
    const auto member = account("m@example.com");
    auto p = create("p").policy_summary.id;
    attach(p, member);
    attach(p, ou1);
    move(member, root, ou1);
    CHECK(on(member) == std::vector<std::string>{"p-FullAWSAccess", p});

    move(member, ou1, root);
    orgs.call<ops::DeleteOrganizationalUnit>(repo, kMgmt, {ou1});
    CHECK(targets(p) == std::set<std::string>{member});

    // Removal needs the standalone information a created account lacks: give it.
    auto record = *repo.accounts.find(member);
    record.phone_verified = record.eula_accepted = record.payment_instrument = true;
    record.joined_ms -= 5 * 24 * 3600 * 1000LL;
    repo.accounts.save(record);
    orgs.remove_account_from_organization(repo, kMgmt, member);
    CHECK(targets(p).empty());
    orgs.call<ops::DeletePolicy>(repo, kMgmt, {p});
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: disabling a type detaches its policies everywhere and deletes none; re-enabling starts over") {
    enable(PolicyType::SERVICE_CONTROL_POLICY);
    enable(PolicyType::TAG_POLICY);
    const auto ou1 = ou("one", root);
    auto scp = create("scp").policy_summary.id;
    auto tag = create("tag", PolicyType::TAG_POLICY, kTagPolicy).policy_summary.id;
    attach(scp, ou1);
    detach("p-FullAWSAccess", ou1);
    attach(tag, ou1);

    disable(PolicyType::SERVICE_CONTROL_POLICY);
    expect_error([&] { orgs.call<ops::DescribePolicy>(repo, kMgmt, {"p-FullAWSAccess"}); }, error_code::PolicyNotFoundException);
    CHECK(targets(scp).empty());
    CHECK(orgs.call<ops::DescribePolicy>(repo, kMgmt, {scp}).policy.policy_summary.id == scp);
    CHECK(on(ou1, PolicyType::TAG_POLICY) == std::vector<std::string>{tag});  // other types untouched

    enable(PolicyType::SERVICE_CONTROL_POLICY);
    CHECK(on(ou1) == std::vector<std::string>{"p-FullAWSAccess"});
    CHECK(targets(scp).empty());
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: only the management account manages them") {
    enable(PolicyType::SERVICE_CONTROL_POLICY);
    const auto member = account("m@example.com");
    const Caller as_member{member};
    expect_error([&] { orgs.call<ops::ListPolicies>(repo, as_member, {PolicyType::SERVICE_CONTROL_POLICY, std::nullopt, std::nullopt}); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.call<ops::AttachPolicy>(repo, as_member, {"p-FullAWSAccess", member}); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.call<ops::ListPolicies>(repo, kStranger, {PolicyType::SERVICE_CONTROL_POLICY, std::nullopt, std::nullopt}); },
                 error_code::AWSOrganizationsNotInUseException);
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: DeleteOrganization takes the policies, their attachments and tags with it") {
    enable(PolicyType::SERVICE_CONTROL_POLICY);
    auto p = create("p", PolicyType::SERVICE_CONTROL_POLICY, kAllowAll, {{"k", "v"}}).policy_summary.id;
    attach(p, root);
    detach(p, root);
    orgs.delete_organization(repo, kMgmt);
    CHECK_FALSE(repo.policies.find(p));
    CHECK(repo.tags.list(p).empty());
    CHECK(repo.policies.targets_of(org.id, "p-FullAWSAccess", 0, 10).empty());
}

// --- item 6: effective policies -------------------------------------------------------------------

TEST_CASE_FIXTURE(PoliciesFixture, "policies: DescribeEffectivePolicy merges the root -> OU -> account chain") {
    const auto ou1 = ou("one", root);
    const auto member = account("m@example.com");
    move(member, root, ou1);
    const auto type = api::EffectivePolicyType::TAG_POLICY;
    // Not enabled: nothing applies.
    expect_error([&] { effective(kMgmt, type, member); }, error_code::EffectivePolicyNotFoundException);
    enable(PolicyType::TAG_POLICY);
    expect_error([&] { effective(kMgmt, type, member); }, error_code::EffectivePolicyNotFoundException);

    attach(create("root-tags", PolicyType::TAG_POLICY, kTagPolicy).policy_summary.id, root);
    attach(create("ou-tags", PolicyType::TAG_POLICY,
                  R"({"tags":{"costcenter":{"tag_value":{"@@assign":["100","200"]}}}})")
               .policy_summary.id,
           ou1);
    const std::string merged = R"({"tags":{"costcenter":{"tag_key":"CostCenter","tag_value":["100","200"]}}})";
    CHECK(effective(kMgmt, type, member) == merged);
    // A member asks about itself, with or without naming itself; not about another account.
    const Caller as_member{member};
    CHECK(effective(as_member, type, std::nullopt) == merged);
    CHECK(effective(as_member, type, member) == merged);
    expect_error([&] { effective(as_member, type, kMgmt.account_id); }, error_code::AccessDeniedException);
    // The management account is under the root only.
    CHECK(effective(kMgmt, type, std::nullopt) == R"({"tags":{"costcenter":{"tag_key":"CostCenter"}}})");
    expect_error([&] { effective(kMgmt, type, ou1); }, error_code::InvalidInputException, "TARGET_NOT_SUPPORTED");
    expect_error([&] { effective(kMgmt, type, root); }, error_code::InvalidInputException, "TARGET_NOT_SUPPORTED");
    expect_error([&] { effective(kMgmt, type, "123456789012"); }, error_code::TargetNotFoundException);

    // LastUpdatedTimestamp follows the latest change on the chain.
    const auto before = orgs.call<ops::DescribeEffectivePolicy>(repo, kMgmt, {type, member}).effective_policy;
    clock.advance_ms(60'000);
    orgs.call<ops::UpdatePolicy>(repo, kMgmt, {std::nullopt, std::string("changed"), std::nullopt, on(ou1, PolicyType::TAG_POLICY).at(0)});
    const auto after = orgs.call<ops::DescribeEffectivePolicy>(repo, kMgmt, {type, member}).effective_policy;
    CHECK(after.last_updated_ms == before.last_updated_ms + 60'000);
    CHECK(after.target_id == member);
    CHECK(after.policy_type == type);
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: accounts with an invalid effective policy, and why") {
    enable(PolicyType::SECURITYHUB_POLICY);
    const auto ou1 = ou("one", root);
    const auto good = account("good@example.com");
    const auto bad = account("bad@example.com");
    move(bad, root, ou1);
    // Security Hub policies need both region lists (reference §4.12): the OU's alone lacks one.
    attach(create("hub", PolicyType::SECURITYHUB_POLICY,
                  R"({"securityhub":{"enable_in_regions":{"@@assign":["us-east-1"]}}})")
               .policy_summary.id,
           ou1);
    const auto type = api::EffectivePolicyType::SECURITYHUB_POLICY;
    auto invalid = orgs.call<ops::ListAccountsWithInvalidEffectivePolicy>(repo, kMgmt, {std::nullopt, std::nullopt, type});
    REQUIRE(invalid.accounts.size() == 1);
    CHECK(invalid.accounts[0].id == bad);
    CHECK(invalid.policy_type == type);

    auto why = orgs.call<ops::ListEffectivePolicyValidationErrors>(repo, kMgmt, {bad, std::nullopt, std::nullopt, type});
    CHECK(why.account_id == bad);
    CHECK(why.path == org.id + "/" + root + "/" + ou1 + "/" + bad + "/");
    REQUIRE_FALSE(why.effective_policy_validation_errors.empty());
    CHECK(why.effective_policy_validation_errors[0].path_to_error.find("securityhub") == 0);
    expect_error([&] { orgs.call<ops::ListEffectivePolicyValidationErrors>(repo, kMgmt, {good, std::nullopt, std::nullopt, type}); },
                 error_code::EffectivePolicyNotFoundException);
    expect_error([&] { orgs.call<ops::ListEffectivePolicyValidationErrors>(repo, kMgmt, {"123456789012", std::nullopt, std::nullopt, type}); },
                 error_code::AccountNotFoundException);
}

// --- item 7: SCPs bite ----------------------------------------------------------------------------

TEST_CASE_FIXTURE(PoliciesFixture, "policies: the deny-leave SCP stops a member's LeaveOrganization, never the management account") {
    const auto ou1 = ou("one", root);
    const auto member = account("m@example.com");
    move(member, root, ou1);
    auto record = *repo.accounts.find(member);
    record.phone_verified = record.eula_accepted = record.payment_instrument = true;
    record.joined_ms -= 5 * 24 * 3600 * 1000LL;
    repo.accounts.save(record);
    const Caller as_member{member};

    enable(PolicyType::SERVICE_CONTROL_POLICY);
    auto deny = create("deny-leave", PolicyType::SERVICE_CONTROL_POLICY, kDenyLeave).policy_summary.id;
    attach(deny, ou1);
    expect_error([&] { orgs.call<ops::LeaveOrganization>(repo, as_member); }, error_code::AccessDeniedException);
    CHECK(repo.accounts.find(member)->organization_id == org.id);
    // What the SCP does not name is still allowed through FullAWSAccess at every level.
    CHECK(orgs.call<ops::DescribeOrganization>(repo, as_member).organization.id == org.id);

    // Attached at the root, it does not restrict the management account.
    attach(deny, root);
    CHECK(orgs.call<ops::DescribeOrganization>(repo, kMgmt).organization.id == org.id);

    // Without an Allow at one level (FullAWSAccess replaced by a narrow SCP on the OU), what is
    // not allowed there is denied implicitly.
    auto only_describe = create("only-describe", PolicyType::SERVICE_CONTROL_POLICY,
                                R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"organizations:Describe*","Resource":"*"}]})")
                             .policy_summary.id;
    attach(only_describe, ou1);
    detach("p-FullAWSAccess", ou1);
    CHECK(orgs.call<ops::DescribeOrganization>(repo, as_member).organization.id == org.id);
    expect_error([&] { orgs.call<ops::ListHandshakesForAccount>(repo, as_member, {}); }, error_code::AccessDeniedException);

    // Disabling SCPs lifts every restriction.
    disable(PolicyType::SERVICE_CONTROL_POLICY);
    orgs.call<ops::LeaveOrganization>(repo, as_member);
    CHECK(repo.accounts.find(member)->standalone());
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: SCP Resource elements match the ARNs the request names") {
    const auto member = account("m@example.com");
    const Caller as_member{member};
    enable(PolicyType::SERVICE_CONTROL_POLICY);
    // Deny describing the management account, by its ARN.
    const std::string mgmt_arn = "arn:aws:organizations::111111111111:account/" + org.id + "/111111111111";
    attach(create("deny-mgmt", PolicyType::SERVICE_CONTROL_POLICY,
                  R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:DescribeAccount","Resource":")" +
                      mgmt_arn + R"("}]})")
               .policy_summary.id,
           member);
    // A plain member may not describe accounts at all: refused by the access rule, not the SCP.
    const auto plain = refusal([&] { orgs.call<ops::DescribeAccount>(repo, as_member, {member}); });
    CHECK(plain.find("explicit deny") == std::string::npos);
    // As a delegated administrator it may, but for what the SCP denies by ARN.
    orgs.call<ops::EnableAWSServiceAccess>(repo, kMgmt, {"guardduty.amazonaws.com"});
    orgs.call<ops::RegisterDelegatedAdministrator>(repo, kMgmt, {member, "guardduty.amazonaws.com"});
    CHECK(refusal([&] { orgs.call<ops::DescribeAccount>(repo, as_member, {kMgmt.account_id}); })
              .find("explicit deny") != std::string::npos);
    CHECK(orgs.call<ops::DescribeAccount>(repo, as_member, {member}).account.id == member);
}

TEST_CASE_FIXTURE(PoliciesFixture, "policies: accepting an invitation out of an organization needs LeaveOrganization allowed") {
    enable(PolicyType::SERVICE_CONTROL_POLICY);
    const auto member = account("m@example.com");
    auto record = *repo.accounts.find(member);
    record.phone_verified = record.eula_accepted = record.payment_instrument = true;
    repo.accounts.save(record);
    attach(create("deny-leave", PolicyType::SERVICE_CONTROL_POLICY, kDenyLeave).policy_summary.id, member);

    const Caller other{"444444444444"};
    orgs.create_organization(repo, other);
    auto h = orgs.invite_account_to_organization(repo, other, {{member, "ACCOUNT"}, std::nullopt, {}});
    expect_error([&] { orgs.call<ops::AcceptHandshake>(repo, Caller{member}, {h.id}); }, error_code::AccessDeniedException);
    CHECK(repo.accounts.find(member)->organization_id == org.id);
}
