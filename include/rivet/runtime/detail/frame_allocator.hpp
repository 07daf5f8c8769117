// Coroutine frames (and spawned tasks' roots) come from here rather than
// straight from malloc: each thread keeps magazines of recently freed blocks
// by size class, carved from huge-page chunks that are kept for reuse, so
// spawning and awaiting tasks touch neither malloc nor fresh pages in steady
// state (src/runtime/frame_pool.hpp has the design).
//
// A block freed on another thread than the one that allocated it joins the
// freeing thread's cache; whole magazines travel between threads through a
// shared depot, so a thread that only frees does not hoard memory. Under
// AddressSanitizer the cache is bypassed, so use-after-free of a frame is
// still caught.
#pragma once

#include <cstddef>

namespace rivet::runtime::detail {

/// Returns at least `size` bytes aligned for any coroutine frame; throws std::bad_alloc.
void* allocate_frame(std::size_t size);

/// Gives back a block from allocate_frame; `size` is the size it was asked for.
void deallocate_frame(void* frame, std::size_t size) noexcept;

/// Mixed into a promise type to route its frame through the recycling allocator.
struct recycled_frame {
    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept {
        deallocate_frame(frame, size);
    }
};

}  // namespace rivet::runtime::detail
