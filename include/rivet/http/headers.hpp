// Request headers: views into the connection's read buffer.
//
// A header_map does not own its text. On a request, every name and value
// points into the bytes the client sent, valid until the handler returns
// (copy what must outlive it). Names keep the case the client used, so they
// can be re-emitted as sent; lookups compare case-insensitively (RFC 9110
// section 5.1). Lookup is a linear scan: requests carry a few dozen headers at
// most, and a scan of short strings beats hashing them at that size.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace rivet::http {

/// True when `a` and `b` are equal ignoring ASCII case.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// One header field as received: original case, value without surrounding whitespace.
struct header {
    std::string_view name;
    std::string_view value;
};

/// An ordered list of header fields with case-insensitive lookup.
class header_map {
public:
    using const_iterator = std::vector<header>::const_iterator;

    /// The value of the first field named `name` (any case), if there is one.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
    /// True when a field named `name` (any case) is present.
    [[nodiscard]] bool contains(std::string_view name) const noexcept {
        return get(name).has_value();
    }
    /// How many fields named `name` (any case) are present.
    [[nodiscard]] std::size_t count(std::string_view name) const noexcept;

    /// Appends a field; the views must outlive the map's use.
    void add(std::string_view name, std::string_view value) { items_.push_back({name, value}); }
    /// Removes every field, keeping the storage for reuse.
    void clear() noexcept { items_.clear(); }

    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    [[nodiscard]] const_iterator begin() const noexcept { return items_.begin(); }
    [[nodiscard]] const_iterator end() const noexcept { return items_.end(); }

private:
    std::vector<header> items_;
};

}  // namespace rivet::http
