#include <new>
#include <rivet/runtime/detail/frame_allocator.hpp>

#include "frame_pool.hpp"

namespace rivet::runtime::detail {

constinit thread_local frame_magazines* thread_frame_magazines = nullptr;

namespace {

// Never destroyed: a frame may be freed by a static destructor, or by a
// thread that outlives main's return.
frame_depot& shared_depot() {
    static auto* depot = new frame_depot;
    return *depot;
}

// This thread's cache, or null before its first allocation and once it is
// gone. A plain pointer: reading it costs no thread_local guard check.
constinit thread_local frame_cache* this_cache = nullptr;
// Set as this thread's cache goes away: frames allocated or freed later in
// the thread's exit (by another thread_local's destructor) bypass it.
constinit thread_local bool cache_gone = false;

struct thread_frames {
    frame_cache cache{shared_depot()};
    thread_frames() noexcept {
        this_cache = &cache;
        thread_frame_magazines = cache.magazines();
    }
    ~thread_frames() {  // runs before `cache` is destroyed
        this_cache = nullptr;
        thread_frame_magazines = nullptr;
        cache_gone = true;
    }
};

[[gnu::noinline]] frame_cache* first_use() noexcept {
    if (!cache_gone) {
        thread_local thread_frames frames;
    }
    return this_cache;
}

frame_cache* thread_cache() noexcept { return this_cache != nullptr ? this_cache : first_use(); }

}  // namespace

void* allocate_frame_slow(std::size_t size) {
    if constexpr (RIVET_FRAME_CACHE) {
        if (size <= frame_depot::max_block) {
            if (frame_cache* c = thread_cache()) return c->allocate(size);
            // Freed into the depot later: it must be a whole block.
            return ::operator new(frame_depot::block_size(frame_depot::class_of(size)));
        }
    }
    return ::operator new(size);
}

void deallocate_frame_slow(void* frame, std::size_t size) noexcept {
    if constexpr (RIVET_FRAME_CACHE) {
        if (size <= frame_depot::max_block) {
            if (frame_cache* c = thread_cache()) {
                c->deallocate(frame, size);
            } else {
                free_list one;
                one.push(frame);
                shared_depot().put_blocks(frame_depot::class_of(size), one);
            }
            return;
        }
    }
    ::operator delete(frame);
}

}  // namespace rivet::runtime::detail
