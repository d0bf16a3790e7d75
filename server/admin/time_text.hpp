#pragma once
// Durations and instants as people type and read them on the admin command line; the control plane
// itself speaks epoch seconds only.
#include <stdexcept>
#include <string>
#include <string_view>

namespace localorgs::admin {

// Thrown with a message that quotes the text and says what would have been accepted.
struct time_text_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// "30s", "15m", "2h", "15d", "1d12h" (units d, h, m, s, each at most once and in that order),
// optionally "-" first to go back. Whole seconds; a bare number is refused, since its unit would
// be a guess.
long long parse_duration(std::string_view text);

// The inverse for showing an offset: "15d", "1d12h", "-2h", "0s"; milliseconds as "1.5s".
std::string format_duration(double seconds);

// Epoch seconds ("1767225600", "1767225600.5") or ISO 8601 ("2026-01-01", "2026-01-01T12:00",
// "2026-01-01T12:00:00.250Z", "2026-01-01 12:00:00+02:00"); without an offset the time is UTC.
double parse_instant(std::string_view text);

// "2026-01-01T12:00:00Z", with ".250" before the Z when there are milliseconds.
std::string format_instant(double epoch_seconds);

}  // namespace localorgs::admin
