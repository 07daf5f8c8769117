// segment_queue: the queue of an unbounded channel, a linked list of
// fixed-size segments under one short lock.
//
// Senders fill the tail segment and link a new one when it is full;
// receivers drain the head segment and unlink it when it is empty. One
// drained segment is kept as a spare for the next one a burst needs, and
// given back when the queue runs empty, so after a burst the channel holds
// what it held before: one segment (none until the first send).
//
// Trade-off: a lock, not a lock-free list. The critical section is a slot
// copy and two index updates; the segment allocation happens outside it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <rivet/base/spinlock.hpp>
#include <rivet/chan/detail/storage.hpp>

namespace rivet::chan::detail {

template <class T>
class segment_queue {
public:
    /// Items per segment: about 1 KiB of them, at least 8.
    static constexpr std::size_t segment_items = std::max<std::size_t>(8, 1024 / sizeof(T));

    segment_queue() = default;
    segment_queue(const segment_queue&) = delete;
    segment_queue& operator=(const segment_queue&) = delete;
    ~segment_queue() {
        while (head_ != nullptr) {
            for (std::size_t i = head_->begin; i != head_->end; ++i) head_->items[i].destroy();
            delete std::exchange(head_, head_->next);
        }
        delete spare_;
    }

    /// Any thread. Moves from `value` only when it returns ok.
    template <class U>
    push_status try_push(U& value) {
        std::unique_ptr<segment> fresh;
        for (;;) {
            {
                std::lock_guard lock(lock_);
                if (closed_) return push_status::closed;
                if (tail_ == nullptr || tail_->end == segment_items) {
                    if (spare_ != nullptr) {
                        link(std::exchange(spare_, nullptr));
                    } else if (fresh) {
                        link(fresh.release());
                    }
                }
                if (tail_ != nullptr && tail_->end != segment_items) {
                    tail_->items[tail_->end].put(std::move(value));
                    ++tail_->end;
                    ++size_;
                    return push_status::ok;
                }
            }
            fresh = std::make_unique<segment>();  // outside the lock
        }
    }

    /// Any thread.
    std::optional<T> try_pop() {
        segment* drained = nullptr;
        segment* idle_spare = nullptr;
        std::optional<T> value;
        {
            std::lock_guard lock(lock_);
            if (size_ == 0) return std::nullopt;
            segment* s = head_;
            value.emplace(s->items[s->begin].take());
            ++s->begin;
            --size_;
            if (s->begin == segment_items) {
                head_ = s->next;
                if (head_ == nullptr) tail_ = nullptr;
                if (spare_ == nullptr && size_ != 0) {
                    s->begin = s->end = 0;
                    s->next = nullptr;
                    spare_ = s;
                } else {
                    drained = s;
                }
            } else if (size_ == 0) {
                s->begin = s->end = 0;  // empty: refill this segment from its start
            }
            if (size_ == 0) idle_spare = std::exchange(spare_, nullptr);
        }
        delete drained;
        delete idle_spare;
        return value;
    }

    [[nodiscard]] std::size_t capacity() const noexcept { return SIZE_MAX; }
    [[nodiscard]] std::size_t size() const noexcept {
        std::lock_guard lock(lock_);
        return size_;
    }

    void close() noexcept {
        std::lock_guard lock(lock_);
        closed_ = true;
    }
    [[nodiscard]] bool closed() const noexcept {
        std::lock_guard lock(lock_);
        return closed_;
    }
    [[nodiscard]] bool ended() const noexcept {
        std::lock_guard lock(lock_);
        return closed_ && size_ == 0;
    }

private:
    struct segment {
        segment* next = nullptr;
        std::size_t begin = 0;  // first item not yet received
        std::size_t end = 0;    // one past the last item sent
        storage<T> items[segment_items];
    };

    void link(segment* s) noexcept {
        if (tail_ == nullptr) {
            head_ = tail_ = s;
        } else {
            tail_->next = s;
            tail_ = s;
        }
    }

    mutable base::spinlock lock_;
    segment* head_ = nullptr;
    segment* tail_ = nullptr;
    segment* spare_ = nullptr;
    std::size_t size_ = 0;
    bool closed_ = false;
};

}  // namespace rivet::chan::detail
