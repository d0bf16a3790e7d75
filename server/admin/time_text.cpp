#include "server/admin/time_text.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

namespace localorgs::admin {
namespace {

// The control plane refuses clock values beyond this (about 3000 years, in seconds); refusing them
// here too gives a message that names the text the user typed.
constexpr long long kMaxSeconds = 100'000'000'000;

constexpr std::array<std::pair<char, long long>, 4> kUnits = {
    {{'d', 86'400}, {'h', 3'600}, {'m', 60}, {'s', 1}}};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads ISO 8601 left to right; every step either consumes what it expects or reports false.
class Scanner {
public:
    explicit Scanner(std::string_view s) : s_(s) {}
    bool at_end() const { return i_ == s_.size(); }
    bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
    bool eat(char c) {
        if (!peek(c)) return false;
        ++i_;
        return true;
    }
    bool eat_any(std::string_view set) {
        if (i_ >= s_.size() || set.find(s_[i_]) == std::string_view::npos) return false;
        ++i_;
        return true;
    }
    bool number(int width, int& out) {
        if (i_ + std::size_t(width) > s_.size()) return false;
        out = 0;
        for (int k = 0; k < width; ++k) {
            char c = s_[i_ + std::size_t(k)];
            if (!is_digit(c)) return false;
            out = out * 10 + (c - '0');
        }
        i_ += std::size_t(width);
        return true;
    }
    // Digits after a decimal point, as a fraction of one.
    bool fraction(double& out) {
        std::size_t start = i_;
        double scale = 0.1;
        out = 0;
        while (i_ < s_.size() && is_digit(s_[i_])) {
            out += (s_[i_++] - '0') * scale;
            scale /= 10;
        }
        return i_ > start;
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

bool is_epoch_number(std::string_view text) {
    std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    auto all_digits = [](std::string_view s) {
        for (char c : s)
            if (!is_digit(c)) return false;
        return true;
    };
    return !whole.empty() && all_digits(whole) &&
           (dot == std::string_view::npos || (!frac.empty() && all_digits(frac)));
}

}  // namespace

long long parse_duration(std::string_view text) {
    auto refuse = [&](const std::string& why) {
        return time_text_error("'" + std::string(text) + "' is not a duration: " + why +
                               " (use a number and a unit: 30s, 15m, 2h, 15d, 1d12h)");
    };
    std::string_view rest = text;
    bool negative = rest.starts_with('-');
    if (negative) rest.remove_prefix(1);
    if (rest.empty()) throw refuse("it is empty");
    std::size_t next_unit = 0;
    long long total = 0;
    while (!rest.empty()) {
        std::size_t digits = 0;
        while (digits < rest.size() && is_digit(rest[digits])) ++digits;
        if (digits == 0) throw refuse("expected a number at '" + std::string(rest) + "'");
        if (digits == rest.size()) throw refuse("no unit after " + std::string(rest));
        if (digits > 12) throw refuse("it is more than 3000 years");
        long long amount = std::stoll(std::string(rest.substr(0, digits)));
        char unit = rest[digits];
        if (unit == '.' || unit == ',') throw refuse("use whole numbers (1h30m, not 1.5h)");
        std::size_t u = next_unit;
        while (u < kUnits.size() && kUnits[u].first != unit) ++u;
        if (u == kUnits.size()) {
            bool known = false;
            for (const auto& [name, _] : kUnits) known = known || name == unit;
            throw refuse(known ? "units go in the order d, h, m, s, each at most once"
                               : "unknown unit '" + std::string(1, unit) + "'");
        }
        // At most 12 digits times a day each, so the sum of four parts cannot overflow.
        total += amount * kUnits[u].second;
        if (total > kMaxSeconds) throw refuse("it is more than 3000 years");
        next_unit = u + 1;
        rest.remove_prefix(digits + 1);
    }
    return negative ? -total : total;
}

std::string format_duration(double seconds) {
    long long ms = std::llround(std::abs(seconds) * 1000.0);
    std::string out = seconds < 0 && ms > 0 ? "-" : "";
    for (const auto& [unit, length] : kUnits) {
        if (unit == 's') break;
        if (long long n = ms / (length * 1000); n > 0) {
            out += std::to_string(n) + unit;
            ms -= n * length * 1000;
        }
    }
    if (ms > 0 || out.empty() || out == "-") {
        out += std::to_string(ms / 1000);
        if (long long frac = ms % 1000; frac > 0) {
            char buf[8];
            std::snprintf(buf, sizeof buf, ".%03lld", frac);
            std::string f = buf;
            while (f.back() == '0') f.pop_back();
            out += f;
        }
        out += 's';
    }
    return out;
}

double parse_instant(std::string_view text) {
    auto refuse = [&](const std::string& why) {
        return time_text_error("'" + std::string(text) + "' is not a time: " + why);
    };
    auto in_range = [&](double epoch) {
        if (epoch < 0) throw refuse("it is before 1970");
        if (epoch > double(kMaxSeconds)) throw refuse("it is more than 3000 years ahead");
        return epoch;
    };
    if (is_epoch_number(text)) {
        if (text.size() > 20) throw refuse("it is more than 3000 years ahead");
        return in_range(std::stod(std::string(text)));
    }

    const std::string expected = "use epoch seconds (1767225600) or ISO 8601 (2026-01-01T12:00:00Z)";
    Scanner s(text);
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    double fraction = 0;
    long long offset = 0;
    if (!(s.number(4, year) && s.eat('-') && s.number(2, month) && s.eat('-') && s.number(2, day)))
        throw refuse(expected);
    if (s.eat_any("Tt ")) {
        if (!(s.number(2, hour) && s.eat(':') && s.number(2, minute))) throw refuse(expected);
        if (s.eat(':')) {
            if (!s.number(2, second)) throw refuse(expected);
            if (s.eat_any(".,") && !s.fraction(fraction)) throw refuse(expected);
        }
        if (!s.eat_any("Zz") && (s.peek('+') || s.peek('-'))) {
            int sign = s.eat('+') ? 1 : (s.eat('-'), -1);
            int oh = 0, om = 0;
            if (!s.number(2, oh)) throw refuse(expected);
            s.eat(':');
            if (!s.number(2, om) || oh > 23 || om > 59) throw refuse(expected);
            offset = sign * (oh * 3600LL + om * 60LL);
        }
    }
    if (!s.at_end()) throw refuse(expected);

    using namespace std::chrono;
    year_month_day date{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                        std::chrono::day{unsigned(day)}};
    if (!date.ok()) throw refuse("there is no such date");
    if (hour > 23 || minute > 59 || second > 59) throw refuse("there is no such time of day");
    long long days = sys_days(date).time_since_epoch().count();
    return in_range(double(days * 86'400 + hour * 3'600 + minute * 60 + second - offset) + fraction);
}

std::string format_instant(double epoch_seconds) {
    using namespace std::chrono;
    long long ms = std::llround(epoch_seconds * 1000.0);
    long long day_ms = 86'400'000;
    long long days = ms >= 0 ? ms / day_ms : -((-ms + day_ms - 1) / day_ms);  // floor, also before 1970
    long long in_day = ms - days * day_ms;
    year_month_day date{sys_days{std::chrono::days{days}}};
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld", int(date.year()),
                          unsigned(date.month()), unsigned(date.day()), in_day / 3'600'000,
                          in_day / 60'000 % 60, in_day / 1000 % 60);
    std::string out(buf, std::size_t(n));
    if (long long frac = in_day % 1000; frac > 0) {
        std::snprintf(buf, sizeof buf, ".%03lld", frac);
        out += buf;
    }
    return out + "Z";
}

}  // namespace localorgs::admin
