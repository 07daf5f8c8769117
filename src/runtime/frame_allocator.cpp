#include <cstdlib>
#include <new>
#include <rivet/runtime/detail/frame_allocator.hpp>

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
namespace {

// Frames are rounded up to 64 bytes (a cache line, so two frames never share
// one); frames above max_cached_size are rare (huge locals) and go to malloc.
constexpr std::size_t granule = 64;
constexpr std::size_t max_cached_size = 2048;
constexpr std::size_t class_count = max_cached_size / granule;
// Enough to absorb a burst of a few thousand tasks per class without letting a
// thread that only frees grow without bound (at most 4096 * 2 KiB per class).
constexpr std::size_t max_cached_per_class = 4096;

struct free_block {
    free_block* next;
};

struct frame_cache {
    free_block* heads[class_count] = {};
    std::size_t counts[class_count] = {};

    ~frame_cache() {
        for (free_block* head : heads) {
            while (head != nullptr) {
                free_block* next = head->next;
                ::operator delete (head, std::align_val_t{granule});
                head = next;
            }
        }
    }
};

thread_local frame_cache cache;

std::size_t class_of(std::size_t size) { return (size + granule - 1) / granule - 1; }

}  // namespace

void* allocate_frame(std::size_t size) {
    if constexpr (RIVET_FRAME_CACHE) {
        if (size <= max_cached_size) {
            std::size_t c = class_of(size);
            if (free_block* b = cache.heads[c]) {
                cache.heads[c] = b->next;
                --cache.counts[c];
                return b;
            }
            return ::operator new ((c + 1) * granule, std::align_val_t{granule});
        }
    }
    return ::operator new (size, std::align_val_t{granule});
}

void deallocate_frame(void* frame, std::size_t size) noexcept {
    if constexpr (RIVET_FRAME_CACHE) {
        if (size <= max_cached_size) {
            std::size_t c = class_of(size);
            if (cache.counts[c] < max_cached_per_class) {
                auto* b = static_cast<free_block*>(frame);
                b->next = cache.heads[c];
                cache.heads[c] = b;
                ++cache.counts[c];
                return;
            }
        }
    }
    ::operator delete (frame, std::align_val_t{granule});
}

}  // namespace rivet::runtime::detail
