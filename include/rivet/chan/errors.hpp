// Errors of the chan module.
#pragma once

#include <memory>
#include <stdexcept>

namespace rivet::chan {

/// Thrown by a send to a closed channel (see send_error for the value).
class closed_error : public std::runtime_error {
public:
    closed_error() : std::runtime_error("rivet: send on a closed channel") {}
};

/// A send to a closed channel: the value was not accepted and comes back
/// here. (Held by pointer because an exception must be copyable and a
/// channel's items need only be movable.)
template <class T>
class send_error : public closed_error {
public:
    explicit send_error(T value) : value_(std::make_shared<T>(std::move(value))) {}

    /// The value that was not sent.
    [[nodiscard]] T& value() const noexcept { return *value_; }

private:
    std::shared_ptr<T> value_;
};

}  // namespace rivet::chan
