// Trusted access, delegated administrators, the delegation policy, and who may call what (issue 16;
// API Reference of EnableAWSServiceAccess, DisableAWSServiceAccess,
// ListAWSServiceAccessForOrganization, RegisterDelegatedAdministrator,
// DeregisterDelegatedAdministrator, ListDelegatedAdministrators, ListDelegatedServicesForAccount,
// PutResourcePolicy, DescribeResourcePolicy, DeleteResourcePolicy; User Guide, "Delegated
// administrator for AWS Organizations"). Every call goes through its binding, as the server runs
// it, so the access rules of model/access.cpp apply. Every test case name starts "delegation: ".
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/calls.hpp"
#include "model/errors.hpp"
#include "model/expect_error.hpp"
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
const std::string kTagPolicy = R"({"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"}}}})";
const std::string kScp = R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]})";

struct DelegationFixture : testing::OrgFixture {
    DelegationFixture() : OrgFixture(16) {}
    // A member that may leave (what a created account lacks, given).
    std::string member(const std::string& email) {
        auto id = created_account(email);
        auto record = *repo.accounts.find(id);
        record.phone_verified = record.eula_accepted = record.payment_instrument = true;
        record.joined_ms -= 5 * 24 * 3600 * 1000LL;
        repo.accounts.save(record);
        return id;
    }
    void enable(const std::string& principal) { orgs.call<ops::EnableAWSServiceAccess>(repo, kMgmt, {principal}); }
    void register_admin(const std::string& account, const std::string& principal) {
        orgs.call<ops::RegisterDelegatedAdministrator>(repo, kMgmt, {account, principal});
    }
    std::vector<std::string> services() {
        std::vector<std::string> out;
        std::optional<std::string> token;
        do {
            auto page = orgs.call<ops::ListAWSServiceAccessForOrganization>(repo, kMgmt, {1, token});
            for (const auto& s : page.enabled_service_principals) out.push_back(s.service_principal);
            token = page.next_token.empty() ? std::nullopt : std::optional(page.next_token);
        } while (token);
        return out;
    }
    std::vector<api::DelegatedAdministrator> admins(std::optional<std::string> principal = std::nullopt,
                                                    const Caller& who = kMgmt) {
        std::vector<api::DelegatedAdministrator> out;
        std::optional<std::string> token;
        do {
            auto page = orgs.call<ops::ListDelegatedAdministrators>(repo, who, {1, token, principal});
            for (auto& d : page.delegated_administrators) out.push_back(d);
            token = page.next_token.empty() ? std::nullopt : std::optional(page.next_token);
        } while (token);
        return out;
    }
    api::ResourcePolicy put(const std::string& content, std::vector<model::Tag> tags = {}) {
        return orgs.call<ops::PutResourcePolicy>(repo, kMgmt, {content, std::move(tags)}).resource_policy;
    }
    // A delegation policy granting `account` the actions, on every resource, for one policy type.
    static std::string grant(const std::string& account, const std::string& actions, const std::string& type = "") {
        std::string s = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)" +
                        account + R"(:root"},"Action":)" + actions + R"(,"Resource":"*")";
        if (!type.empty()) s += R"(,"Condition":{"StringLikeIfExists":{"organizations:PolicyType":")" + type + R"("}})";
        return s + "}]}";
    }
};

}  // namespace

// --- item 1: trusted access ------------------------------------------------------------------------

TEST_CASE_FIXTURE(DelegationFixture, "delegation: trusted access is enabled, listed in principal order with its date, and disabled") {
    enable("securityhub.amazonaws.com");
    clock.advance_ms(5000);
    enable("health.amazonaws.com");  // a principal a peer refused as unknown
    enable("member.org.stacksets.cloudformation.amazonaws.com");
    enable("some-new-service.amazonaws.com");  // the rule accepts services AWS adds later
    CHECK(services() == std::vector<std::string>{"health.amazonaws.com",
                                                 "member.org.stacksets.cloudformation.amazonaws.com",
                                                 "securityhub.amazonaws.com", "some-new-service.amazonaws.com"});
    auto first = orgs.call<ops::ListAWSServiceAccessForOrganization>(repo, kMgmt, {20, std::nullopt});
    CHECK(first.enabled_service_principals.at(0).date_enabled_ms == clock.now_ms());
    CHECK(first.enabled_service_principals.at(2).date_enabled_ms == clock.now_ms() - 5000);
    // Enabling again changes nothing, its date included.
    clock.advance_ms(1000);
    enable("securityhub.amazonaws.com");
    first = orgs.call<ops::ListAWSServiceAccessForOrganization>(repo, kMgmt, {20, std::nullopt});
    CHECK(first.enabled_service_principals.at(2).date_enabled_ms == clock.now_ms() - 6000);

    orgs.call<ops::DisableAWSServiceAccess>(repo, kMgmt, {"health.amazonaws.com"});
    orgs.call<ops::DisableAWSServiceAccess>(repo, kMgmt, {"health.amazonaws.com"});  // already: no change
    CHECK(services().size() == 3);
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: principals AWS refuses, and the feature-set rule") {
    for (std::string bad : {"stacksets.cloudformation.amazonaws.com", "license-manager.member-account.amazonaws.com.",
                            "example.com", "amazonaws.com", ".amazonaws.com"})
        expect_error([&] { enable(bad); }, error_code::InvalidInputException, "UNRECOGNIZED_SERVICE_PRINCIPAL");
    // A consolidated-billing organization has none of it.
    const Caller other{"222222222222"};
    orgs.create_organization(repo, other, "CONSOLIDATED_BILLING");
    expect_error([&] { orgs.call<ops::EnableAWSServiceAccess>(repo, other, {"sso.amazonaws.com"}); },
                 error_code::ConstraintViolationException, "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
    expect_error([&] { orgs.call<ops::ListAWSServiceAccessForOrganization>(repo, other, {}); },
                 error_code::ConstraintViolationException, "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE");
    expect_error([&] { orgs.call<ops::ListAWSServiceAccessForOrganization>(repo, Caller{"333333333333"}, {}); },
                 error_code::AWSOrganizationsNotInUseException);
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: a service's policy type must be disabled before its trusted access") {
    enable("securityhub.amazonaws.com");
    orgs.call<ops::EnablePolicyType>(repo, kMgmt, {PolicyType::SECURITYHUB_POLICY, root});
    expect_error([&] { orgs.call<ops::DisableAWSServiceAccess>(repo, kMgmt, {"securityhub.amazonaws.com"}); },
                 error_code::ConstraintViolationException, "POLICY_TYPE_ENABLED_FOR_THIS_SERVICE");
    orgs.call<ops::DisablePolicyType>(repo, kMgmt, {PolicyType::SECURITYHUB_POLICY, root});
    orgs.call<ops::DisableAWSServiceAccess>(repo, kMgmt, {"securityhub.amazonaws.com"});
    CHECK(services().empty());
}

// --- item 2: delegated administrators --------------------------------------------------------------

TEST_CASE_FIXTURE(DelegationFixture, "delegation: register, list by service and overall, services of an account, deregister") {
    auto a = member("a@example.com"), b = member("b@example.com");
    enable("guardduty.amazonaws.com");
    enable("member.org.stacksets.cloudformation.amazonaws.com");
    register_admin(a, "guardduty.amazonaws.com");
    clock.advance_ms(1000);
    register_admin(a, "member.org.stacksets.cloudformation.amazonaws.com");
    register_admin(b, "member.org.stacksets.cloudformation.amazonaws.com");

    auto all = admins();
    REQUIRE(all.size() == 2);  // each account once, with its earliest date
    CHECK(all[0].id == std::min(a, b));
    const auto& of_a = all[0].id == a ? all[0] : all[1];
    CHECK(of_a.delegation_enabled_date_ms == clock.now_ms() - 1000);
    CHECK(of_a.email == "a@example.com");
    CHECK(of_a.status == "ACTIVE");
    CHECK(of_a.state == "ACTIVE");
    CHECK(of_a.joined_method == "CREATED");
    CHECK(of_a.arn == "arn:aws:organizations::111111111111:account/" + org.id + "/" + a);
    CHECK(admins("guardduty.amazonaws.com").size() == 1);
    CHECK(admins("member.org.stacksets.cloudformation.amazonaws.com").size() == 2);
    CHECK(admins("sso.amazonaws.com").empty());

    auto services = orgs.call<ops::ListDelegatedServicesForAccount>(repo, kMgmt, {a, 1, std::nullopt});
    REQUIRE(services.delegated_services.size() == 1);
    CHECK(services.delegated_services[0].service_principal == "guardduty.amazonaws.com");
    CHECK(!services.next_token.empty());
    auto rest = orgs.call<ops::ListDelegatedServicesForAccount>(repo, kMgmt, {a, 1, services.next_token});
    CHECK(rest.delegated_services.at(0).service_principal == "member.org.stacksets.cloudformation.amazonaws.com");

    orgs.call<ops::DeregisterDelegatedAdministrator>(repo, kMgmt, {a, "guardduty.amazonaws.com"});
    CHECK(admins("guardduty.amazonaws.com").empty());
    expect_error([&] { orgs.call<ops::DeregisterDelegatedAdministrator>(repo, kMgmt, {a, "guardduty.amazonaws.com"}); },
                 error_code::AccountNotRegisteredException);
    auto c = member("c@example.com");
    expect_error([&] { orgs.call<ops::ListDelegatedServicesForAccount>(repo, kMgmt, {c, {}, {}}); },
                 error_code::AccountNotRegisteredException);
    expect_error([&] { orgs.call<ops::ListDelegatedServicesForAccount>(repo, kMgmt, {"444444444444", {}, {}}); },
                 error_code::AccountNotFoundException);
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: every refusal of RegisterDelegatedAdministrator") {
    auto a = member("a@example.com"), b = member("b@example.com");
    enable("guardduty.amazonaws.com");
    auto refuse = [&](const std::string& account, const std::string& principal, error_code code,
                      const std::string& reason = "") {
        expect_error([&] { register_admin(account, principal); }, code, reason);
    };
    refuse("444444444444", "guardduty.amazonaws.com", error_code::AccountNotFoundException);
    refuse(kMgmt.account_id, "guardduty.amazonaws.com", error_code::ConstraintViolationException,
           "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR");
    refuse(a, "sso.amazonaws.com", error_code::ConstraintViolationException, "SERVICE_ACCESS_NOT_ENABLED");
    refuse(a, "stacksets.cloudformation.amazonaws.com", error_code::InvalidInputException,
           "UNRECOGNIZED_SERVICE_PRINCIPAL");
    enable("ram.amazonaws.com");  // trusted access without delegated administrators
    refuse(a, "ram.amazonaws.com", error_code::InvalidInputException, "UNRECOGNIZED_SERVICE_PRINCIPAL");
    register_admin(a, "guardduty.amazonaws.com");
    refuse(a, "guardduty.amazonaws.com", error_code::AccountAlreadyRegisteredException);
    refuse(b, "guardduty.amazonaws.com", error_code::ConstraintViolationException,
           "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE");
    // A service that takes several has a limit of its own.
    enable("config.amazonaws.com");
    register_admin(a, "config.amazonaws.com");
    register_admin(b, "config.amazonaws.com");
    register_admin(member("c@example.com"), "config.amazonaws.com");
    refuse(member("d@example.com"), "config.amazonaws.com", error_code::ConstraintViolationException,
           "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED");
    // A closed (or closing) account cannot be registered.
    auto e = member("e@example.com");
    orgs.call<ops::CloseAccount>(repo, kMgmt, {e});
    enable("sso.amazonaws.com");
    refuse(e, "sso.amazonaws.com", error_code::ConstraintViolationException,
           "CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR");
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: a delegated administrator cannot leave nor be removed; closing shows it suspended, then gone") {
    auto a = member("a@example.com");
    enable("guardduty.amazonaws.com");
    register_admin(a, "guardduty.amazonaws.com");
    expect_error([&] { orgs.remove_account_from_organization(repo, kMgmt, a); },
                 error_code::ConstraintViolationException, "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG");
    expect_error([&] { orgs.call<ops::LeaveOrganization>(repo, Caller{a}); },
                 error_code::ConstraintViolationException, "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG");
    // Disabling trusted access keeps the registration.
    orgs.call<ops::DisableAWSServiceAccess>(repo, kMgmt, {"guardduty.amazonaws.com"});
    CHECK(admins().size() == 1);
    // It may be closed: listed SUSPENDED while the closed account stays, gone when it leaves.
    orgs.call<ops::CloseAccount>(repo, kMgmt, {a});
    clock.advance_ms(1000);
    CHECK(admins().at(0).status == "SUSPENDED");
    clock.advance_ms(91LL * 24 * 3600 * 1000);
    CHECK(admins().empty());
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: deleting the organization takes its delegation with it") {
    enable("sso.amazonaws.com");
    put(grant(kMgmt.account_id, R"("organizations:ListAccounts")"), {{"k", "v"}});
    orgs.call<ops::DeleteOrganization>(repo, kMgmt);
    auto again = orgs.create_organization(repo, kMgmt);
    CHECK(services().empty());
    expect_error([&] { orgs.call<ops::DescribeResourcePolicy>(repo, kMgmt); },
                 error_code::ResourcePolicyNotFoundException);
}

// --- item 3: who may call what ---------------------------------------------------------------------

TEST_CASE("delegation: the access table has a rule for every operation localorgs implements") {
    model::FakeClock clock{0};
    model::IdGenerator ids{1};
    model::Service service{clock, ids, {}};
    for (const auto& rule : model::access_rules()) CHECK(model::access_of(rule.operation) == rule.access);
    CHECK(model::access_rules().size() == 63);
    CHECK(model::access_of("ListAccounts") == model::Access::delegated_read);
    CHECK(model::access_of("AttachPolicy") == model::Access::delegated_write);
    CHECK(model::access_of("MoveAccount") == model::Access::management);
    CHECK(model::access_of("DescribeOrganization") == model::Access::any);
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: a delegated administrator reads the organization; a plain member is refused") {
    auto admin = member("admin@example.com"), plain = member("plain@example.com");
    enable("guardduty.amazonaws.com");
    const Caller as_admin{admin}, as_plain{plain};
    expect_error([&] { orgs.call<ops::ListAccounts>(repo, as_admin, {}); }, error_code::AccessDeniedException);
    register_admin(admin, "guardduty.amazonaws.com");
    CHECK(orgs.call<ops::ListAccounts>(repo, as_admin, {}).accounts.size() == 3);
    CHECK(orgs.call<ops::DescribeAccount>(repo, as_admin, {plain}).account.email == "plain@example.com");
    CHECK(orgs.call<ops::ListRoots>(repo, as_admin, {}).roots.at(0).id == root);
    CHECK(orgs.call<ops::ListChildren>(repo, as_admin, {api::ChildType::ACCOUNT, {}, {}, root}).children.size() == 3);
    CHECK(admins(std::nullopt, as_admin).size() == 1);
    CHECK(orgs.call<ops::ListAWSServiceAccessForOrganization>(repo, as_admin, {}).enabled_service_principals.size() == 1);
    // Reading is not writing, and management operations stay the management account's.
    expect_error([&] { orgs.call<ops::CreateOrganizationalUnit>(repo, as_admin, {"x", root, {}}); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.call<ops::CreatePolicy>(repo, as_admin, {kTagPolicy, "d", "n", {}, PolicyType::TAG_POLICY}); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.call<ops::RegisterDelegatedAdministrator>(repo, as_admin, {plain, "guardduty.amazonaws.com"}); },
                 error_code::AccessDeniedException);
    for (auto call : {+[](testing::Orgs& o, model::Repository& r, const Caller& c) { o.call<ops::ListAccounts>(r, c, {}); },
                      +[](testing::Orgs& o, model::Repository& r, const Caller& c) { o.call<ops::ListRoots>(r, c, {}); },
                      +[](testing::Orgs& o, model::Repository& r, const Caller& c) {
                          o.call<ops::ListDelegatedAdministrators>(r, c, {});
                      }})
        expect_error([&] { call(orgs, repo, as_plain); }, error_code::AccessDeniedException);
    // Any member still describes its organization.
    CHECK(orgs.call<ops::DescribeOrganization>(repo, as_plain).organization.id == org.id);
}

// --- item 4: the delegation policy -----------------------------------------------------------------

TEST_CASE_FIXTURE(DelegationFixture, "delegation: the resource policy is put, described, replaced, tagged and deleted") {
    auto a = member("a@example.com");
    expect_error([&] { orgs.call<ops::DescribeResourcePolicy>(repo, kMgmt); },
                 error_code::ResourcePolicyNotFoundException);
    expect_error([&] { orgs.call<ops::DeleteResourcePolicy>(repo, kMgmt); },
                 error_code::ResourcePolicyNotFoundException);
    auto p = put(grant(a, R"("organizations:DescribeOrganization")"), {{"team", "platform"}});
    const auto& id = p.resource_policy_summary.id;
    CHECK(id.starts_with("rp-"));
    CHECK(p.resource_policy_summary.arn ==
          "arn:aws:organizations::111111111111:resourcepolicy/" + org.id + "/" + id);
    CHECK(orgs.call<ops::ListTagsForResource>(repo, kMgmt, {std::nullopt, id}).tags.size() == 1);
    // Replacing keeps the id; tags only come with the creation.
    auto replaced = put(grant(a, R"(["organizations:ListRoots","organizations:ListAccounts"])"));
    CHECK(replaced.resource_policy_summary.id == id);
    CHECK(orgs.call<ops::DescribeResourcePolicy>(repo, kMgmt).resource_policy.content == replaced.content);
    expect_error([&] { put(grant(a, R"("organizations:ListRoots")"), {{"k", "v"}}); },
                 error_code::InvalidInputException);
    orgs.call<ops::DeleteResourcePolicy>(repo, kMgmt);
    expect_error([&] { orgs.call<ops::ListTagsForResource>(repo, kMgmt, {std::nullopt, id}); },
                 error_code::TargetNotFoundException);
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: what the resource policy refuses to hold") {
    auto a = member("a@example.com");
    auto refuse = [&](const std::string& content, const std::string& reason) {
        expect_error([&] { put(content); }, error_code::InvalidInputException, reason);
    };
    refuse("{not json", "INVALID_RESOURCE_POLICY_JSON");
    refuse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"organizations:ListRoots","Resource":"*"}]})",
           "INVALID_RESOURCE_POLICY_JSON");  // no Principal
    refuse(grant("444444444444", R"("organizations:ListRoots")"), "INVALID_PRINCIPAL");
    refuse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"organizations:ListRoots","Resource":"*"}]})",
           "INVALID_PRINCIPAL");
    refuse(grant(a, R"("organizations:MoveAccount")"), "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY");
    refuse(grant(a, R"("s3:GetObject")"), "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY");
    refuse(grant(a, R"("organizations:CreatePolicy")", "NOT_A_POLICY"), "UNSUPPORTED_POLICY_TYPE_IN_RESOURCE_POLICY");
    refuse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + a +
               R"("},"Action":"organizations:AttachPolicy","Resource":"arn:aws:s3:::bucket"}]})",
           "UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY");
    refuse(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + a +
               R"("},"Action":"organizations:AttachPolicy","Resource":"arn:aws:organizations::111111111111:ou/o-someoneelse/*"}]})",
           "UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY");
    // Wildcards that reach delegable actions are fine; the account id alone names it too.
    put(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + a +
        R"("},"Action":"organizations:Describe*","Resource":"arn:aws:organizations::111111111111:ou/)" + org.id +
        R"(/*"}]})");
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: the resource policy lets a member manage tag policies and not SCPs") {
    auto a = member("a@example.com"), other = member("other@example.com");
    const Caller as_a{a}, as_other{other};
    orgs.call<ops::EnablePolicyType>(repo, kMgmt, {PolicyType::SERVICE_CONTROL_POLICY, root});
    orgs.call<ops::EnablePolicyType>(repo, kMgmt, {PolicyType::TAG_POLICY, root});
    put(grant(a,
              R"(["organizations:CreatePolicy","organizations:AttachPolicy","organizations:DescribePolicy","organizations:ListPolicies"])",
              "TAG_POLICY"));
    auto tag = orgs.call<ops::CreatePolicy>(repo, as_a, {kTagPolicy, "d", "tags", {}, PolicyType::TAG_POLICY}).policy;
    CHECK(tag.policy_summary.arn.find(":policy/" + org.id + "/tag_policy/") != std::string::npos);
    orgs.call<ops::AttachPolicy>(repo, as_a, {tag.policy_summary.id, other});
    CHECK(orgs.call<ops::DescribePolicy>(repo, as_a, {tag.policy_summary.id}).policy.content == kTagPolicy);
    CHECK(orgs.call<ops::ListPolicies>(repo, as_a, {PolicyType::TAG_POLICY, {}, {}}).policies.size() == 1);
    // Not an SCP, not an action it was not granted, not for another member.
    expect_error([&] { orgs.call<ops::CreatePolicy>(repo, as_a, {kScp, "d", "scp", {}, PolicyType::SERVICE_CONTROL_POLICY}); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.call<ops::ListPolicies>(repo, as_a, {PolicyType::SERVICE_CONTROL_POLICY, {}, {}}); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.call<ops::DetachPolicy>(repo, as_a, {tag.policy_summary.id, other}); },
                 error_code::AccessDeniedException);
    expect_error([&] { orgs.call<ops::CreatePolicy>(repo, as_other, {kTagPolicy, "d", "x", {}, PolicyType::TAG_POLICY}); },
                 error_code::AccessDeniedException);
    // A Deny in the policy wins over its Allow.
    put(R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Principal":{"AWS":")" + a + R"("},"Action":"organizations:*Polic*","Resource":"*"},
        {"Effect":"Deny","Principal":{"AWS":")" + a + R"("},"Action":"organizations:DescribePolicy","Resource":"*"}]})");
    expect_error([&] { orgs.call<ops::DescribePolicy>(repo, as_a, {tag.policy_summary.id}); },
                 error_code::AccessDeniedException);
    CHECK(orgs.call<ops::ListPolicies>(repo, as_a, {PolicyType::TAG_POLICY, {}, {}}).policies.size() == 1);
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: resources in the policy scope what a member may attach") {
    auto a = member("a@example.com"), b = member("b@example.com");
    const Caller as_a{a};
    orgs.call<ops::EnablePolicyType>(repo, kMgmt, {PolicyType::TAG_POLICY, root});
    auto ou = orgs.call<ops::CreateOrganizationalUnit>(repo, kMgmt, {"Team", root, {}}).organizational_unit.id;
    auto tag = orgs.call<ops::CreatePolicy>(repo, kMgmt, {kTagPolicy, "d", "tags", {}, PolicyType::TAG_POLICY}).policy;
    const std::string prefix = "arn:aws:organizations::111111111111:";
    put(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" + a +
        R"("},"Action":"organizations:AttachPolicy","Resource":[")" + prefix + "ou/" + org.id + R"(/*",")" + prefix +
        "policy/" + org.id + R"(/tag_policy/*"]}]})");
    orgs.call<ops::AttachPolicy>(repo, as_a, {tag.policy_summary.id, ou});
    // The account is not an OU: both the policy and the target must be allowed.
    expect_error([&] { orgs.call<ops::AttachPolicy>(repo, as_a, {tag.policy_summary.id, b}); },
                 error_code::AccessDeniedException);
}

TEST_CASE_FIXTURE(DelegationFixture, "delegation: SCPs still apply to a delegated administrator") {
    auto a = member("a@example.com");
    enable("guardduty.amazonaws.com");
    register_admin(a, "guardduty.amazonaws.com");
    orgs.call<ops::EnablePolicyType>(repo, kMgmt, {PolicyType::SERVICE_CONTROL_POLICY, root});
    auto deny = orgs.call<ops::CreatePolicy>(
        repo, kMgmt,
        {R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:ListAccounts","Resource":"*"}]})",
         "d", "no-list", {}, PolicyType::SERVICE_CONTROL_POLICY});
    orgs.call<ops::AttachPolicy>(repo, kMgmt, {deny.policy.policy_summary.id, a});
    expect_error([&] { orgs.call<ops::ListAccounts>(repo, Caller{a}, {}); }, error_code::AccessDeniedException);
    CHECK(orgs.call<ops::ListRoots>(repo, Caller{a}, {}).roots.size() == 1);
}
