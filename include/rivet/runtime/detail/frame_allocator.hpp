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
//
// The common case, a block popped from or pushed onto this thread's loaded
// magazine, is inline: a frame's size is a constant at each call site, so
// it is a handful of instructions. Everything else is out of line.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define RIVET_FRAME_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RIVET_FRAME_CACHE 0
#endif
#endif
#ifndef RIVET_FRAME_CACHE
#define RIVET_FRAME_CACHE 1
#endif

namespace rivet::runtime::detail {

/// The size classes: multiples of 16 bytes up to 2 KiB; larger frames go to malloc.
struct frame_classes {
    static constexpr std::size_t granule = 16;  // malloc's alignment, enough for a frame
    static constexpr std::size_t max_block = 2048;
    static constexpr std::size_t class_count = max_block / granule;
    static constexpr std::size_t magazine_bytes = 64 << 10;

    static constexpr std::size_t class_of(std::size_t size) noexcept {
        return size == 0 ? 0 : (size - 1) / granule;
    }
    static constexpr std::size_t block_size(std::size_t cls) noexcept {
        return (cls + 1) * granule;
    }
    /// Blocks per full magazine of class `cls`.
    static constexpr std::uint32_t magazine_capacity(std::size_t cls) noexcept {
        return capacities[cls];  // a table: freeing with a run-time size must not divide
    }

private:
    static constexpr std::array<std::uint32_t, class_count> capacities = [] {
        std::array<std::uint32_t, class_count> c{};
        for (std::size_t i = 0; i < class_count; ++i) {
            c[i] = static_cast<std::uint32_t>(magazine_bytes / ((i + 1) * granule));
        }
        return c;
    }();
};

/// A LIFO list of free blocks of one size class, linked through their first word.
struct free_list {
    void* head = nullptr;
    std::uint32_t count = 0;

    void push(void* block) noexcept {
        *static_cast<void**>(block) = head;
        head = block;
        ++count;
    }
    void* pop() noexcept {
        void* block = head;
        head = *static_cast<void**>(block);
        --count;
        return block;
    }
};

/// One size class of a thread's cache.
struct frame_magazines {
    free_list loaded;  // allocated from and freed to
    free_list spare;   // empty or full
};

/// This thread's magazines, indexed by class (frame_cache's own array), or
/// null before the thread's first frame and once its cache is gone. A plain
/// pointer: reading it costs no thread_local guard check.
extern constinit thread_local frame_magazines* thread_frame_magazines;

/// The slow paths: the loaded magazine is empty (or full), the thread has no
/// cache yet, or the block is too large for a class.
void* allocate_frame_slow(std::size_t size);
void deallocate_frame_slow(void* frame, std::size_t size) noexcept;

/// Returns at least `size` bytes aligned for any coroutine frame; throws std::bad_alloc.
inline void* allocate_frame(std::size_t size) {
    if constexpr (RIVET_FRAME_CACHE) {
        frame_magazines* m = thread_frame_magazines;
        if (size <= frame_classes::max_block && m != nullptr) {
            free_list& loaded = m[frame_classes::class_of(size)].loaded;
            if (loaded.head != nullptr) [[likely]]
                return loaded.pop();
        }
    }
    return allocate_frame_slow(size);
}

/// Gives back a block from allocate_frame; `size` is the size it was asked for.
inline void deallocate_frame(void* frame, std::size_t size) noexcept {
    if constexpr (RIVET_FRAME_CACHE) {
        frame_magazines* m = thread_frame_magazines;
        if (size <= frame_classes::max_block && m != nullptr) {
            std::size_t cls = frame_classes::class_of(size);
            free_list& loaded = m[cls].loaded;
            if (loaded.count < frame_classes::magazine_capacity(cls)) [[likely]] {
                loaded.push(frame);
                return;
            }
        }
    }
    deallocate_frame_slow(frame, size);
}

/// Mixed into a promise type to route its frame through the recycling allocator.
struct recycled_frame {
    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept {
        deallocate_frame(frame, size);
    }
};

}  // namespace rivet::runtime::detail
