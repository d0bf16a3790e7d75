#pragma once
// The web console's files (server/console/assets/), compiled into the binary by
// cmake/embed_assets.cmake: the console works with no file beside the binary and no network.
#include <span>
#include <string_view>

namespace localorgs::server::console {

struct Asset {
    std::string_view name;          // "app.js"
    std::string_view content_type;  // "text/javascript; charset=utf-8"
    std::string_view etag;          // a quoted prefix of the file's SHA-256
    std::string_view bytes;
};

std::span<const Asset> assets() noexcept;

// nullptr when there is no such file.
inline const Asset* find_asset(std::string_view name) noexcept {
    for (const auto& a : assets())
        if (a.name == name) return &a;
    return nullptr;
}

}  // namespace localorgs::server::console
