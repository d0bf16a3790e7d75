// Time from exec to the first answered request: starts the server on a fresh database and a free
// loopback port, connects in a tight loop until the port accepts, sends one DescribeOrganization
// and stops the clock when the whole answer is in. Repeats, then reports every run and the median.
//
//   localorgs_startup [--runs 5] --dir DIR -- SERVER [ARGS...]
//
// The server gets `--host 127.0.0.1 --port P --db DIR/startup-K.db` appended, is stopped with
// SIGTERM after each run, and must answer within 10 s. Prints one JSON line.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kGiveUp = std::chrono::seconds(10);

constexpr std::string_view kRequest =
    "POST / HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n"
    "X-Amz-Target: AWSOrganizationsV20161128.DescribeOrganization\r\n"
    "Content-Type: application/x-amz-json-1.1\r\n"
    "Authorization: AWS4-HMAC-SHA256 Credential=111111111111/20261128/us-east-1/organizations/aws4_request, "
    "SignedHeaders=host, Signature=0\r\n"
    "Content-Length: 2\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{}";

// The server being measured, so that a signal stopping us stops it too.
volatile sig_atomic_t g_child = 0;

extern "C" void on_signal(int sig) {
    if (g_child > 0) ::kill(pid_t(g_child), SIGKILL);
    ::signal(sig, SIG_DFL);
    ::raise(sig);
}

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

sockaddr_in loopback(unsigned short port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

// A port nobody listens on right now (the kernel's choice for port 0).
unsigned short free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) fail("socket");
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        fail("bind");
    ::close(fd);
    return ntohs(addr.sin_port);
}

pid_t spawn(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        errno = rc;
        fail("cannot start " + args[0]);
    }
    return pid;
}

// Reads one HTTP response (headers, then Content-Length bytes of body); returns its status.
int read_response(int fd) {
    std::string data;
    char buf[4096];
    std::size_t body_at = std::string::npos, length = 0;
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        data.append(buf, std::size_t(n));
        if (body_at == std::string::npos) {
            auto end = data.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            body_at = end + 4;
            std::string headers = data.substr(0, end);
            std::transform(headers.begin(), headers.end(), headers.begin(), ::tolower);
            auto cl = headers.find("\r\ncontent-length:");
            if (cl != std::string::npos) length = std::strtoul(headers.c_str() + cl + 17, nullptr, 10);
        }
        if (data.size() >= body_at + length) break;
    }
    if (data.size() < 12 || data.compare(0, 5, "HTTP/") != 0) throw std::runtime_error("no HTTP answer");
    return std::atoi(data.c_str() + 9);
}

struct Run {
    double ms;
    int status;
};

Run measure(const std::vector<std::string>& server, const std::string& db) {
    const unsigned short port = free_port();
    std::vector<std::string> args = server;
    args.insert(args.end(), {"--host", "127.0.0.1", "--port", std::to_string(port), "--db", db});
    const sockaddr_in addr = loopback(port);

    const auto t0 = Clock::now();
    const pid_t pid = spawn(args);
    g_child = pid;
    int fd = -1;
    for (;;) {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) fail("socket");
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) break;
        ::close(fd);
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid)
            throw std::runtime_error(args[0] + " exited before answering");
        if (Clock::now() - t0 > kGiveUp) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            throw std::runtime_error(args[0] + " did not accept within 10 s");
        }
    }
    std::size_t sent = 0;
    while (sent < kRequest.size()) {
        ssize_t n = ::send(fd, kRequest.data() + sent, kRequest.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("send");
        sent += std::size_t(n);
    }
    const int status = read_response(fd);
    const auto t1 = Clock::now();
    ::close(fd);

    ::kill(pid, SIGTERM);
    int wstatus = 0;
    ::waitpid(pid, &wstatus, 0);
    g_child = 0;
    return {std::chrono::duration<double, std::milli>(t1 - t0).count(), status};
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: localorgs_startup [--runs 5] --dir DIR -- SERVER [ARGS...]\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) try {
    int runs = 5;
    std::string dir;
    std::vector<std::string> server;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--") {
            server.assign(argv + i + 1, argv + argc);
            break;
        }
        if (i + 1 >= argc) usage();
        if (arg == "--runs")
            runs = std::max(1, std::atoi(argv[++i]));
        else if (arg == "--dir")
            dir = argv[++i];
        else
            usage();
    }
    if (dir.empty() || server.empty()) usage();
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::signal(sig, on_signal);

    std::vector<Run> results;
    for (int k = 0; k < runs; ++k)
        results.push_back(measure(server, dir + "/startup-" + std::to_string(k) + ".db"));

    std::vector<double> sorted;
    for (const auto& r : results) sorted.push_back(r.ms);
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                            : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
    std::printf("{\"runs_ms\": [");
    for (std::size_t i = 0; i < results.size(); ++i) std::printf("%s%.3f", i ? ", " : "", results[i].ms);
    std::printf("], \"median_ms\": %.3f, \"status\": %d}\n", median, results.back().status);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "localorgs_startup: %s\n", e.what());
    return 1;
}
