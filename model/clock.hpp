#pragma once
// Injected time, so expiry and retention can be tested by moving the clock instead of waiting.
#include <atomic>
#include <chrono>

#include "model/types.hpp"

namespace localorgs::model {

class Clock {
public:
    virtual ~Clock() = default;
    virtual Millis now_ms() const = 0;
};

// Wall-clock time shifted by an adjustable offset (the control plane moves it).
class SystemClock final : public Clock {
public:
    Millis now_ms() const override {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() +
               offset_ms_.load(std::memory_order_relaxed);
    }
    Millis offset_ms() const { return offset_ms_.load(std::memory_order_relaxed); }
    void set_offset_ms(Millis offset) { offset_ms_.store(offset, std::memory_order_relaxed); }

private:
    std::atomic<Millis> offset_ms_{0};
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
public:
    explicit FakeClock(Millis start = 1'700'000'000'000) : now_(start) {}
    Millis now_ms() const override { return now_; }
    void advance_ms(Millis d) { now_ += d; }
    void set_ms(Millis t) { now_ = t; }

private:
    Millis now_;
};

}  // namespace localorgs::model
