#include "frame_pool.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <new>
#include <utility>

namespace rivet::runtime::detail {

frame_depot::~frame_depot() {
    for (void* chunk : chunks_) std::free(chunk);
}

void frame_depot::put_full(std::size_t cls, free_list magazine) noexcept {
    std::lock_guard lock(mutex_);
    static_cast<magazine_link*>(magazine.head)->next_magazine = full_[cls];
    full_[cls] = magazine.head;
}

void frame_depot::put_blocks(std::size_t cls, free_list blocks) noexcept {
    std::lock_guard lock(mutex_);
    free_list& partial = partial_[cls];
    while (blocks.head != nullptr) {
        partial.push(blocks.pop());
        if (partial.count == magazine_capacity(cls)) {
            static_cast<magazine_link*>(partial.head)->next_magazine = full_[cls];
            full_[cls] = std::exchange(partial, {}).head;
        }
    }
}

bool frame_depot::take(std::size_t cls, free_list& magazine) noexcept {
    std::lock_guard lock(mutex_);
    if (void* head = full_[cls]) {
        full_[cls] = static_cast<magazine_link*>(head)->next_magazine;
        magazine = {head, magazine_capacity(cls)};
        return true;
    }
    if (partial_[cls].count == 0) return false;
    magazine = std::exchange(partial_[cls], {});
    return true;
}

void frame_depot::take_run(std::byte*& begin, std::byte*& end) {
    {
        std::lock_guard lock(mutex_);
        if (leftover_run* r = leftovers_) {
            leftovers_ = r->next;
            begin = reinterpret_cast<std::byte*>(r);
            end = r->end;
            return;
        }
        if (chunk_next_ == chunk_end_) {
            chunks_.reserve(chunks_.size() + 1);
            // Not advised for transparent huge pages: on the VMs measured here
            // a fresh 2 MiB page is often one the host took back, and faulting
            // it in cost more than 4 KiB faults do (docs/runtime.md, Figures).
            void* chunk = std::aligned_alloc(chunk_bytes, chunk_bytes);
            if (chunk == nullptr) throw std::bad_alloc();
            chunks_.push_back(chunk);
            chunk_next_ = static_cast<std::byte*>(chunk);
            chunk_end_ = chunk_next_ + chunk_bytes;
        }
        begin = chunk_next_;
        end = begin + run_bytes;
        chunk_next_ = end;
    }
    // A fresh run is about to be carved whole: one system call faults in its
    // pages instead of a trap per page (a quarter of a page fault's cost on
    // the VMs measured here, docs/runtime.md). Kernels before 5.14 refuse the
    // advice; the pages then fault in one by one as before.
    int saved_errno = errno;  // an allocation must not leave EINVAL behind
    madvise(begin, run_bytes, MADV_POPULATE_WRITE);
    errno = saved_errno;
}

void frame_depot::put_run(std::byte* begin, std::byte* end) noexcept {
    if (end - begin < static_cast<std::ptrdiff_t>(sizeof(leftover_run))) return;
    std::lock_guard lock(mutex_);
    leftovers_ = new (begin) leftover_run{end, leftovers_};
}

frame_cache::~frame_cache() {
    for (std::size_t cls = 0; cls < frame_depot::class_count; ++cls) {
        frame_magazines& m = classes_[cls];
        if (m.loaded.count != 0) depot_.put_blocks(cls, m.loaded);
        if (m.spare.count != 0) depot_.put_full(cls, m.spare);
    }
    depot_.put_run(run_next_, run_end_);
}

void* frame_cache::refill_and_allocate(std::size_t cls) {
    frame_magazines& m = classes_[cls];
    if (m.spare.count != 0) {
        std::swap(m.loaded, m.spare);
        return m.loaded.pop();
    }
    if (depot_.take(cls, m.loaded)) return m.loaded.pop();
    auto size = static_cast<std::ptrdiff_t>(frame_depot::block_size(cls));
    // A leftover run too short for this block is dropped (it is shorter
    // than the largest block: the waste is bounded).
    while (run_end_ - run_next_ < size) depot_.take_run(run_next_, run_end_);
    // Carve a magazine's worth (or what the run has left) at once, so that a
    // burst of new blocks visits the depot once per magazine, not per block.
    // Linked highest first: they are handed out in address order.
    auto n = std::min<std::ptrdiff_t>((run_end_ - run_next_) / size,
                                      frame_depot::magazine_capacity(cls));
    std::byte* block = std::exchange(run_next_, run_next_ + n * size);
    for (std::ptrdiff_t i = n - 1; i > 0; --i) m.loaded.push(block + i * size);
    return block;
}

void frame_cache::make_room_and_deallocate(std::size_t cls, void* block) noexcept {
    frame_magazines& m = classes_[cls];
    if (m.spare.count != 0) depot_.put_full(cls, m.spare);
    m.spare = std::exchange(m.loaded, {});
    m.loaded.push(block);
}

}  // namespace rivet::runtime::detail
