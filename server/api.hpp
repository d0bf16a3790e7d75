#pragma once
// The AWS side of the server: awsJson 1.1 requests in, AWS-shaped answers out.
// Request flow: target -> JSON body -> validation (on the I/O thread) -> identity ->
// the operation in one transaction (on the database thread) -> encoding (back on an I/O thread).
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <string_view>

#include "model/organizations.hpp"
#include "model/repository.hpp"
#include "server/db_thread.hpp"
#include "server/faults.hpp"
#include "server/http_types.hpp"
#include "server/identity.hpp"

namespace localorgs::server {

class AwsApi {
public:
    AwsApi(boost::asio::io_context& io, DbThread& db, model::Organizations& service, const Identity& identity,
           FaultRegistry& faults)
        : io_(io), db_(db), service_(service), identity_(identity), faults_(faults) {}

    void handle(Request&& request, Respond respond);

private:
    void remember_caller(const std::string& account_id);

    boost::asio::io_context& io_;
    DbThread& db_;
    model::Organizations& service_;
    const Identity& identity_;
    FaultRegistry& faults_;
};

// Parses an awsJson body: empty means {}; anything but a JSON object, or nesting deeper than
// the service's shapes could ever need, is a SerializationException.
nlohmann::json parse_body(std::string_view body);

}  // namespace localorgs::server
