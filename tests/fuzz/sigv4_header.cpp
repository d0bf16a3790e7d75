// Fuzz target: the parsers of SigV4 credentials. The first line of the input is the
// Authorization header's value, the rest the request target, whose query carries X-Amz-Credential
// in a presigned request. Every parser in kParsers gets every input: a new parser (the signature
// verifier's, when it lands) is one more entry with the properties it promises.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/ids.hpp"
#include "server/http_types.hpp"
#include "server/identity.hpp"
#include "server/url.hpp"

namespace {

using namespace localorgs;

struct Input {
    std::string_view authorization;
    std::string_view target;
    const server::Request& request;
};

[[noreturn]] void fail(const char* parser, const char* what, const Input& in, std::string_view result) {
    std::fprintf(stderr, "sigv4_header: %s: %s\nAuthorization: %.*s\ntarget: %.*s\nresult: %.*s\n", parser,
                 what, int(in.authorization.size()), in.authorization.data(), int(in.target.size()),
                 in.target.data(), int(result.size()), result.data());
    std::abort();
}

// identity.cpp: the access key id is the credential scope's first element, from the header when
// it has a Credential, else from the query; the caller is a 12-digit key, a configured key's
// account, or the default account.
void access_key_id(const Input& in) {
    const std::string key = server::access_key_id(in.request);
    if (key.find('/') != std::string::npos) fail("access_key_id", "key holds a scope separator", in, key);
    if (const auto credential = in.authorization.find("Credential="); credential != std::string_view::npos) {
        const auto value = in.authorization.substr(credential + 11);
        if (!value.starts_with(key)) fail("access_key_id", "key is not where Credential= points", in, key);
        if (key.find_first_of(", ") != std::string::npos)
            fail("access_key_id", "key runs past its parameter", in, key);
    } else if (const auto query = server::url::query_param(in.target, "X-Amz-Credential")) {
        if (!query->starts_with(key)) fail("access_key_id", "key is not the query's credential", in, key);
    } else if (!key.empty()) {
        fail("access_key_id", "key without a credential", in, key);
    }

    static const server::Identity identity("000000000000", {{"AKIAEXAMPLE", "555555555555"}});
    const auto account = identity.account_for(in.request);
    if (!model::is_account_id(account)) fail("Identity::account_for", "not an account id", in, account);
    if (model::is_account_id(key) && account != key)
        fail("Identity::account_for", "a 12-digit key is the account", in, account);
}

struct Parser {
    const char* name;
    void (*check)(const Input&);
};

constexpr Parser kParsers[] = {
    {"access_key_id", access_key_id},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto newline = bytes.find('\n');
    const auto authorization = bytes.substr(0, newline);
    const auto target = newline == std::string_view::npos ? std::string_view("/") : bytes.substr(newline + 1);

    server::Request request{server::http::verb::post, target, 11};
    if (!authorization.empty()) request.set(server::http::field::authorization, authorization);
    const Input in{authorization, target, request};
    for (const auto& parser : kParsers) parser.check(in);
    return 0;
}
