#pragma once
// ARNs of Organizations resources (Service Authorization Reference). The account in an ARN is
// always the management account of the organization that owns the resource.
#include <string>
#include <string_view>

namespace localorgs::model::arn {

inline std::string prefix(std::string_view partition, std::string_view management_account) {
    std::string s = "arn:";
    s.append(partition).append(":organizations::").append(management_account).append(":");
    return s;
}
inline std::string organization(std::string_view partition, std::string_view mgmt, std::string_view org) {
    return prefix(partition, mgmt).append("organization/").append(org);
}
inline std::string account(std::string_view partition, std::string_view mgmt, std::string_view org,
                           std::string_view account_id) {
    return prefix(partition, mgmt).append("account/").append(org).append("/").append(account_id);
}
inline std::string root(std::string_view partition, std::string_view mgmt, std::string_view org,
                        std::string_view root_id) {
    return prefix(partition, mgmt).append("root/").append(org).append("/").append(root_id);
}
inline std::string organizational_unit(std::string_view partition, std::string_view mgmt,
                                       std::string_view org, std::string_view ou_id) {
    return prefix(partition, mgmt).append("ou/").append(org).append("/").append(ou_id);
}
inline std::string policy(std::string_view partition, std::string_view mgmt, std::string_view org,
                          std::string_view type_segment, std::string_view policy_id) {
    return prefix(partition, mgmt).append("policy/").append(org).append("/").append(type_segment).append("/").append(
        policy_id);
}
inline std::string resource_policy(std::string_view partition, std::string_view mgmt, std::string_view org,
                                   std::string_view id) {
    return prefix(partition, mgmt).append("resourcepolicy/").append(org).append("/").append(id);
}
// The AWS-managed policies belong to no organization: the account field is "aws".
inline std::string aws_managed_policy(std::string_view partition, std::string_view type_segment,
                                      std::string_view policy_id) {
    return prefix(partition, "aws").append("policy/").append(type_segment).append("/").append(policy_id);
}
inline std::string handshake(std::string_view partition, std::string_view mgmt, std::string_view org,
                             std::string_view action_segment, std::string_view handshake_id) {
    return prefix(partition, mgmt)
        .append("handshake/")
        .append(org)
        .append("/")
        .append(action_segment)
        .append("/")
        .append(handshake_id);
}
// A transfer has one id and an ARN on each side: under the payer's organization it is inbound,
// under the other's outbound (the model's ResponsibilityTransferArn pattern).
inline std::string transfer(std::string_view partition, std::string_view mgmt, std::string_view org,
                            std::string_view type_segment, bool inbound, std::string_view transfer_id) {
    return prefix(partition, mgmt)
        .append("transfer/")
        .append(org)
        .append("/")
        .append(type_segment)
        .append(inbound ? "/inbound/" : "/outbound/")
        .append(transfer_id);
}

}  // namespace localorgs::model::arn
