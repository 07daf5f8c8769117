// The recycling allocator behind coroutine frames and spawned tasks' roots.
//
// Blocks come in size classes of 16 bytes up to frame_depot::max_block. Each
// thread has a frame_cache; a depot is shared by all threads and owns the
// memory.
//
// A cache holds two *magazines* per class (Bonwick's slab allocator): free
// lists of at most magazine_bytes each. Allocating pops from the loaded
// magazine; freeing pushes onto it. Only when the loaded one is empty (or
// full) does the cache swap it with its spare, and only when both are does it
// trade a whole magazine with the depot, under the depot's lock: one lock per
// hundreds of operations at worst, never one per block, and a thread
// alternating around a boundary does not thrash. A block freed on another
// thread than the one that allocated it joins the freeing thread's cache and
// reaches other threads through the depot in whole magazines.
//
// New blocks are carved from 64 KiB runs of 2 MiB chunks, each run faulted
// in by one system call when a cache takes it. Memory is never given back
// to the system while the depot lives: the peak is kept for reuse, so a
// second burst of the same size faults nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <rivet/runtime/detail/frame_allocator.hpp>
#include <vector>

namespace rivet::runtime::detail {

/// Shared by every frame_cache: owns the chunks, and the magazines that
/// caches gave back. Thread-safe. Blocks must not outlive their depot.
class frame_depot : public frame_classes {
public:
    static constexpr std::size_t run_bytes = 64 << 10;
    static constexpr std::size_t chunk_bytes = 2 << 20;

    frame_depot() = default;
    frame_depot(const frame_depot&) = delete;
    frame_depot& operator=(const frame_depot&) = delete;
    /// Frees the chunks: every block is gone with them.
    ~frame_depot();

    /// Keeps a full magazine of class `cls` for other caches.
    void put_full(std::size_t cls, free_list magazine) noexcept;
    /// Keeps the blocks of a partly filled list (a cache going away).
    void put_blocks(std::size_t cls, free_list blocks) noexcept;
    /// Takes a magazine of class `cls` (full unless it is the last one);
    /// false when there is none.
    bool take(std::size_t cls, free_list& magazine) noexcept;

    /// A run of run_bytes (or a shorter leftover) to carve new blocks from,
    /// its pages resident; throws std::bad_alloc.
    void take_run(std::byte*& begin, std::byte*& end);
    /// Keeps the uncarved rest of a run for the next cache that needs one.
    void put_run(std::byte* begin, std::byte* end) noexcept;

private:
    // Kept in the memory they describe, so that giving back never allocates:
    // a full magazine's first block links to the next magazine (its second
    // word; every block has two), a leftover run's first bytes say where it
    // ends and where the next leftover is.
    struct magazine_link {
        void* next_block;
        void* next_magazine;
    };
    struct leftover_run {
        std::byte* end;
        leftover_run* next;
    };

    std::mutex mutex_;
    std::array<void*, class_count> full_{};         // stacks of full magazines
    std::array<free_list, class_count> partial_{};  // filling up from put_blocks
    leftover_run* leftovers_ = nullptr;
    std::vector<void*> chunks_;
    std::byte* chunk_next_ = nullptr;
    std::byte* chunk_end_ = nullptr;
};

/// One thread's blocks. Not thread-safe: each thread uses its own. Gives
/// everything back to the depot when destroyed.
class frame_cache {
public:
    explicit frame_cache(frame_depot& depot) noexcept : depot_(depot) {}
    frame_cache(const frame_cache&) = delete;
    frame_cache& operator=(const frame_cache&) = delete;
    ~frame_cache();

    /// A block of at least `size` (at most frame_depot::max_block) bytes,
    /// aligned to 16; throws std::bad_alloc.
    void* allocate(std::size_t size) {
        std::size_t cls = frame_depot::class_of(size);
        free_list& loaded = classes_[cls].loaded;
        if (loaded.head != nullptr) return loaded.pop();
        return refill_and_allocate(cls);
    }

    /// Gives back a block of `size` bytes from any cache of the same depot.
    void deallocate(void* block, std::size_t size) noexcept {
        std::size_t cls = frame_depot::class_of(size);
        free_list& loaded = classes_[cls].loaded;
        if (loaded.count < frame_depot::magazine_capacity(cls)) {
            loaded.push(block);
            return;
        }
        make_room_and_deallocate(cls, block);
    }

    /// The magazines by class, for allocate_frame's inline fast path, which
    /// does what allocate and deallocate do when they need no depot.
    frame_magazines* magazines() noexcept { return classes_.data(); }

private:
    void* refill_and_allocate(std::size_t cls);
    void make_room_and_deallocate(std::size_t cls, void* block) noexcept;

    frame_depot& depot_;
    std::array<frame_magazines, frame_depot::class_count> classes_{};
    std::byte* run_next_ = nullptr;
    std::byte* run_end_ = nullptr;
};

}  // namespace rivet::runtime::detail
