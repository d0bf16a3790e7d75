#include "server/app.hpp"

#include <future>
#include <string>

#include "server/router.hpp"

namespace localorgs::server {

App::App(boost::asio::io_context& io, model::Store& store, const Config& config,
         std::optional<std::uint64_t> id_seed)
    : accounts_(config.accounts),
      ids_(id_seed ? model::IdGenerator(*id_seed) : model::IdGenerator()),
      service_(clock_, ids_, {config.quotas, config.direct_transfer, config.scp_enabled_on_create}),
      db_(store),
      identity_(config.default_account, config.account_by_access_key()),
      api_(io, db_, store, service_, identity_, faults_),
      control_(db_, store, service_, clock_, faults_, requests_, [this](model::Repository& repo) { seed(repo); }),
      handler_(make_router(api_, control_)) {
    api_.record_requests_in(requests_);
    if (config.verify_signatures) identity_.verify_signatures(config.credentials);
    if (!config.admin_token.empty()) control_.require_token(config.admin_token);
    // On the database thread like every other transaction, and finished before the first request.
    std::promise<void> ready;
    db_.submit(
        [this](model::Repository& repo) {
            seed(repo);
            // Time moved through the control plane stays moved across restarts.
            if (auto offset = repo.settings.get(ControlPlane::kClockOffsetSetting))
                clock_.set_offset_ms(std::stoll(*offset));
        },
        [&ready](std::exception_ptr error) {
            if (error)
                ready.set_exception(error);
            else
                ready.set_value();
        });
    ready.get_future().get();
}

App::~App() {
    stop();
}

void App::stop() {
    db_.stop();
}

void App::seed(model::Repository& repo) {
    // The configured accounts are (re)registered at start and after every reset.
    for (const auto& account : accounts_) service_.accounts.register_account(repo, account);
}

}  // namespace localorgs::server
