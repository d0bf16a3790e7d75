#include "server/api.hpp"

#include <boost/asio/post.hpp>

#include "model/access.hpp"
#include "server/validation/validator.hpp"
#include "server/aws_json.hpp"
#include "server/log.hpp"
#include "server/request_ring.hpp"

namespace localorgs::server {
namespace {

using model::api_error;
using model::error_code;

// The deepest input shape of the model nests a handful of levels; a generous bound keeps the
// recursive JSON parser far away from the stack's end whatever the client sends.
constexpr int kMaxJsonDepth = 64;

bool nesting_within(std::string_view body, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) return false;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return true;
}

}  // namespace

nlohmann::json parse_body(std::string_view body) {
    auto first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return nlohmann::json::object();
    if (!nesting_within(body, kMaxJsonDepth))
        throw wire_error(protocol_code::SerializationException, "The request body is nested too deeply.");
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded()) throw wire_error(protocol_code::SerializationException, "The request body is not valid JSON.");
    if (!doc.is_object())
        throw wire_error(protocol_code::SerializationException, "The request body must be a JSON object.");
    return doc;
}

void AwsApi::handle(Request&& request, Respond respond) {
    const auto started = std::chrono::steady_clock::now();
    const unsigned version = request.version();
    const bool keep_alive = request.keep_alive();
    std::string request_id = aws_json::new_request_id();
    std::string caller_id;  // empty until authenticated: a refused caller is not registered
    std::string operation;  // outside the try: a refused call's request line names it too
    try {
        caller_id = identity_.authenticate(request);
        if (request.method() != http::verb::post)
            throw wire_error(protocol_code::UnknownOperationException,
                             "The AWS Organizations API accepts only POST requests with an X-Amz-Target header.");
        std::string_view target = request["X-Amz-Target"];
        if (!target.starts_with(aws_json::kTargetPrefix))
            throw wire_error(protocol_code::UnknownOperationException,
                             target.empty() ? "The X-Amz-Target header is missing."
                                            : "The X-Amz-Target header does not name an AWS Organizations operation.");
        operation = target.substr(aws_json::kTargetPrefix.size());
        const Operation op = operations_.find(operation);
        if (!op.codec)
            throw wire_error(protocol_code::UnknownOperationException,
                             "The operation " + operation + " is not an AWS Organizations operation.");
        if (!op.binding)
            throw wire_error(protocol_code::NotImplementedException,
                             "localorgs does not implement " + operation + " yet.");
        auto input = parse_body(request.body());
        server::validation::validate_input(operation, input);
        model::Caller caller{caller_id, {}};
        if (log::enabled(log::Level::debug))
            log::write(log::Level::debug, "request " + request_id + " " + caller.account_id + " " + operation);
        if (auto fault = faults_.take(operation, caller.account_id)) {
            // A FailureReason fault does not refuse the call: the creation it makes fails.
            if (fault->failure_reason.empty()) throw *wire_error::named(fault->error, fault->message, fault->reason);
            caller.injected_failure_reason = fault->failure_reason;
        }

        auto call = std::make_shared<Call>(Call{op, std::move(input), std::move(caller), std::move(respond),
                                                std::move(request_id), version, keep_alive, {}, {},
                                                std::move(operation), started});
        // Describe and List calls read on this thread, beside the database thread's writes; one
        // that turns out to need a write (a caller seen for the first time) goes the writers' way.
        if (OperationTable::reads_only(call->operation)) {
            bool done = true;
            try {
                done = store_.read([&](model::Repository& repo) { run(*call, repo); });
            } catch (...) {
                call->failure = failure_of(std::current_exception(), *call);
            }
            if (done) return finish(*call);
        }
        db_.submit([this, call](model::Repository& repo) { run(*call, repo); },
                   [this, call](std::exception_ptr error) {
                       if (error) call->failure = failure_of(error, *call);
                       // Encoding happens off the database thread, which only does database work.
                       boost::asio::post(io_, [this, call] { finish(*call); });
                   });
    } catch (const api_error& e) {
        refuse(wire_error(e), caller_id, operation, version, keep_alive, request_id, started, respond);
    } catch (const wire_error& e) {
        refuse(e, caller_id, operation, version, keep_alive, request_id, started, respond);
    }
}

void AwsApi::refuse(const wire_error& e, const std::string& caller_id, std::string operation, unsigned version,
                    bool keep_alive, const std::string& request_id, std::chrono::steady_clock::time_point started,
                    Respond& respond) {
    {
        if (!caller_id.empty()) remember_caller(caller_id);
        auto res = aws_json::error(e, version, keep_alive, request_id);
        // An operation the service does not have (UnknownOperationException) is not repeated.
        if (!server::validation::is_known_operation(operation)) operation = "-";
        answered({request_id, caller_id.empty() ? "-" : caller_id, operation, res.result_int(), res["X-Amzn-ErrorType"],
                  started});
        respond(std::move(res));
    }
}

wire_error AwsApi::failure_of(std::exception_ptr error, const Call& call) {
    try {
        std::rethrow_exception(error);
    } catch (const api_error& e) {
        remember_caller(call.caller.account_id);
        return wire_error(e);
    } catch (const std::exception& e) {
        log::error("request " + call.request_id + " failed: " + e.what());
    }
    return wire_error(api_error(error_code::ServiceException));
}

void AwsApi::finish(Call& call) {
    Response res = answer_of(call);
    answered({call.request_id, call.caller.account_id, call.operation, res.result_int(), res["X-Amzn-ErrorType"],
              call.started});
    call.respond(std::move(res));
}

void AwsApi::answered(const log::Request& line) {
    log::request_if_enabled(line);
    if (ring_) ring_->record(line);
}

Response AwsApi::answer_of(Call& call) {
    if (!call.failure) {
        try {
            return aws_json::success(call.answer(), call.version, call.keep_alive, call.request_id);
        } catch (const std::exception& e) {
            log::error("request " + call.request_id + " cannot be encoded: " + e.what());
            call.failure = wire_error(api_error(error_code::ServiceException));
        }
    }
    return aws_json::error(*call.failure, call.version, call.keep_alive, call.request_id);
}

void AwsApi::remember_caller(const std::string& account_id) {
    // A caller is registered on first sight even when its call fails (and is undone).
    db_.submit([account_id](model::Repository& repo) { model::known_account(repo, account_id); },
               [account_id](std::exception_ptr error) {
                   if (error) log::error("cannot register caller " + account_id);
               });
}

}  // namespace localorgs::server
