// A sink that keeps its lines in memory, for tests.
#pragma once

#include <mutex>
#include <rivet/log/sink.hpp>
#include <string>
#include <vector>

namespace rivet::log::testing {

class memory_sink final : public sink {
public:
    explicit memory_sink(pattern p = pattern("{level} {logger} {message}{fields}"))
        : pattern_(std::move(p)) {}

    void write(const record& r) override {
        std::string line;
        pattern_.format(r, line);
        std::lock_guard guard(lock_);
        lines_.push_back(std::move(line));
    }
    void flush() override {}

    /// The lines so far (call after rivet::log::flush()).
    std::vector<std::string> lines() const {
        std::lock_guard guard(lock_);
        return lines_;
    }

private:
    pattern pattern_;
    mutable std::mutex lock_;
    std::vector<std::string> lines_;
};

}  // namespace rivet::log::testing
