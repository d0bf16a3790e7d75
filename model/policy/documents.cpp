// The table of policy types, and the entry point of content validation. Inheritance and effective
// policies are in management.cpp, the IAM grammar and SCP evaluation in iam.cpp.
#include "model/policy/documents.hpp"

#include <cassert>
#include <iterator>

#include "model/policy/internal.hpp"

namespace localorgs::model::policy {
namespace {

using api::PolicyType;

// Values from the User Guide's "Quotas and service limits for AWS Organizations" (policy size,
// policies per type, attachments per root/OU/account) and each type's "... policy syntax" page
// (the top-level key). SCPs: 10,240 characters and 10 attachments since the 15 May 2026 doubling.
// Upgrade rollout: its syntax page gives 5,120 (bytes; counted here, like every size, in
// characters). The quota page does not list Inspector, upgrade rollout, Bedrock, S3 and Network
// Security Director: for them the policies per type and attachments are [I] the common management
// values (1000, 10) and the size [I] 10,000. Chatbot's and Security Hub's top-level keys are [I]:
// the syntax pages' examples start with them.
using enum PolicyType;
constexpr TypeRules kRules[] = {
    // type, ARN segment, top-level key,
    //     size, policies per organization, attachments per target (max, min), authorization
    {SERVICE_CONTROL_POLICY, "service_control_policy", "", 10'240, 10'000, 10, 1, true},
    {RESOURCE_CONTROL_POLICY, "resource_control_policy", "", 5'120, 2'000, 5, 1, true},
    {TAG_POLICY, "tag_policy", "tags", 10'000, 1'000, 10, 0, false},
    {BACKUP_POLICY, "backup_policy", "plans", 10'000, 1'000, 10, 0, false},
    {AISERVICES_OPT_OUT_POLICY, "aiservices_opt_out_policy", "services", 2'500, 1'000, 5, 0, false},
    {CHATBOT_POLICY, "chatbot_policy", "chatbot", 10'000, 1'000, 5, 0, false},
    {DECLARATIVE_POLICY_EC2, "declarative_policy_ec2", "ec2_attributes", 10'000, 1'000, 10, 0, false},
    {SECURITYHUB_POLICY, "securityhub_policy", "securityhub", 10'000, 1'000, 10, 0, false},
    {INSPECTOR_POLICY, "inspector_policy", "inspector", 10'000, 1'000, 10, 0, false},
    {UPGRADE_ROLLOUT_POLICY, "upgrade_rollout_policy", "upgrade_rollout", 5'120, 1'000, 10, 0, false},
    {BEDROCK_POLICY, "bedrock_policy", "bedrock", 10'000, 1'000, 10, 0, false},
    {S3_POLICY, "s3_policy", "s3_attributes", 10'000, 1'000, 10, 0, false},
    {NETWORK_SECURITY_DIRECTOR_POLICY, "network_security_director_policy", "network_security_director",
     10'000, 1'000, 10, 0, false},
};
constexpr std::size_t kTypes = std::size(kRules);

constexpr bool rows_in_enum_order() {
    for (std::size_t i = 0; i < kTypes; ++i)
        if (static_cast<std::size_t>(kRules[i].type) != i) return false;
    return true;
}
static_assert(kTypes == api::enum_names<PolicyType>().size(), "one row per PolicyType");
static_assert(rows_in_enum_order(), "rows in the enum's order: rules() indexes by the enum");

}  // namespace

const TypeRules& rules(api::PolicyType type) {
    auto i = static_cast<std::size_t>(type);
    assert(i < kTypes);
    return kRules[i];
}

std::span<const TypeRules> all_rules() {
    return kRules;
}

void validate(api::PolicyType type, std::string_view content, bool customer) {
    const TypeRules& r = rules(type);
    detail::Json doc = detail::parse_object(content);
    if (r.authorization)
        detail::read_statements(
            type == PolicyType::RESOURCE_CONTROL_POLICY ? detail::Grammar::rcp : detail::Grammar::scp, doc, customer);
    else
        detail::check_management(r, doc);
}

}  // namespace localorgs::model::policy
