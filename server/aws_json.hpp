#pragma once
// awsJson 1.1: the one place that turns results and errors into HTTP responses.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/errors.hpp"
#include "server/wire_error.hpp"
#include "server/http_types.hpp"

namespace localorgs::server::aws_json {

inline constexpr std::string_view kTargetPrefix = "AWSOrganizationsV20161128.";
inline constexpr std::string_view kContentType = "application/x-amz-json-1.1";

std::string new_request_id();

// 200 with the JSON body, Content-Type and x-amzn-RequestId.
Response success(std::string body, unsigned http_version, bool keep_alive, const std::string& request_id);
// The error's HTTP status, {"__type","Message"[,"Reason"]}, X-Amzn-ErrorType and x-amzn-RequestId.
Response error(const wire_error& e, unsigned http_version, bool keep_alive, const std::string& request_id);
inline Response error(const wire_error& e, unsigned http_version, bool keep_alive) {
    return error(e, http_version, keep_alive, new_request_id());
}
inline Response error(const model::api_error& e, unsigned http_version, bool keep_alive,
                      const std::string& request_id) {
    return error(wire_error(e), http_version, keep_alive, request_id);
}
inline Response error(const model::api_error& e, unsigned http_version, bool keep_alive) {
    return error(wire_error(e), http_version, keep_alive, new_request_id());
}

}  // namespace localorgs::server::aws_json
