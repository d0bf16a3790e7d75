#pragma once
// The emulator's own endpoints under /_localorgs/ (and LocalStack's health alias) (README, Control plane):
// the route table (route_table.hpp, routes.cpp) put to work.
#include <functional>
#include <optional>
#include <string_view>

#include "model/clock.hpp"
#include "model/repository.hpp"
#include "model/service.hpp"
#include "server/control/route_table.hpp"
#include "server/db_thread.hpp"
#include "server/faults.hpp"
#include "server/http_types.hpp"
#include "server/request_ring.hpp"
#include "server/sha256.hpp"

namespace localorgs::server {

class ControlPlane {
public:
    // `reseed` re-creates the configured state after a reset (run inside the reset's transaction).
    // `store` serves reads beside the database thread; `requests` is what the API recorded.
    ControlPlane(DbThread& db, model::Store& store, model::Service& service, model::SystemClock& clock,
                 FaultRegistry& faults, RequestRing& requests, std::function<void(model::Repository&)> reseed)
        : db_(db), store_(store), context_{service, clock, faults, requests, std::move(reseed)} {}

    // /_localorgs/*, /_localstack/*, and a browser's GET of / or /favicon.ico (an AWS call is a
    // POST with an X-Amz-Target header, so a GET of / without one is a person opening the
    // server's address).
    static bool owns(const Request& request);
    void handle(Request&& request, Respond respond);
    // The Error of a refusal this control plane answered ("" for a success or a HEAD's empty body).
    static std::string_view error_of(const Response& response);

    // From now on every route but the two health checks answers 401 unless the request has
    // `Authorization: Bearer <token>`. The health checks stay open: container health checks and
    // Testcontainers call them without credentials, and they reveal nothing but "running".
    void require_token(std::string_view token) { token_digest_ = sha256(token); }

    // The clock offset is state: it is kept in the database and restored at start.
    static constexpr const char* kClockOffsetSetting = "clock_offset_ms";

private:
    // Runs a route's work on the repository and answers with the JSON it returns.
    void on_db(Request&& request, Respond respond, std::function<nlohmann::json(model::Repository&)> work);
    // Runs work that only reads on this thread, on a snapshot, when the store can; else on_db.
    void on_snapshot(Request&& request, Respond respond,
                     std::function<nlohmann::json(model::Repository&)> work);
    // Empty when the request may go on; else the 401 to answer.
    std::optional<Response> refuse_unauthorized(const Request& request) const;
    // Empty when the request may go on; else the 403 for a change a browser sent from another site.
    static std::optional<Response> refuse_cross_site(const Request& request);

    DbThread& db_;
    model::Store& store_;
    control::Context context_;
    // Only the token's hash is kept: presented tokens are hashed too and compared in constant
    // time, so the comparison reveals neither the token's length nor its characters.
    std::optional<Digest> token_digest_;
};

}  // namespace localorgs::server
