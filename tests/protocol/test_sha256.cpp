// SHA-256 against FIPS 180-4 examples and HMAC-SHA256 against RFC 4231. The boundary-length
// digests (padding spilling into a second block) were computed with Python's hashlib.
#include <doctest/doctest.h>

#include <string>

#include "server/sha256.hpp"

using namespace localorgs::server;

namespace {
std::string hex_of(std::string_view data) { return to_hex(sha256(data)); }
std::string bytes(std::size_t n, char c) { return std::string(n, c); }
}  // namespace

TEST_CASE("SHA-256: FIPS 180-4 examples") {
    CHECK(hex_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex_of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmno"
                 "pqrstnopqrstu") == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    CHECK(hex_of(bytes(1'000'000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256: lengths around the padding boundary") {
    const std::pair<std::size_t, const char*> cases[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
    };
    for (const auto& c : cases) {
        // Not a structured binding: clang 14 (the sanitizer builds) cannot capture one in CAPTURE.
        const auto n = c.first;
        const auto digest = c.second;
        CAPTURE(n);
        CHECK(hex_of(bytes(n, 'a')) == digest);
    }
}

TEST_CASE("SHA-256: streaming in any chunk size gives the one-shot digest") {
    const std::string million(1'000'000, 'a');
    for (std::size_t chunk : {1u, 3u, 55u, 63u, 64u, 65u, 997u, 4096u}) {
        CAPTURE(chunk);
        Sha256 h;
        for (std::size_t at = 0; at < million.size(); at += chunk)
            h.update(std::string_view(million).substr(at, chunk));
        CHECK(to_hex(h.finish()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
    Sha256 reused;
    reused.update("abc").finish();
    reused.reset();
    CHECK(to_hex(reused.update('a').update("bc").finish()) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("HMAC-SHA256: RFC 4231 test cases 1-7") {
    std::string key3 = bytes(20, '\xaa');
    std::string key4;
    for (int i = 1; i <= 25; ++i) key4.push_back(char(i));
    std::string big_key = bytes(131, '\xaa');
    CHECK(to_hex(hmac_sha256(bytes(20, '\x0b'), "Hi There")) ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(to_hex(hmac_sha256(key3, bytes(50, '\xdd'))) ==
          "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    CHECK(to_hex(hmac_sha256(key4, bytes(50, '\xcd'))) ==
          "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    // Case 5 is truncated to 128 bits.
    CHECK(to_hex(hmac_sha256(bytes(20, '\x0c'), "Test With Truncation")).substr(0, 32) ==
          "a3b6167473100ee06e0c796c2955552b");
    // Cases 6 and 7: a key longer than a block is hashed first.
    CHECK(to_hex(hmac_sha256(big_key, "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(to_hex(hmac_sha256(big_key,
                             "This is a test using a larger than block-size key and a larger than block-size data. "
                             "The key needs to be hashed before being used by the HMAC algorithm.")) ==
          "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    // Streaming the message in pieces is the same.
    CHECK(to_hex(HmacSha256(std::string_view("Jefe")).update("what do ya ").update('w').update("ant for nothing?").finish()) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("constant-time comparison") {
    CHECK(constant_time_equal("", ""));
    CHECK(constant_time_equal("abc", "abc"));
    CHECK(!constant_time_equal("abc", "abd"));
    CHECK(!constant_time_equal("abc", "abcd"));
    CHECK(!constant_time_equal("xbc", "abc"));
}
