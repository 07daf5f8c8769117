#include "timer_heap.hpp"

#include <mutex>

namespace rivet::runtime::detail {

void timer_heap::arm(timer_entry& e) {
    std::lock_guard lock(lock_);
    e.heap = this;
    heap_.push_back(&e);
    e.index = heap_.size() - 1;
    sift_up(e.index);
}

bool timer_heap::disarm(timer_entry& e) noexcept {
    std::lock_guard lock(lock_);
    if (e.index == timer_entry::not_armed) return false;
    remove_at(e.index);
    return true;
}

std::size_t timer_heap::fire_expired(clock::time_point now) noexcept {
    std::lock_guard lock(lock_);
    std::size_t fired = 0;
    while (!heap_.empty() && heap_.front()->deadline <= now) {
        timer_entry* e = heap_.front();
        remove_at(0);
        e->fire(*e);
        ++fired;
    }
    return fired;
}

std::optional<clock::time_point> timer_heap::next_deadline() noexcept {
    std::lock_guard lock(lock_);
    if (heap_.empty()) return std::nullopt;
    return heap_.front()->deadline;
}

std::size_t timer_heap::size() noexcept {
    std::lock_guard lock(lock_);
    return heap_.size();
}

void timer_heap::remove_at(std::size_t i) noexcept {
    timer_entry* removed = heap_[i];
    timer_entry* last = heap_.back();
    heap_.pop_back();
    removed->index = timer_entry::not_armed;
    if (removed == last) return;
    place(i, last);
    sift_up(i);
    sift_down(last->index);
}

void timer_heap::sift_up(std::size_t i) noexcept {
    timer_entry* e = heap_[i];
    while (i > 0) {
        std::size_t parent = (i - 1) / 2;
        if (heap_[parent]->deadline <= e->deadline) break;
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, e);
}

void timer_heap::sift_down(std::size_t i) noexcept {
    timer_entry* e = heap_[i];
    std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && heap_[child + 1]->deadline < heap_[child]->deadline) ++child;
        if (e->deadline <= heap_[child]->deadline) break;
        place(i, heap_[child]);
        i = child;
    }
    place(i, e);
}

}  // namespace rivet::runtime::detail
