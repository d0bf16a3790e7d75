// Policy documents (issue 15 items 1, 6, 7; model/policy/documents.hpp): the table of policy
// types, what each type's content check refuses, effective management policies (the User Guide's
// six inheritance examples as golden files under golden/policy_inheritance/), the validation of
// effective policies, and SCP evaluation. Every test case name starts "policy documents: ".
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "model/errors.hpp"
#include "model/expect_error.hpp"
#include "model/policy/documents.hpp"

using namespace localorgs;
using model::error_code;
using model::api::PolicyType;
using model::policy::Applied;
using model::policy::Decision;
using model::policy::Levels;
namespace policy = model::policy;

namespace {

// The AWS-managed policies' content (the User Guide's "AWS managed policies").
constexpr const char* kFullAWSAccess =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
constexpr const char* kRCPFullAWSAccess =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",)"
    R"("Resource":"*"}]})";
// The User Guide's "Prevent member accounts from leaving the organization" example SCP.
constexpr const char* kDenyLeave = R"({
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": [
                "organizations:LeaveOrganization"
            ],
            "Resource": "*"
        }
    ]
})";

// The message validate() refuses `content` with ("" when it accepts it), checking that a refusal
// is MalformedPolicyDocumentException.
std::string refusal(PolicyType type, std::string_view content, bool customer = true) {
    try {
        policy::validate(type, content, customer);
        return "";
    } catch (const model::api_error& e) {
        CHECK_MESSAGE(e.code() == error_code::MalformedPolicyDocumentException, e.message());
        CHECK(e.reason().empty());
        CHECK(!e.message().empty());
        return e.message();
    }
}
std::string scp_refusal(std::string_view content) {
    return refusal(PolicyType::SERVICE_CONTROL_POLICY, content);
}
std::string rcp_refusal(std::string_view content, bool customer = true) {
    return refusal(PolicyType::RESOURCE_CONTROL_POLICY, content, customer);
}
std::string tag_refusal(std::string_view content) {
    return refusal(PolicyType::TAG_POLICY, content);
}

bool has(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// An SCP of one statement whose members are `members` (JSON text without braces).
std::string scp(std::string_view members) {
    std::string s = R"({"Version":"2012-10-17","Statement":{)";
    s += members;
    s += "}}";
    return s;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::filesystem::path golden_dir() {
    return std::filesystem::path(__FILE__).parent_path() / "golden" / "policy_inheritance";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The type table

TEST_CASE("policy documents: one row per PolicyType, in the enum's order, with AWS's quotas") {
    auto rows = policy::all_rules();
    REQUIRE(rows.size() == model::api::enum_names<PolicyType>().size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        CHECK(static_cast<std::size_t>(r.type) == i);
        CHECK(&policy::rules(r.type) == &r);
        std::string lower(model::api::to_string(r.type));
        std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) { return std::tolower(c); });
        CHECK(r.arn_segment == lower);
        bool auth =
            r.type == PolicyType::SERVICE_CONTROL_POLICY || r.type == PolicyType::RESOURCE_CONTROL_POLICY;
        CHECK(r.authorization == auth);
        CHECK(r.top_key.empty() == auth);
        CHECK(r.min_attachments == (auth ? 1 : 0));
        CHECK(r.max_content > 0);
        CHECK(r.max_policies > 0);
        CHECK(r.max_attachments >= 5);
    }
    const auto& scp = policy::rules(PolicyType::SERVICE_CONTROL_POLICY);
    CHECK(scp.max_content == 10'240);
    CHECK(scp.max_policies == 10'000);
    CHECK(scp.max_attachments == 10);
    const auto& rcp = policy::rules(PolicyType::RESOURCE_CONTROL_POLICY);
    CHECK(rcp.max_content == 5'120);
    CHECK(rcp.max_policies == 2'000);
    CHECK(rcp.max_attachments == 5);
    CHECK(policy::rules(PolicyType::TAG_POLICY).top_key == "tags");
    CHECK(policy::rules(PolicyType::BACKUP_POLICY).top_key == "plans");
    CHECK(policy::rules(PolicyType::AISERVICES_OPT_OUT_POLICY).max_content == 2'500);
    CHECK(policy::rules(PolicyType::AISERVICES_OPT_OUT_POLICY).max_attachments == 5);
    CHECK(policy::rules(PolicyType::CHATBOT_POLICY).max_attachments == 5);
    CHECK(policy::rules(PolicyType::UPGRADE_ROLLOUT_POLICY).max_content == 5'120);
    CHECK(policy::rules(PolicyType::DECLARATIVE_POLICY_EC2).top_key == "ec2_attributes");
    CHECK(policy::rules(PolicyType::SECURITYHUB_POLICY).top_key == "securityhub");
    for (auto t : {PolicyType::TAG_POLICY, PolicyType::BACKUP_POLICY, PolicyType::SECURITYHUB_POLICY,
                   PolicyType::DECLARATIVE_POLICY_EC2, PolicyType::CHATBOT_POLICY}) {
        CHECK(policy::rules(t).max_policies == 1'000);
    }
}

// ---------------------------------------------------------------------------------------------
// Reading JSON: what any type refuses before its grammar is looked at

TEST_CASE("policy documents: text that is not one JSON object is refused, saying where") {
    for (auto type : {PolicyType::SERVICE_CONTROL_POLICY, PolicyType::TAG_POLICY}) {
        CHECK(has(refusal(type, ""), "not valid JSON"));
        CHECK(has(refusal(type, "{"), "not valid JSON"));
        CHECK(has(refusal(type, "{\"Version\":}"), "line 1, column 12"));
        CHECK(has(refusal(type, "{\n  \"a\": tru\n}"), "line 2"));
        CHECK(has(refusal(type, "[]"), "must be one JSON object, not an array"));
        CHECK(has(refusal(type, "\"text\""), "not a string"));
        CHECK(has(refusal(type, "null"), "not null"));
    }
    // Two top-level objects: the classic error of the User Guide's "Troubleshooting policies".
    std::string two = std::string(kFullAWSAccess) + "\n" + kDenyLeave;
    std::string m = scp_refusal(two);
    CHECK(has(m, "two top-level objects"));
    CHECK(has(m, "line 2, column 1"));
    CHECK(has(scp_refusal(std::string(kFullAWSAccess) + " x"), "more follows"));
    CHECK(scp_refusal(std::string(kFullAWSAccess) + " \n\t ").empty());  // white space after it is fine
}

TEST_CASE("policy documents: repeated keys, invalid UTF-8, deep nesting and huge input are refused cleanly") {
    std::string dup = scp(R"("Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*")");
    std::string m = scp_refusal(dup);
    CHECK(has(m, "\"Effect\" appears twice in Statement"));
    CHECK(has(scp_refusal(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"},"Statement":[]})"),
              "appears twice in the top-level object"));
    CHECK(has(tag_refusal(R"({"tags":{"a":{"@@assign":"x","@@assign":"y"}}})"), "appears twice in tags.a"));

    // Invalid UTF-8 in a string and outside one; the message itself stays printable ASCII.
    for (std::string bad : {std::string("{\"Statement\":\"\xff\xfe\"}"), std::string("{\"a\":1,\xc3}"),
                            std::string("{\"Sid\":\"\xed\xa0\x80\"}")}) {
        m = scp_refusal(bad);
        CHECK(has(m, "not valid JSON"));
        CHECK(std::all_of(m.begin(), m.end(), [](char c) { return c >= 0x20 && c < 0x7f; }));
    }

    // 32 levels are read; 33 are not, and a million opening brackets stop at the 33rd.
    std::string ok_deep = tag_refusal(R"({"tags":)" + std::string(31, '[') + std::string(31, ']') + "}");
    CHECK(has(ok_deep, "tags must be an object"));  // refused by the grammar (an array), not for its depth
    CHECK(has(tag_refusal(R"({"tags":)" + std::string(32, '[') + std::string(32, ']') + "}"),
              "deeper than 32"));
    CHECK(has(scp_refusal(std::string(1'000'000, '[')), "deeper than 32"));

    // Large but well-formed: one statement of 100,000 actions is read, and judged on its merits.
    std::string big = R"({"Statement":{"Effect":"Deny","Resource":"*","Action":[)";
    for (int i = 0; i < 100'000; ++i) {
        if (i) big += ',';
        big += "\"s3:Get";
        big += std::to_string(i);
        big += '"';
    }
    big += "]}}";
    CHECK(scp_refusal(big).empty());
    big.back() = ']';  // now malformed at the very end
    CHECK(has(scp_refusal(big), "not valid JSON"));
}

TEST_CASE(
    "policy documents: every truncation and many byte flips of a valid policy are answered, never crash") {
    const std::string docs[] = {kFullAWSAccess, kDenyLeave,
                                read_file(golden_dir() / "example4" / "0-1-E.json")};
    for (const auto& doc : docs) {
        for (std::size_t n = 0; n <= doc.size(); ++n) {
            for (auto type : {PolicyType::SERVICE_CONTROL_POLICY, PolicyType::TAG_POLICY}) {
                std::string cut = doc.substr(0, n);
                try {
                    policy::validate(type, cut);
                } catch (const model::api_error& e) {
                    CHECK(e.code() == error_code::MalformedPolicyDocumentException);
                }
                std::string flipped = doc;
                if (n < flipped.size()) flipped[n] = static_cast<char>(flipped[n] ^ 0x5a);
                try {
                    policy::validate(type, flipped);
                } catch (const model::api_error& e) {
                    CHECK(e.code() == error_code::MalformedPolicyDocumentException);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SCPs and RCPs

TEST_CASE("policy documents: the SCPs of AWS and of the User Guide are accepted") {
    CHECK(scp_refusal(kFullAWSAccess).empty());
    CHECK(scp_refusal(kDenyLeave).empty());
    // From the SCP syntax page: a single statement object, no Version.
    CHECK(scp_refusal(
              R"({"Statement":{"Sid":"AllowsAllActions","Effect":"Allow","Action":"*","Resource":"*"}})")
              .empty());
    // NotAction with a Condition (the page's "DenyAllOutsideEU").
    CHECK(scp_refusal(R"({"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOutsideEU","Effect":"Deny",
        "NotAction":["cloudfront:*","iam:*","route53:*","support:*"],"Resource":"*",
        "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-central-1","eu-west-1"]}}}]})")
              .empty());
    // Resource ARNs with wildcards, on a Deny.
    CHECK(scp_refusal(scp(R"("Effect":"Deny","Action":["iam:AttachRolePolicy","iam:DeleteRole"],
        "Resource":["arn:aws:iam::*:role/role-to-deny"])"))
              .empty());
    // Since SCPs take the full IAM language: wildcards mid-action, NotResource, Allow with a Condition.
    CHECK(
        scp_refusal(scp(R"("Effect":"Deny","Action":"iam:*User","NotResource":"arn:aws:iam::*:user/admin")"))
            .empty());
    CHECK(scp_refusal(scp(R"("Effect":"Allow","Action":["organizations:*Organization","s3:Get?bject"],
        "Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalTag/team":"plat*"},
        "StringEqualsIfExists":{"aws:RequestedRegion":"us-east-1"},"Bool":{"aws:SecureTransport":true},
        "NumericLessThan":{"s3:max-keys":10},"Null":{"aws:TokenIssueTime":"true"}})"))
              .empty());
    CHECK(
        scp_refusal(R"({"Version":"2012-10-17","Id":"guardrails","Statement":[{"Effect":"Allow","Action":"*",
        "Resource":"*"}]})")
            .empty());
}

TEST_CASE("policy documents: the SCP grammar's refusals name the problem and where it is") {
    CHECK(has(
        scp_refusal(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})"),
        R"(Version must be "2012-10-17")"));
    CHECK(has(scp_refusal(R"({"Version":2012,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})"),
              "Version"));
    CHECK(has(scp_refusal(R"({"Version":"2012-10-17"})"), "no Statement"));
    CHECK(has(scp_refusal(R"({"Statement":[]})"), "at least one statement"));
    CHECK(has(scp_refusal(R"({"Statement":"Allow"})"), "Statement must be an object or an array of objects"));
    CHECK(has(scp_refusal(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},"x"]})"),
              "Statement[1] must be an object, not a string"));
    CHECK(has(scp_refusal(R"({"Policy":1,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})"),
              "Unknown top-level element \"Policy\""));
    CHECK(has(scp_refusal(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},
        {"Effect":"allow","Action":"*","Resource":"*"}]})"),
              R"(Statement[1].Effect must be "Allow" or "Deny")"));
    CHECK(has(scp_refusal(scp(R"("Action":"*","Resource":"*")")), "Statement has no Effect"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":"*","NotAction":"s3:*","Resource":"*")")),
              "Statement has both Action and NotAction"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Resource":"*")")),
              "Statement has neither Action nor NotAction"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":["s3:Get*","s3 GetObject"],"Resource":"*")")),
              R"(Statement.Action[1] "s3 GetObject" is not "*" or a "service:action" pattern)"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":"organizations:","Resource":"*")")),
              "Statement.Action"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":":Leave","Resource":"*")")), "Statement.Action"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":[],"Resource":"*")")),
              "Statement.Action must not be an empty array"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":[7],"Resource":"*")")),
              "Statement.Action[0] must be a string, not a number"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":"*")")),
              "Statement has neither Resource nor NotResource"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":"*","Resource":"*","NotResource":"*")")),
              "both Resource and NotResource"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":"*","Resource":"my-bucket")")),
              R"(Statement.Resource "my-bucket" is not "*" or an ARN)"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Principal":"*","Action":"*","Resource":"*")")),
              "Statement.Principal is not supported in a service control policy"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"*","Resource":"*")")),
              "Statement.NotPrincipal is not supported"));
    CHECK(has(scp_refusal(scp(R"("Effect":"Deny","Action":"*","Resource":"*","Actions":"*")")),
              "Statement has an unknown element \"Actions\""));
    CHECK(has(scp_refusal(R"({"Statement":[{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"},
        {"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]})"),
              R"(Statement[1].Sid "A" repeats the Sid of Statement[0])"));
    CHECK(has(scp_refusal(scp(R"("Sid":1,"Effect":"Deny","Action":"*","Resource":"*")")),
              "Statement.Sid must be"));
    CHECK(has(scp_refusal(R"({"Id":["x"],"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})"),
              "Id must be a string"));
}

TEST_CASE("policy documents: Condition blocks are operator -> key -> value(s)") {
    auto with = [](std::string_view condition) {
        std::string s = R"("Effect":"Deny","Action":"*","Resource":"*","Condition":)";
        s += condition;
        return scp_refusal(scp(s));
    };
    CHECK(with(R"({"ArnNotLikeIfExists":{"aws:PrincipalArn":["arn:aws:iam::*:role/admin"]}})").empty());
    CHECK(with(R"({"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}})").empty());
    CHECK(with("{}").empty());
    CHECK(has(with(R"({"StringEqualz":{"a":"b"}})"),
              R"(Statement.Condition has an unknown condition operator "StringEqualz")"));
    CHECK(has(with(R"({"NullIfExists":{"a":"true"}})"), "unknown condition operator \"NullIfExists\""));
    CHECK(has(with(R"({"ForSomeValues:StringEquals":{"a":"b"}})"), "unknown condition operator"));
    CHECK(has(with(R"("aws:SourceIp")"), "Statement.Condition must be an object of condition operators"));
    CHECK(has(with(R"({"StringEquals":"x"})"), "Statement.Condition.StringEquals must be an object"));
    CHECK(has(with(R"({"StringEquals":{"aws:userid":null}})"),
              "Statement.Condition.StringEquals.aws:userid must be a string, number or boolean"));
    CHECK(has(with(R"({"StringEquals":{"aws:userid":[]}})"), "aws:userid must be"));
    CHECK(has(with(R"({"StringEquals":{"":"x"}})"), "empty condition key"));
}

TEST_CASE(
    "policy documents: RCPs need Principal \"*\", take no NotAction, and only RCPFullAWSAccess may Allow") {
    CHECK(rcp_refusal(kRCPFullAWSAccess, false).empty());
    CHECK(has(rcp_refusal(kRCPFullAWSAccess), "only the AWS-managed RCPFullAWSAccess may use"));
    // The RCP syntax page's example.
    const char* deny =
        R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:PutBucketPublicAccessBlock",
        "Resource":"*"}})";
    CHECK(rcp_refusal(deny).empty());
    CHECK(rcp_refusal(R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},
        "Action":"s3:*","NotResource":"arn:aws:s3:::public-*","Condition":{"BoolIfExists":
        {"aws:SecureTransport":"false"}}}]})")
              .empty());
    CHECK(has(rcp_refusal(R"({"Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}})"),
              "Statement has no Principal"));
    CHECK(
        has(rcp_refusal(R"({"Statement":{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:root"},
        "Action":"s3:*","Resource":"*"}})"),
            R"(Statement.Principal must be "*")"));
    CHECK(has(
        rcp_refusal(R"({"Statement":{"Effect":"Deny","Principal":"*","NotAction":"s3:*","Resource":"*"}})"),
        "Statement.NotAction is not supported in a resource control policy"));
    CHECK(has(rcp_refusal(R"({"Statement":{"Effect":"Deny","NotPrincipal":"*","Principal":"*","Action":"s3:*",
        "Resource":"*"}})"),
              "NotPrincipal is not supported"));
    // SCP content is not an RCP, and the reverse.
    CHECK(has(rcp_refusal(kFullAWSAccess, false), "no Principal"));
    CHECK(has(scp_refusal(kRCPFullAWSAccess), "Principal is not supported"));
}

// ---------------------------------------------------------------------------------------------
// Management policies: the grammar

TEST_CASE("policy documents: management policies of every type, as their syntax pages write them") {
    CHECK(tag_refusal(read_file(golden_dir() / "example1" / "1-1-B.json")).empty());
    CHECK(refusal(PolicyType::SECURITYHUB_POLICY,
                  R"({"securityhub":{"enable_in_regions":{"@@append":["ALL_SUPPORTED"],
        "@@operators_allowed_for_child_policies":["@@all"]},"disable_in_regions":{"@@append":[],
        "@@operators_allowed_for_child_policies":["@@all"]}}})")
              .empty());
    CHECK(refusal(PolicyType::AISERVICES_OPT_OUT_POLICY,
                  R"({"services":{"@@operators_allowed_for_child_policies":
        ["@@none"],"default":{"@@operators_allowed_for_child_policies":["@@none"],"opt_out_policy":
        {"@@operators_allowed_for_child_policies":["@@none"],"@@assign":"optOut"}}}})")
              .empty());
    CHECK(refusal(PolicyType::BACKUP_POLICY,
                  R"J({"plans":{"PII_Backup_Plan":{"regions":{"@@append":["us-east-1"]},
        "rules":{"Hourly":{"schedule_expression":{"@@assign":"cron(0 5/1 ? * * *)"},
        "start_backup_window_minutes":{"@@assign":"480"},"target_backup_vault_name":{"@@assign":"FortKnox"},
        "lifecycle":{"delete_after_days":
        {"@@assign":"35"}}}},"selections":{"tags":{"datatype":{"iam_role_arn":{"@@assign":
        "arn:aws:iam::$account:role/MyIamRole"},"tag_key":{"@@assign":"dataType"},"tag_value":{"@@assign":
        ["PII","RED"]}}}}}}})J")
              .empty());
    CHECK(refusal(PolicyType::DECLARATIVE_POLICY_EC2, R"({"ec2_attributes":{"exception_message":{"@@assign":
        "Your custom error message.https://myURL"},"image_block_public_access":{"state":{"@@assign":
        "block_new_sharing"}}}})")
              .empty());
    // Numbers and booleans are values too.
    CHECK(refusal(PolicyType::BACKUP_POLICY,
                  R"({"plans":{"p":{"lifecycle":{"delete_after_days":{"@@assign":35}},
        "enabled":{"@@assign":true}}}})")
              .empty());
    // Each type's top-level key, and only its own.
    for (const auto& r : policy::all_rules()) {
        if (r.authorization) continue;
        std::string doc = "{\"";
        doc += r.top_key;
        doc += R"(":{"setting":{"@@assign":"x"}}})";
        CAPTURE(doc);
        CHECK(refusal(r.type, doc).empty());
        if (r.type != PolicyType::TAG_POLICY)
            CHECK(has(tag_refusal(doc), R"(its only top-level key is "tags")"));
    }
}

TEST_CASE("policy documents: the management grammar's refusals name the problem and where it is") {
    CHECK(has(tag_refusal("{}"), R"(The policy has no top-level key "tags")"));
    CHECK(has(tag_refusal(R"({"tags":{},"plans":{}})"), R"(Unknown top-level key "plans" in a TAG_POLICY)"));
    CHECK(has(tag_refusal(R"({"tags":[]})"), "tags must be an object"));
    CHECK(has(tag_refusal(R"({"tags":{"costcenter":{"tag_key":"CostCenter"}}})"),
              "tags.costcenter.tag_key must be an object"));
    CHECK(has(tag_refusal(R"({"tags":{"costcenter":{"tag_key":{"@@assing":"CostCenter"}}}})"),
              R"(Unknown operator "@@assing" in tags.costcenter.tag_key)"));
    CHECK(has(tag_refusal(R"({"tags":{"a":{"@@Assign":"x"}}})"), "Unknown operator \"@@Assign\""));
    CHECK(has(tag_refusal(R"({"tags":{"a":{"tag_value":{"@@append":"Marketing"}}}})"),
              "tags.a.tag_value.@@append must be an array: @@append works on lists only, not on a string"));
    CHECK(has(tag_refusal(R"({"tags":{"a":{"tag_value":{"@@remove":{"x":1}}}}})"),
              "@@remove must be an array"));
    CHECK(has(tag_refusal(R"({"tags":{"a":{"tag_key":{"@@assign":null}}}})"),
              "tags.a.tag_key.@@assign must be a string, number, boolean or array, not null"));
    CHECK(has(tag_refusal(R"({"tags":{"a":{"tag_key":{"@@assign":{"x":"y"}}}}})"), "written as nested keys"));
    CHECK(has(tag_refusal(R"({"tags":{"a":{"tag_value":{"@@assign":["x",["y"]]}}}})"),
              "tags.a.tag_value.@@assign[1] must be a string, number or boolean, not an array"));
    for (const char* bad : {R"(["@@all","@@none"])", R"(["@@append","@@none"])", R"(["@@replace"])", "[]",
                            R"("@@none")", "[1]"}) {
        std::string doc = R"({"tags":{"a":{"@@operators_allowed_for_child_policies":)";
        doc += bad;
        doc += "}}}";
        CAPTURE(doc);
        CHECK(has(tag_refusal(doc), "tags.a.@@operators_allowed_for_child_policies must be"));
    }
    CHECK(has(tag_refusal(R"({"tags":{"@@assign":"x"}})"), "tags holds settings, not a value"));
    CHECK(has(tag_refusal(R"({"tags":{"":{"@@assign":"x"}}})"), "tags has an empty key"));
    // The User Guide's example 3 as printed: enforced_for nested beside tag_value's @@remove.
    std::string m = tag_refusal(read_file(golden_dir() / "example3" / "D-as-printed.json"));
    CHECK(has(m,
              "tags.costcenter.tag_value has both the value operator @@remove and the nested setting "
              "\"enforced_for\""));
    // An SCP is not a management policy.
    CHECK(has(tag_refusal(kFullAWSAccess), "Unknown top-level key \"Version\""));
    // Long keys are cut in messages.
    std::string long_key(5'000, 'k');
    m = tag_refusal(R"({"tags":{"a":{")" + std::string("@@") + long_key + R"(":1}}})");
    CHECK(m.size() < 300);
    CHECK(has(m, "...\""));
}

// ---------------------------------------------------------------------------------------------
// Effective policies

namespace {

nlohmann::json json(std::string_view text) {
    return nlohmann::json::parse(text);
}

// A case directory of golden/policy_inheritance/ (see its README): its levels and expected result.
struct GoldenCase {
    std::vector<std::string> names;  // policy ids, kept alive for Applied
    std::vector<std::string> contents;
    std::map<std::pair<int, int>, std::size_t> placement;  // (level, order) -> index
    std::string expected;

    Levels levels() const {
        Levels out;
        for (const auto& [at, i] : placement) {
            if (static_cast<std::size_t>(at.first) >= out.size()) out.resize(at.first + 1);
            out[at.first].push_back(Applied{names[i], contents[i]});
        }
        return out;
    }
};

GoldenCase load_case(const std::filesystem::path& dir) {
    GoldenCase c;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::string file = entry.path().filename().string();
        if (file == "expected.json") {
            c.expected = read_file(entry.path());
            continue;
        }
        int level = 0, order = 0;
        char name[64] = {};
        if (std::sscanf(file.c_str(), "%d-%d-%63[^.].json", &level, &order, name) != 3) continue;
        c.placement[{level, order}] = c.names.size();
        c.names.emplace_back(name);
        c.contents.push_back(read_file(entry.path()));
    }
    return c;
}

// Levels of management policies from JSON texts: one inner list per level, ids "p-L<level>N<n>".
class Tree {
public:
    explicit Tree(std::initializer_list<std::vector<std::string>> levels) {
        for (const auto& l : levels) add_level(l);
    }
    void add_level(std::vector<std::string> texts) {
        std::vector<std::string> ids;
        for (std::size_t n = 0; n < texts.size(); ++n) {
            std::string id = "p-L";
            id += std::to_string(texts_.size());
            id += 'N';
            id += std::to_string(n);
            ids.push_back(std::move(id));
        }
        texts_.push_back(std::move(texts));
        ids_.push_back(std::move(ids));
    }
    Levels levels() const {
        Levels out(texts_.size());
        for (std::size_t l = 0; l < texts_.size(); ++l)
            for (std::size_t n = 0; n < texts_[l].size(); ++n)
                out[l].push_back(Applied{ids_[l][n], texts_[l][n]});
        return out;
    }

private:
    std::vector<std::vector<std::string>> texts_, ids_;
};

nlohmann::json effective_json(PolicyType type, const Tree& tree) {
    auto e = policy::effective(type, tree.levels());
    REQUIRE(e.has_value());
    return json(*e);
}

}  // namespace

TEST_CASE("policy documents: the User Guide's six inheritance examples, as golden files") {
    std::vector<std::filesystem::path> dirs;
    for (const auto& entry : std::filesystem::directory_iterator(golden_dir()))
        if (entry.is_directory()) dirs.push_back(entry.path());
    std::sort(dirs.begin(), dirs.end());
    REQUIRE(dirs.size() == 7);  // examples 1-6, and example 5 with a child policy
    for (const auto& dir : dirs) {
        CAPTURE(dir.filename().string());
        GoldenCase c = load_case(dir);
        REQUIRE(!c.expected.empty());
        REQUIRE(!c.names.empty());
        for (const auto& content : c.contents) CHECK(tag_refusal(content).empty());
        auto e = policy::effective(PolicyType::TAG_POLICY, c.levels());
        REQUIRE(e.has_value());
        CAPTURE(*e);
        CHECK(json(*e) == json(c.expected));
        CHECK(policy::effective_errors(PolicyType::TAG_POLICY, c.levels()).empty());
    }
}

TEST_CASE("policy documents: the effective policy is compact JSON with settings in first-written order") {
    GoldenCase c = load_case(golden_dir() / "example1");
    CHECK(policy::effective(PolicyType::TAG_POLICY, c.levels()) ==
          R"({"tags":{"costcenter":{"tag_key":"CostCenter","tag_value":["Sandbox"],)"
          R"("enforced_for":["redshift:*","dynamodb:table"]}}})");
    // Non-ASCII values come back as they went in (UTF-8, not \u escapes).
    Tree t({{R"({"tags":{"k":{"tag_value":{"@@assign":["Entwicklung","Qualität"]}}}})"}});
    CHECK(policy::effective(PolicyType::TAG_POLICY, t.levels()) ==
          R"({"tags":{"k":{"tag_value":["Entwicklung","Qualität"]}}})");
}

TEST_CASE(
    "policy documents: no policy, no effective policy; policies without values leave the top-level key") {
    CHECK(!policy::effective(PolicyType::TAG_POLICY, {}).has_value());
    CHECK(!policy::effective(PolicyType::TAG_POLICY, Levels{{}, {}, {}}).has_value());
    CHECK(policy::effective_errors(PolicyType::SECURITYHUB_POLICY, Levels{{}, {}}).empty());
    Tree only_control(
        {{R"({"tags":{"k":{"tag_value":{"@@operators_allowed_for_child_policies":["@@none"]}}}})"}});
    CHECK(policy::effective(PolicyType::TAG_POLICY, only_control.levels()) == R"({"tags":{}})");
    // SCPs and RCPs have no effective policy: asking is a programming error.
    CHECK_THROWS_AS(policy::effective(PolicyType::SERVICE_CONTROL_POLICY, {}), std::logic_error);
    CHECK_THROWS_AS(policy::effective_errors(PolicyType::RESOURCE_CONTROL_POLICY, {}), std::logic_error);
}

TEST_CASE("policy documents: emptied lists vanish; lists set empty stay; a later append brings one back") {
    Tree t({{R"({"tags":{"k":{"tag_value":{"@@assign":["a","b"]},"enforced_for":{"@@assign":[]}}}})"},
            {R"({"tags":{"k":{"tag_value":{"@@remove":["a","b","z"]}}}})"}});
    CHECK(effective_json(PolicyType::TAG_POLICY, t) == json(R"({"tags":{"k":{"enforced_for":[]}}})"));
    t.add_level({R"({"tags":{"k":{"tag_value":{"@@append":["c"]}}}})"});
    CHECK(effective_json(PolicyType::TAG_POLICY, t) ==
          json(R"({"tags":{"k":{"tag_value":["c"],"enforced_for":[]}}})"));
    // Removing from what was never set does nothing, appending twice adds once.
    Tree u({{R"({"tags":{"k":{"tag_value":{"@@remove":["x"]},"enforced_for":{"@@append":["a","a"]}}}})"},
            {R"({"tags":{"k":{"enforced_for":{"@@append":["a","b"]}}}})"}});
    CHECK(effective_json(PolicyType::TAG_POLICY, u) == json(R"({"tags":{"k":{"enforced_for":["a","b"]}}})"));
}

TEST_CASE("policy documents: a child-control list binds the levels below, never its own level") {
    // At the root P1 locks tag_value, yet P2 (same level) still appends; the OU's operators are ignored.
    Tree t({{R"({"tags":{"k":{"tag_value":{"@@operators_allowed_for_child_policies":["@@none"],
                                  "@@assign":["a"]}}}})",
             R"({"tags":{"k":{"tag_value":{"@@append":["b"]}}}})"},
            {R"({"tags":{"k":{"tag_value":{"@@append":["c"]}}}})",
             R"({"tags":{"k":{"tag_value":{"@@assign":["d"]}}}})"}});
    CHECK(effective_json(PolicyType::TAG_POLICY, t) == json(R"({"tags":{"k":{"tag_value":["a","b"]}}})"));
}

TEST_CASE("policy documents: an inherited restriction cannot be widened below") {
    Tree t({{R"({"tags":{"k":{"tag_value":{"@@operators_allowed_for_child_policies":["@@append"],
                                  "@@assign":["a"]}}}})"},
            {R"({"tags":{"k":{"tag_value":{"@@operators_allowed_for_child_policies":["@@all"],
                                  "@@append":["b"]}}}})"},
            {R"({"tags":{"k":{"tag_value":{"@@assign":["z"],"@@remove":["a"],"@@append":["c"]}}}})"}});
    CHECK(effective_json(PolicyType::TAG_POLICY, t) == json(R"({"tags":{"k":{"tag_value":["a","b","c"]}}})"));
}

TEST_CASE("policy documents: a lock on an inner setting covers everything under it") {
    // Backup-style: the plan is locked at the root; an OU can neither change nor add inside it,
    // but may add a plan of its own.
    Tree t({{R"J({"plans":{"p1":{"@@operators_allowed_for_child_policies":["@@none"],
                "regions":{"@@assign":["us-east-1"]},"rules":{"daily":{
                  "schedule_expression":{"@@assign":"cron(0 5 * * ? *)"}}}}}})J"},
            {R"J({"plans":{"p1":{"regions":{"@@append":["eu-west-1"]},"rules":{"hourly":{
                  "schedule_expression":{"@@assign":"rate(1 hour)"}}}},
                "p2":{"regions":{"@@assign":["eu-west-1"]}}}})J"}});
    CHECK(effective_json(PolicyType::BACKUP_POLICY, t) == json(
                                                              R"J({"plans":{"p1":{"regions":["us-east-1"],
                   "rules":{"daily":{"schedule_expression":"cron(0 5 * * ? *)"}}},
                   "p2":{"regions":["eu-west-1"]}}})J"));
}

TEST_CASE(
    "policy documents: the first @@assign at a level wins, for values and lists; a lower level overrides") {
    Tree t({{R"({"tags":{"k":{"tag_key":{"@@assign":"First"},"tag_value":{"@@assign":["a"]}}}})",
             R"({"tags":{"k":{"tag_key":{"@@assign":"Second"},
                        "tag_value":{"@@assign":["b"],"@@append":["c"]}}}})"}});
    CHECK(effective_json(PolicyType::TAG_POLICY, t) ==
          json(R"({"tags":{"k":{"tag_key":"First","tag_value":["a","c"]}}})"));
    t.add_level({R"({"tags":{"k":{"tag_key":{"@@assign":"Third"}}}})"});
    CHECK(effective_json(PolicyType::TAG_POLICY, t)["tags"]["k"]["tag_key"] == "Third");
}

TEST_CASE(
    "policy documents: operators that do not fit the setting are ignored and reported with their policies") {
    Tree t({{R"({"tags":{"k":{"tag_key":{"@@assign":"Key"},"tag_value":{"sub":{"@@assign":"x"}}}}})"},
            {R"({"tags":{"k":{"tag_key":{"@@append":["more"]},"tag_value":{"@@assign":["flat"]}}}})"}});
    CHECK(effective_json(PolicyType::TAG_POLICY, t) ==
          json(R"({"tags":{"k":{"tag_key":"Key","tag_value":{"sub":"x"}}}})"));
    auto errors = policy::effective_errors(PolicyType::TAG_POLICY, t.levels());
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].code == "ELEMENT_TYPE_MISMATCH");
    CHECK(errors[0].path == "tags.k.tag_key");
    CHECK(has(errors[0].message, "holds a single value, so @@append"));
    CHECK(errors[0].contributing_policies == std::vector<std::string>{"p-L0N0", "p-L1N0"});
    CHECK(errors[1].path == "tags.k.tag_value");
    CHECK(has(errors[1].message, "holds nested settings, so @@assign is ignored"));
    // And the reverse: nested settings under a value.
    Tree r({{R"({"tags":{"k":{"tag_value":{"@@assign":"x"}}}})"},
            {R"({"tags":{"k":{"tag_value":{"sub":{"@@assign":"y"}}}}})"}});
    CHECK(effective_json(PolicyType::TAG_POLICY, r) == json(R"({"tags":{"k":{"tag_value":"x"}}})"));
    errors = policy::effective_errors(PolicyType::TAG_POLICY, r.levels());
    REQUIRE(errors.size() == 1);
    CHECK(has(errors[0].message, "holds a value, so the settings nested under it are ignored"));
}

TEST_CASE(
    "policy documents: effective-policy validation: Security Hub's region lists, and too many elements") {
    const char* both =
        R"({"securityhub":{"enable_in_regions":{"@@assign":["ALL_SUPPORTED"]},
            "disable_in_regions":{"@@assign":[]}}})";
    CHECK(policy::effective_errors(PolicyType::SECURITYHUB_POLICY, Tree({{both}}).levels()).empty());
    CHECK(effective_json(PolicyType::SECURITYHUB_POLICY, Tree({{both}})) ==
          json(R"({"securityhub":{"enable_in_regions":["ALL_SUPPORTED"],"disable_in_regions":[]}})"));

    Tree missing({{R"({"securityhub":{"enable_in_regions":{"@@append":["us-east-1"]}}})"},
                  {R"({"securityhub":{"enable_in_regions":{"@@append":["eu-west-1"]}}})"}});
    auto errors = policy::effective_errors(PolicyType::SECURITYHUB_POLICY, missing.levels());
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "ELEMENT_MISSING");
    CHECK(errors[0].path == "securityhub.disable_in_regions");
    CHECK(errors[0].contributing_policies == std::vector<std::string>{"p-L0N0", "p-L1N0"});

    // Each feature needs both lists too; a list emptied by @@remove still counts.
    Tree features({{R"({"securityhub":{"enable_in_regions":{"@@assign":["us-east-1"]},
                   "disable_in_regions":{"@@assign":["eu-west-1"]},
                   "features":{"cspm":{"enable_in_regions":{"@@assign":["us-east-1"]}}}}})"},
                   {R"({"securityhub":{"disable_in_regions":{"@@remove":["eu-west-1"]}}})"}});
    errors = policy::effective_errors(PolicyType::SECURITYHUB_POLICY, features.levels());
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].path == "securityhub.features.cspm.disable_in_regions");

    // Over 100 elements in one list, from two policies.
    std::string a = R"({"tags":{"k":{"tag_value":{"@@assign":[)",
                b = R"({"tags":{"k":{"tag_value":{"@@append":[)";
    for (int i = 0; i < 60; ++i) {
        a += (i ? ",\"a" : "\"a") + std::to_string(i) + "\"";
        b += (i ? ",\"b" : "\"b") + std::to_string(i) + "\"";
    }
    a += "]}}}}";
    b += "]}}}}";
    Tree many({{a}, {b}});
    errors = policy::effective_errors(PolicyType::TAG_POLICY, many.levels());
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == "ELEMENTS_TOO_MANY");
    CHECK(errors[0].path == "tags.k.tag_value");
    CHECK(has(errors[0].message, "has 120 elements; at most 100"));
    CHECK(errors[0].contributing_policies == std::vector<std::string>{"p-L0N0", "p-L1N0"});
    CHECK(policy::effective_errors(PolicyType::TAG_POLICY, Tree({{a}}).levels()).empty());
}

TEST_CASE("policy documents: keys that only carried child-control lists do not make a setting a container") {
    Tree t({{R"({"tags":{"k":{"tag_value":{"x":{"@@operators_allowed_for_child_policies":["@@none"]}}}}})"},
            {R"({"tags":{"k":{"tag_value":{"@@assign":["a"]}}}})"}});
    CHECK(effective_json(PolicyType::TAG_POLICY, t) == json(R"({"tags":{"k":{"tag_value":["a"]}}})"));
    CHECK(policy::effective_errors(PolicyType::TAG_POLICY, t.levels()).empty());
}

// ---------------------------------------------------------------------------------------------
// SCP evaluation

namespace {

Decision decide(const Levels& levels, std::string_view action, std::vector<std::string> resources = {},
                policy::EvaluationOptions options = {}) {
    return policy::evaluate(levels, action, resources, options);
}

// Three levels (root, OU, account) of SCPs.
struct Scps {
    std::vector<std::vector<std::string>> texts;
    Levels levels() const {
        Levels out(texts.size());
        for (std::size_t l = 0; l < texts.size(); ++l)
            for (const auto& t : texts[l]) out[l].push_back(Applied{"p-test", t});
        return out;
    }
};

}  // namespace

TEST_CASE("policy documents: deny leaving the organization, FullAWSAccess at every level") {
    Scps s{{{kFullAWSAccess, kDenyLeave}, {kFullAWSAccess}, {kFullAWSAccess}}};
    CHECK(decide(s.levels(), "organizations:LeaveOrganization") == Decision::explicit_deny);
    CHECK(decide(s.levels(), "organizations:leaveorganization") ==
          Decision::explicit_deny);  // names ignore case
    CHECK(decide(s.levels(), "organizations:DescribeOrganization") == Decision::allowed);
    // The same SCP attached to the account only, or at the OU: a Deny anywhere wins.
    Scps low{{{kFullAWSAccess}, {kFullAWSAccess}, {kFullAWSAccess, kDenyLeave}}};
    CHECK(decide(low.levels(), "organizations:LeaveOrganization") == Decision::explicit_deny);
    // A Deny at the root cannot be allowed again below.
    Scps reallow{{{kFullAWSAccess, kDenyLeave},
                  {scp(R"("Effect":"Allow","Action":"organizations:LeaveOrganization","Resource":"*")")},
                  {kFullAWSAccess}}};
    CHECK(decide(reallow.levels(), "organizations:LeaveOrganization") == Decision::explicit_deny);
}

TEST_CASE("policy documents: an allow list needs an Allow at every level") {
    std::string describe =
        scp(R"("Effect":"Allow","Action":["organizations:Describe*","organizations:List*"],"Resource":"*")");
    Scps s{{{kFullAWSAccess}, {describe}, {kFullAWSAccess}}};
    CHECK(decide(s.levels(), "organizations:DescribeOrganization") == Decision::allowed);
    CHECK(decide(s.levels(), "organizations:ListAccounts") == Decision::allowed);
    CHECK(decide(s.levels(), "organizations:LeaveOrganization") == Decision::implicit_deny);
    // FullAWSAccess detached from the account with nothing in its place: nothing is allowed.
    Scps gap{{{kFullAWSAccess}, {kFullAWSAccess}, {}}};
    CHECK(decide(gap.levels(), "organizations:DescribeOrganization") == Decision::implicit_deny);
    // No levels at all: nothing restricts.
    CHECK(decide({}, "organizations:LeaveOrganization") == Decision::allowed);
    // An explicit deny beats a missing allow.
    Scps both{{{kFullAWSAccess, kDenyLeave}, {describe}}};
    CHECK(decide(both.levels(), "organizations:LeaveOrganization") == Decision::explicit_deny);
}

TEST_CASE("policy documents: NotAction, and wildcards anywhere in an action") {
    // Deny everything but reading.
    std::string read_only = scp(
        R"("Effect":"Deny","NotAction":["organizations:Describe*","organizations:List*"],"Resource":"*")");
    Scps s{{{kFullAWSAccess, read_only}}};
    CHECK(decide(s.levels(), "organizations:CreateAccount") == Decision::explicit_deny);
    CHECK(decide(s.levels(), "organizations:ListAccounts") == Decision::allowed);
    // Allow with NotAction: everything but leaving.
    Scps allow_not{
        {{scp(R"("Effect":"Allow","NotAction":"organizations:LeaveOrganization","Resource":"*")")}}};
    CHECK(decide(allow_not.levels(), "organizations:DescribeOrganization") == Decision::allowed);
    CHECK(decide(allow_not.levels(), "organizations:LeaveOrganization") == Decision::implicit_deny);
    // * in the middle and at the start of the action name, ? for one character.
    Scps mid{
        {{kFullAWSAccess, scp(R"("Effect":"Deny","Action":"organizations:*Organization","Resource":"*")")}}};
    CHECK(decide(mid.levels(), "organizations:LeaveOrganization") == Decision::explicit_deny);
    CHECK(decide(mid.levels(), "organizations:DeleteOrganization") == Decision::explicit_deny);
    CHECK(decide(mid.levels(), "organizations:DescribeOrganizationalUnit") == Decision::allowed);
    Scps middle{{{kFullAWSAccess,
                  scp(R"("Effect":"Deny","Action":"organizations:Describe*Account*","Resource":"*")")}}};
    CHECK(decide(middle.levels(), "organizations:DescribeCreateAccountStatus") == Decision::explicit_deny);
    CHECK(decide(middle.levels(), "organizations:DescribeAccount") == Decision::explicit_deny);
    CHECK(decide(middle.levels(), "organizations:DescribeOrganization") == Decision::allowed);
    Scps one{{{kFullAWSAccess,
               scp(R"("Effect":"Deny","Action":"organizations:?eaveOrganization","Resource":"*")")}}};
    CHECK(decide(one.levels(), "organizations:LeaveOrganization") == Decision::explicit_deny);
    CHECK(decide(one.levels(), "organizations:XLeaveOrganization") == Decision::allowed);
    // Another service's actions are not this service's.
    Scps other{{{kFullAWSAccess, scp(R"("Effect":"Deny","Action":"iam:*","Resource":"*")")}}};
    CHECK(decide(other.levels(), "organizations:CreateAccount") == Decision::allowed);
}

TEST_CASE("policy documents: Resource and NotResource against the call's ARNs") {
    const std::string mine = "arn:aws:organizations::111111111111:account/o-abcdefghij/222222222222";
    const std::string other = "arn:aws:organizations::111111111111:account/o-abcdefghij/333333333333";
    Scps s{{{kFullAWSAccess, scp(R"("Effect":"Deny","Action":"organizations:CloseAccount",
                   "Resource":"arn:aws:organizations::*:account/o-*/222222222222")")}}};
    CHECK(decide(s.levels(), "organizations:CloseAccount", {mine}) == Decision::explicit_deny);
    CHECK(decide(s.levels(), "organizations:CloseAccount", {other}) == Decision::allowed);
    CHECK(decide(s.levels(), "organizations:CloseAccount") == Decision::allowed);  // names no resource: "*"
    CHECK(decide(s.levels(), "organizations:CloseAccount", {other, mine}) == Decision::explicit_deny);
    // ARNs match case-sensitively.
    std::string upper = mine;
    upper.replace(upper.find("o-abc"), 5, "O-ABC");
    CHECK(decide(s.levels(), "organizations:CloseAccount", {upper}) == Decision::allowed);
    // NotResource: deny closing anything but that account.
    Scps n{{{kFullAWSAccess, scp(R"("Effect":"Deny","Action":"organizations:CloseAccount",
                   "NotResource":"arn:aws:organizations::*:account/*/222222222222")")}}};
    CHECK(decide(n.levels(), "organizations:CloseAccount", {mine}) == Decision::allowed);
    CHECK(decide(n.levels(), "organizations:CloseAccount", {other}) == Decision::explicit_deny);
    // An Allow of one ARN does not allow a call on two.
    Scps allow_one{{{scp(R"("Effect":"Allow","Action":"*","Resource":")" + mine + "\"")}}};
    CHECK(decide(allow_one.levels(), "organizations:CloseAccount", {mine}) == Decision::allowed);
    CHECK(decide(allow_one.levels(), "organizations:CloseAccount", {mine, other}) == Decision::implicit_deny);
}

TEST_CASE("policy documents: statements with a Condition match by default; the option says otherwise") {
    std::string guarded = scp(R"("Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*",
        "Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin"}})");
    Scps s{{{kFullAWSAccess, guarded}}};
    CHECK(decide(s.levels(), "organizations:LeaveOrganization") == Decision::explicit_deny);
    CHECK(decide(s.levels(), "organizations:LeaveOrganization", {}, {false}) == Decision::allowed);
    std::string conditional_allow = scp(R"("Effect":"Allow","Action":"*","Resource":"*",
        "Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}})");
    Scps a{{{conditional_allow}}};
    CHECK(decide(a.levels(), "organizations:DescribeOrganization") == Decision::allowed);
    CHECK(decide(a.levels(), "organizations:DescribeOrganization", {}, {false}) == Decision::implicit_deny);
}

TEST_CASE("policy documents: conditions on the keys a request sets are judged, as IAM judges them") {
    auto deny_unless = [](const std::string& condition) {
        return scp(R"("Effect":"Deny","Action":"organizations:*","Resource":"*","Condition":)" + condition);
    };
    auto decide_with = [](const std::string& doc, std::optional<std::string> type) {
        Levels levels{{Applied{"p-FullAWSAccess", kFullAWSAccess}, Applied{"p-c", doc}}};
        policy::Context context{{{"organizations:PolicyType", std::move(type)}, {"aws:PrincipalAccount", "222222222222"}}};
        return policy::evaluate(levels, "organizations:CreatePolicy", {}, {}, context);
    };
    const std::string not_tag = deny_unless(R"({"StringNotEquals":{"organizations:PolicyType":"TAG_POLICY"}})");
    CHECK(decide_with(not_tag, "TAG_POLICY") == Decision::allowed);
    CHECK(decide_with(not_tag, "SERVICE_CONTROL_POLICY") == Decision::explicit_deny);
    CHECK(decide_with(not_tag, std::nullopt) == Decision::explicit_deny);  // negated: absent key holds
    const std::string like = deny_unless(R"({"StringLike":{"organizations:policytype":["BACKUP_*","S3_*"]}})");
    CHECK(decide_with(like, "BACKUP_POLICY") == Decision::explicit_deny);  // keys are case-insensitive
    CHECK(decide_with(like, "TAG_POLICY") == Decision::allowed);
    CHECK(decide_with(like, std::nullopt) == Decision::allowed);  // absent: no match
    const std::string if_exists = deny_unless(R"({"StringEqualsIfExists":{"organizations:PolicyType":"TAG_POLICY"}})");
    CHECK(decide_with(if_exists, std::nullopt) == Decision::explicit_deny);
    CHECK(decide_with(if_exists, "BACKUP_POLICY") == Decision::allowed);
    const std::string null = deny_unless(R"({"Null":{"organizations:PolicyType":"true"}})");
    CHECK(decide_with(null, std::nullopt) == Decision::explicit_deny);
    CHECK(decide_with(null, "TAG_POLICY") == Decision::allowed);
    // Every condition of a statement must hold; a key the emulator cannot know holds by default.
    const std::string both = deny_unless(R"({"StringEquals":{"aws:PrincipalAccount":"222222222222"},
        "IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})");
    CHECK(decide_with(both, std::nullopt) == Decision::explicit_deny);
    const std::string other = deny_unless(R"({"StringEquals":{"aws:PrincipalAccount":"333333333333"}})");
    CHECK(decide_with(other, std::nullopt) == Decision::allowed);
}

TEST_CASE("policy documents: the delegation policy names accounts and applies only to them") {
    const std::string doc = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":["arn:aws:iam::222222222222:root","333333333333"]},"Action":"organizations:List*","Resource":"*"}]})";
    auto read = policy::read_delegation_policy(doc);
    CHECK(read.principals == std::vector<std::string>{"arn:aws:iam::222222222222:root", "333333333333"});
    CHECK(policy::principal_account("arn:aws:iam::222222222222:role/Admin") == "222222222222");
    CHECK_FALSE(policy::principal_account("arn:aws:s3:::bucket"));
    CHECK_FALSE(policy::principal_account("*"));
    const std::vector<std::string> any{"*"};
    for (const char* who : {"222222222222", "333333333333"})
        CHECK(policy::evaluate_delegation(doc, who, "organizations:ListAccounts", any, {}) == Decision::allowed);
    CHECK(policy::evaluate_delegation(doc, "444444444444", "organizations:ListAccounts", any, {}) ==
          Decision::implicit_deny);
    CHECK(policy::evaluate_delegation(doc, "222222222222", "organizations:CreatePolicy", any, {}) ==
          Decision::implicit_deny);
    // In the delegation policy a condition the request cannot tell does not hold.
    const std::string guarded = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"AWS":"222222222222"},"Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]})";
    CHECK(policy::evaluate_delegation(guarded, "222222222222", "organizations:ListAccounts", any, {}) ==
          Decision::implicit_deny);
    testing::expect_error([] { policy::read_delegation_policy(R"({"Statement":[{"Effect":"Allow","Principal":{"Service":"x"},"Action":"*","Resource":"*"}]})"); },
                          error_code::MalformedPolicyDocumentException);
}

TEST_CASE("policy documents: evaluating a stored document that is not an SCP is an error, not a guess") {
    Scps bad{{{"{not json"}}};
    testing::expect_error([&] { decide(bad.levels(), "organizations:ListRoots"); },
                          error_code::MalformedPolicyDocumentException);
}

TEST_CASE("policy documents: an updated SCP is evaluated as it now reads, however often the old one was") {
    std::string content = kDenyLeave;
    Levels levels{{Applied{"p-FullAWSAccess", kFullAWSAccess}, Applied{"p-guard", content}}};
    CHECK(decide(levels, "organizations:LeaveOrganization") == Decision::explicit_deny);
    CHECK(decide(levels, "organizations:LeaveOrganization") == Decision::explicit_deny);
    std::string updated = scp(R"("Effect":"Deny","Action":"organizations:CreateAccount","Resource":"*")");
    levels[0][1].content = updated;
    CHECK(decide(levels, "organizations:LeaveOrganization") == Decision::allowed);
    CHECK(decide(levels, "organizations:CreateAccount") == Decision::explicit_deny);
    // Many distinct documents later, the first still reads the same.
    for (int i = 0; i < 600; ++i) {
        std::string action = "organizations:Action";
        action += std::to_string(i);
        std::string other = scp(R"("Effect":"Deny","Resource":"*","Action":")" + action + "\"");
        Levels l{{Applied{"p-FullAWSAccess", kFullAWSAccess}, Applied{"p-other", other}}};
        CHECK(decide(l, action) == Decision::explicit_deny);
    }
    CHECK(decide(levels, "organizations:CreateAccount") == Decision::explicit_deny);
    // What failed to read is not remembered as anything.
    Levels bad{{Applied{"p-bad", "{"}}};
    for (int i = 0; i < 2; ++i)
        testing::expect_error([&] { decide(bad, "organizations:ListRoots"); },
                              error_code::MalformedPolicyDocumentException);
}
