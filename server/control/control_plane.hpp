#pragma once
// The emulator's own endpoints under /_localorgs/ (and LocalStack's health alias), design §6.
#include <chrono>
#include <functional>

#include "model/clock.hpp"
#include "model/organizations.hpp"
#include "model/repository.hpp"
#include "server/db_thread.hpp"
#include "server/faults.hpp"
#include "server/http_types.hpp"

namespace localorgs::server {

class ControlPlane {
public:
    // `reseed` re-creates the configured state after a reset (run inside the reset's transaction).
    ControlPlane(DbThread& db, model::Organizations& service, model::SystemClock& clock,
                 FaultRegistry& faults, std::function<void(model::Repository&)> reseed)
        : db_(db), service_(service), clock_(clock), faults_(faults), reseed_(std::move(reseed)) {}

    static bool owns(std::string_view target);
    void handle(Request&& request, Respond respond);

    // The clock offset is state: it is kept in the database and restored at start.
    static constexpr const char* kClockOffsetSetting = "clock_offset_ms";

private:
    // Runs `work` in one transaction on the database thread and answers with what it returns.
    void on_db(Request&& request, Respond respond,
               std::function<Response(model::Repository&, const Request&)> work);

    DbThread& db_;
    model::Organizations& service_;
    model::SystemClock& clock_;
    FaultRegistry& faults_;
    std::function<void(model::Repository&)> reseed_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace localorgs::server
