#pragma once
// The emulator's own endpoints under /_localorgs/ (and LocalStack's health alias), design §6.
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

#include "model/organizations.hpp"
#include "model/repository.hpp"
#include "server/db_thread.hpp"
#include "server/http_types.hpp"

namespace localorgs::server {

class ControlPlane {
public:
    // `reseed` re-creates the configured state after a reset (run inside the reset's transaction).
    ControlPlane(DbThread& db, model::Store& store, model::Organizations& service,
                 std::function<void(model::Repository&)> reseed)
        : db_(db), store_(store), service_(service), reseed_(std::move(reseed)) {}

    static bool owns(std::string_view target);
    void handle(Request&& request, Respond respond);

private:
    DbThread& db_;
    model::Store& store_;
    model::Organizations& service_;
    std::function<void(model::Repository&)> reseed_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace localorgs::server
