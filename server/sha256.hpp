#pragma once
// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), the two primitives AWS Signature Version 4
// needs. Written here so the server keeps its dependency list (no TLS library is linked).
// Streaming: the signature code feeds the canonical request in pieces, without building it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace localorgs::server {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
public:
    Sha256() { reset(); }
    void reset();
    Sha256& update(const void* data, std::size_t size);
    Sha256& update(std::string_view s) { return update(s.data(), s.size()); }
    Sha256& update(char c) { return update(&c, 1); }
    // The digest of everything fed since the last reset; the object must be reset before reuse.
    Digest finish();

private:
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_;
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;  // bytes fed so far
};

Digest sha256(std::string_view data);

// HMAC-SHA256 with the key hashed once into its inner and outer states, so a message can be
// streamed (`update`) and one key can sign several messages (`copy`, then `update`/`finish`).
class HmacSha256 {
public:
    explicit HmacSha256(std::string_view key);
    explicit HmacSha256(const Digest& key)
        : HmacSha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) {}
    HmacSha256& update(std::string_view s) {
        inner_.update(s);
        return *this;
    }
    HmacSha256& update(char c) {
        inner_.update(c);
        return *this;
    }
    Digest finish();

private:
    Sha256 inner_;
    Sha256 outer_;
};

Digest hmac_sha256(std::string_view key, std::string_view message);
inline Digest hmac_sha256(const Digest& key, std::string_view message) {
    return hmac_sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()), message);
}

// Lower-case hex, as SigV4 writes hashes and signatures.
void to_hex(const Digest& digest, char out[64]);
std::string to_hex(const Digest& digest);

// Compares in time that depends only on the sizes, never on where the inputs first differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace localorgs::server
