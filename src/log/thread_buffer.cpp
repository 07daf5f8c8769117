#include <cstdlib>
#include <cstring>
#include <new>
#include <rivet/log/detail/thread_buffer.hpp>
#include <stdexcept>

namespace rivet::log::detail {

thread_buffer::thread_buffer(std::size_t capacity, std::uint32_t thread_id)
    : thread_id_(thread_id) {
    if (capacity < 4096 || (capacity & (capacity - 1)) != 0) {
        throw std::invalid_argument("rivet::log: ring_bytes must be a power of two >= 4096");
    }
    void* p = std::aligned_alloc(4096, capacity);
    if (p == nullptr) throw std::bad_alloc();
    // Touched now, so the first pass through the ring does not take a page
    // fault every few dozen records on the logging thread (a 2 µs p99).
    std::memset(p, 0, capacity);
    data_ = static_cast<std::byte*>(p);
    mask_ = capacity - 1;
}

thread_buffer::~thread_buffer() { std::free(data_); }

}  // namespace rivet::log::detail
