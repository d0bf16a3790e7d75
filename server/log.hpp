#pragma once
// Minimal leveled logging to stderr; stdout carries only the ready line.
#include <string_view>

namespace localorgs::server::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(std::string_view name);
bool enabled(Level level);
void write(Level level, std::string_view message);

inline void debug(std::string_view m) {
    if (enabled(Level::debug)) write(Level::debug, m);
}
inline void info(std::string_view m) {
    if (enabled(Level::info)) write(Level::info, m);
}
inline void warn(std::string_view m) {
    if (enabled(Level::warn)) write(Level::warn, m);
}
inline void error(std::string_view m) { write(Level::error, m); }

}  // namespace localorgs::server::log
