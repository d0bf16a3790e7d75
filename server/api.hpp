#pragma once
// The AWS side of the server: awsJson 1.1 requests in, AWS-shaped answers out.
// Request flow: target -> JSON body -> validation (on the I/O thread) -> identity ->
// the operation in one transaction (on the database thread) -> encoding (back on an I/O thread).
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "model/service.hpp"
#include "model/repository.hpp"
#include "server/db_thread.hpp"
#include "server/faults.hpp"
#include "server/http_types.hpp"
#include "server/identity.hpp"
#include "server/log.hpp"
#include "server/operations.hpp"
#include "server/wire_error.hpp"

namespace localorgs::server {

class RequestRing;

class AwsApi {
public:
    AwsApi(boost::asio::io_context& io, DbThread& db, model::Store& store, model::Service& service,
           const Identity& identity, FaultRegistry& faults, std::span<const std::string_view> withheld = {})
        : io_(io),
          db_(db),
          store_(store),
          service_(service),
          operations_(service, withheld),
          identity_(identity),
          faults_(faults) {}

    void handle(Request&& request, Respond respond);
    // Every answered call is recorded there too (the console's Requests page).
    void record_requests_in(RequestRing& ring) { ring_ = &ring; }

private:
    // One call on its way through: a single allocation carries it to the database thread and
    // back, and the closures hold only its pointer, which std::function keeps without allocating.
    struct Call {
        Operation op;
        nlohmann::json input;
        model::Caller caller;
        Respond respond;
        std::string request_id;
        unsigned version;
        bool keep_alive;
        wire::Answer answer;
        std::optional<wire_error> failure;
        // For the request line written when the call is answered (log.hpp).
        std::string operation;
        std::chrono::steady_clock::time_point started;
    };
    // Runs the call's operation in a unit of work.
    void run(Call& call, model::Repository& repo) {
        call.answer = call.op.codec->run(*call.op.binding, service_, repo, call.caller, call.input);
    }
    // The AWS error to answer for what the call threw (ServiceException for anything unforeseen).
    wire_error failure_of(std::exception_ptr error, const Call& call);
    // Answers a call refused before it reached the model, and logs its request line.
    void refuse(const wire_error& e, const std::string& caller_id, std::string operation, unsigned version,
                bool keep_alive, const std::string& request_id, std::chrono::steady_clock::time_point started,
                Respond& respond);
    // Answers the call, encoding its result (on an I/O thread), and logs its request line.
    void finish(Call& call);
    // The call's request line, and its entry in the ring of recent calls.
    void answered(const log::Request& line);
    static Response answer_of(Call& call);
    void remember_caller(const std::string& account_id);

    boost::asio::io_context& io_;
    DbThread& db_;
    model::Store& store_;
    model::Service& service_;
    const OperationTable operations_;
    const Identity& identity_;
    FaultRegistry& faults_;
    RequestRing* ring_ = nullptr;
};

// Parses an awsJson body: empty means {}; anything but a JSON object, or nesting deeper than
// the service's shapes could ever need, is a SerializationException.
nlohmann::json parse_body(std::string_view body);

}  // namespace localorgs::server
