// The ring of recent API calls behind the console's Requests page (server/request_ring.hpp).
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "server/request_ring.hpp"

using namespace localorgs;
using server::RequestRing;

namespace {

server::log::Request call(std::string_view operation, unsigned status = 200, std::string_view error = "",
                          std::string_view caller = "111111111111") {
    return {"0f8fad5b-d9cb-469f-a165-70867728950e",
            caller,
            operation,
            status,
            error,
            std::chrono::steady_clock::now() - std::chrono::milliseconds(3)};
}

}  // namespace

TEST_CASE("request ring: entries come newest first, after a given one, within the limit") {
    RequestRing ring;
    CHECK(ring.last() == 0);
    CHECK(ring.newest(0, 10).empty());
    ring.record(call("CreateOrganization"));
    ring.record(call("InviteAccountToOrganization", 400, "DuplicateHandshakeException"));
    ring.record(call("DescribeOrganization"));
    CHECK(ring.last() == 3);

    auto all = ring.newest(0, 10);
    REQUIRE(all.size() == 3);
    CHECK(all[0].seq == 3);
    CHECK(std::string(all[0].operation) == "DescribeOrganization");
    CHECK(std::string(all[1].operation) == "InviteAccountToOrganization");
    CHECK(all[1].status == 400);
    CHECK(std::string(all[1].error) == "DuplicateHandshakeException");
    CHECK(std::string(all[1].caller) == "111111111111");
    CHECK(std::string(all[1].request_id) == "0f8fad5b-d9cb-469f-a165-70867728950e");
    CHECK(all[1].latency_us >= 3000);
    CHECK(all[1].time_ms > 1'700'000'000'000);
    CHECK(std::string(all[2].error).empty());

    auto after_first = ring.newest(1, 10);
    REQUIRE(after_first.size() == 2);
    CHECK(after_first[1].seq == 2);
    auto one = ring.newest(0, 1);
    REQUIRE(one.size() == 1);
    CHECK(one[0].seq == 3);  // the newest, when fewer are asked for
    CHECK(ring.newest(3, 10).empty());
}

TEST_CASE("request ring: bounded, the oldest entries give way") {
    RequestRing ring;
    for (std::size_t i = 0; i < RequestRing::kCapacity + 250; ++i) ring.record(call("ListAccounts"));
    CHECK(ring.last() == RequestRing::kCapacity + 250);
    auto all = ring.newest(0, RequestRing::kCapacity * 2);
    REQUIRE(all.size() == RequestRing::kCapacity);
    CHECK(all.front().seq == RequestRing::kCapacity + 250);
    CHECK(all.back().seq == 251);
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i].seq + 1 == all[i - 1].seq);
}

TEST_CASE("request ring: what does not fit is cut, what a call lacks is empty") {
    RequestRing ring;
    const std::string long_error(500, 'E');
    ring.record({"-", "-", "-", 400, long_error, std::chrono::steady_clock::now()});
    auto e = ring.newest(0, 1).at(0);
    CHECK(std::string(e.request_id).empty());
    CHECK(std::string(e.caller).empty());
    CHECK(std::string(e.operation).empty());
    CHECK(std::string(e.error) == long_error.substr(0, sizeof e.error - 1));
}

TEST_CASE("request ring: the generation moves for calls that may change state") {
    RequestRing ring;
    auto g = ring.generation();
    ring.record(call("DescribeOrganization"));
    ring.record(call("ListHandshakesForOrganization"));
    CHECK(ring.generation() == g);  // successful reads change nothing
    ring.record(call("ListAccounts", 400, "TooManyRequestsException"));
    CHECK(ring.generation() == g + 1);  // a refusal may have used up an injected fault
    ring.record(call("AcceptHandshake"));
    CHECK(ring.generation() == g + 2);
    ring.changed();
    CHECK(ring.generation() == g + 3);
}

TEST_CASE("request ring: threads record at once; every call counted once") {
    RequestRing ring;
    constexpr int kThreads = 4, kEach = 2000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&ring, t] {
            const std::string caller = std::to_string(100000000000LL + t);
            for (int i = 0; i < kEach; ++i) {
                ring.record(call("InviteAccountToOrganization", 200, "", caller));
                if (i % 100 == 0) (void)ring.newest(0, 50);
            }
        });
    for (auto& t : threads) t.join();
    CHECK(ring.last() == kThreads * kEach);
    auto all = ring.newest(0, RequestRing::kCapacity);
    CHECK(all.size() == RequestRing::kCapacity);
    for (const auto& e : all) CHECK(std::string(e.caller).size() == 12);
}
