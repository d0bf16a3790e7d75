// Wiring only: configuration, storage, model and server are put together here and nowhere else.
#include <boost/asio/io_context.hpp>
#include <pthread.h>

#include <boost/asio/signal_set.hpp>
#include <boost/system/system_error.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "server/admin/admin_cli.hpp"
#include "server/app.hpp"
#include "server/config.hpp"
#include "server/log.hpp"
#include "server/transport.hpp"
#include "storage/sqlite_store.hpp"

using namespace localorgs;

namespace {

int serve(const server::Config& config) {
    server::log::set_level(config.log_level);
    server::log::set_format(config.log_format);
    // Signals are caught from the start: a SIGTERM that arrives before the server is up (a harness
    // stopping it at once) must still end in a clean exit, not the default action. They reach only
    // this thread: every thread started below (database, checkpointer, I/O) inherits a mask that
    // blocks them, and this one unblocks them as it enters the event loop, where one that came
    // during start-up is then delivered. No other thread is ever interrupted by them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    boost::asio::io_context ioc(config.io_threads);
    boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
    server::Transport* listening = nullptr;  // set before the loop runs, which is when this fires
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        server::log::info(std::string("received ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                          ", finishing requests in flight");
        if (listening) listening->stop();
    });

    storage::SqliteStore store(config.db, config.durability == "full" ? storage::Durability::full
                                                                      : storage::Durability::normal);
    server::App app(ioc, store, config);
    server::Transport transport(ioc, config.host, config.port, app.handler());
    transport.start();
    listening = &transport;
    std::printf("localorgs listening on %s\n", transport.url().c_str());
    std::fflush(stdout);

    std::vector<std::thread> threads;
    for (int i = 1; i < config.io_threads; ++i) threads.emplace_back([&] { ioc.run(); });
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    ioc.run();
    for (auto& t : threads) t.join();
    app.stop();  // the database thread finishes what it was given before the store closes
    server::log::info("stopped cleanly");
    return 0;
}

std::string full_usage() { return server::usage() + admin::usage(); }

std::string listen_hint(server::listen_error::Why why) {
    using Why = server::listen_error::Why;
    switch (why) {
        case Why::address_in_use:
        case Why::permission_denied:
            return "Choose another port with --port N or LOCALORGS_PORT=N; --port 0 picks a free one.";
        case Why::address_not_local:
        case Why::host_unknown:
            return "Choose the address with --host or LOCALORGS_HOST: 127.0.0.1 (the default) for this machine "
                   "only, 0.0.0.0 for every interface.";
        case Why::other:
            break;
    }
    return "Choose the address and port with --host and --port (LOCALORGS_HOST, LOCALORGS_PORT).";
}

}  // namespace

int main(int argc, char** argv) {
    // A command word asks a running server; flags alone, or `serve`, start one (as before commands
    // existed, so scripts and images that run `localorgs --port ...` keep working).
    std::vector<const char*> server_argv(argv, argv + argc);
    if (argc > 1) {
        std::string first = argv[1];
        if (first == "serve") {
            server_argv.erase(server_argv.begin() + 1);
        } else if (!first.starts_with("-")) {
            return admin::run(std::vector<std::string>(argv + 1, argv + argc), full_usage(), std::cout, std::cerr);
        }
    }

    server::Config config;
    try {
        switch (server::parse_command_line(int(server_argv.size()), server_argv.data(), config)) {
            case server::CommandLineAction::help:
                std::cout << full_usage();
                return 0;
            case server::CommandLineAction::version:
                std::cout << "localorgs " << LOCALORGS_VERSION << "\n";
                return 0;
            case server::CommandLineAction::run:
                break;
        }
    } catch (const server::usage_error& e) {
        std::cerr << "localorgs: " << e.what() << "\nRun 'localorgs --help' to see every flag.\n";
        return 2;
    } catch (const server::config_error& e) {
        std::cerr << "localorgs: " << e.what() << "\n";
        return 2;
    }
    // Start-up failures a user meets first: where, why, and what to change. Never a library's own
    // text with its source locations (boost::system::system_error::what() has them).
    try {
        return serve(config);
    } catch (const server::listen_error& e) {
        std::cerr << "localorgs: " << e.what() << ".\n" << listen_hint(e.why) << "\n";
    } catch (const storage::sqlite_error& e) {
        std::cerr << "localorgs: " << e.what() << ".\n"
                  << "Choose the database file with --db or LOCALORGS_DB (--db :memory: keeps nothing).\n";
    } catch (const boost::system::system_error& e) {
        std::cerr << "localorgs: " << e.code().message() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "localorgs: " << e.what() << "\n";
    }
    return 1;
}
