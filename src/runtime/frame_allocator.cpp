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

// Sizes are rounded up to 16 bytes (malloc's own granule); frames above max_cached_size are rare
// (huge locals) and go straight to malloc. Plain malloc alignment (16) is
// enough for a frame; aligned allocation costs far more in glibc.
constexpr std::size_t granule = 16;
constexpr std::size_t max_cached_size = 2048;
constexpr std::size_t class_count = max_cached_size / granule;
// Each thread caches up to 4 MiB of frames per size class: enough to absorb a
// burst of tens of thousands of tasks without touching malloc, while a thread
// that only frees cannot grow without bound.
constexpr std::size_t max_cached_bytes_per_class = 4 << 20;

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
                ::operator delete(head);
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
            return ::operator new((c + 1) * granule);
        }
    }
    return ::operator new(size);
}

void deallocate_frame(void* frame, std::size_t size) noexcept {
    if constexpr (RIVET_FRAME_CACHE) {
        if (size <= max_cached_size) {
            std::size_t c = class_of(size);
            if (cache.counts[c] < max_cached_bytes_per_class / ((c + 1) * granule)) {
                auto* b = static_cast<free_block*>(frame);
                b->next = cache.heads[c];
                cache.heads[c] = b;
                ++cache.counts[c];
                return;
            }
        }
    }
    ::operator delete(frame);
}

}  // namespace rivet::runtime::detail
