#pragma once
// Request handling put together from a configuration and a store: the model service, the
// database thread, identity, faults, the AWS API, the control plane and the router in front of
// them. main serves it over the network; the request-path fuzzer drives it in-process, so both
// run exactly the same handler.
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <optional>
#include <vector>

#include "model/clock.hpp"
#include "model/ids.hpp"
#include "model/service.hpp"
#include "model/repository.hpp"
#include "server/api.hpp"
#include "server/config.hpp"
#include "server/control/control_plane.hpp"
#include "server/db_thread.hpp"
#include "server/faults.hpp"
#include "server/http_types.hpp"
#include "server/identity.hpp"
#include "server/request_ring.hpp"

namespace localorgs::server {

class App {
public:
    // Registers the configured accounts and restores the persisted clock offset (on the database
    // thread, before any request). `io` runs the encoding of API answers. `id_seed` makes the
    // generated ids reproducible (the fuzzer); without it they are random.
    App(boost::asio::io_context& io, model::Store& store, const Config& config,
        std::optional<std::uint64_t> id_seed = std::nullopt);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Control plane or AWS API; the Respond may be called on the database thread.
    const Handler& handler() const noexcept { return handler_; }

    // Finishes the database work already submitted; no request may arrive after this.
    void stop();

private:
    void seed(model::Repository& repo);

    std::vector<model::AccountRecord> accounts_;
    model::SystemClock clock_;
    model::IdGenerator ids_;
    model::Service service_;
    DbThread db_;
    Identity identity_;
    FaultRegistry faults_;
    RequestRing requests_;  // the latest API calls, for the console
    AwsApi api_;
    ControlPlane control_;
    Handler handler_;
};

}  // namespace localorgs::server
