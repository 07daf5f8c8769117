// An intrusive list whose head is one pointer (Linux's hlist): for lists
// embedded in objects that exist by the million, where intrusive_list's
// two-pointer head would cost a word each. An element still unlinks itself
// in O(1): its hook points back at whatever points at it (the head or the
// previous element's `next`). The price: no O(1) access to the last
// element, so elements go in at the front and splicing walks the moved list.
//
// Not synchronised, and not owning, as intrusive_list.
#pragma once

#include <cassert>
#include <cstddef>

namespace rivet::base {

/// The links an element embeds (derive from it). An unlinked hook has both null.
struct hlist_hook {
    hlist_hook* next = nullptr;
    hlist_hook** pprev = nullptr;  // the pointer that points at this element

    [[nodiscard]] bool is_linked() const noexcept { return pprev != nullptr; }
};

/// An intrusive list of `T`, which must derive from `hlist_hook`.
template <class T>
class intrusive_hlist {
public:
    intrusive_hlist() noexcept = default;
    intrusive_hlist(const intrusive_hlist&) = delete;
    intrusive_hlist& operator=(const intrusive_hlist&) = delete;

    [[nodiscard]] bool empty() const noexcept { return first_ == nullptr; }

    /// O(n): counts the elements.
    [[nodiscard]] std::size_t size() const noexcept {
        std::size_t n = 0;
        for (const hlist_hook* h = first_; h; h = h->next) ++n;
        return n;
    }

    [[nodiscard]] T* front() noexcept { return static_cast<T*>(first_); }

    void push_front(T& item) noexcept {
        hlist_hook* h = &item;
        assert(!h->is_linked());
        h->next = first_;
        if (first_) first_->pprev = &h->next;
        first_ = h;
        h->pprev = &first_;
    }

    /// Removes and returns the first element, or null when empty.
    T* pop_front() noexcept {
        T* item = front();
        if (item) erase(*item);
        return item;
    }

    /// Unlinks `item`, which must be in this list (or in any hlist: the
    /// element alone knows where it is).
    static void erase(T& item) noexcept {
        hlist_hook* h = &item;
        assert(h->is_linked());
        *h->pprev = h->next;
        if (h->next) h->next->pprev = h->pprev;
        h->next = nullptr;
        h->pprev = nullptr;
    }

    /// Moves every element of `other` to the front of this list, in their
    /// order; walks `other`.
    void splice_front(intrusive_hlist& other) noexcept {
        if (other.empty()) return;
        hlist_hook* last = other.first_;
        while (last->next) last = last->next;
        last->next = first_;
        if (first_) first_->pprev = &last->next;
        first_ = other.first_;
        first_->pprev = &first_;
        other.first_ = nullptr;
    }

    /// Calls `fn(T&)` for each element, front to back; `fn` must not unlink.
    template <class Fn>
    void for_each(Fn&& fn) {
        for (hlist_hook* h = first_; h; h = h->next) fn(*static_cast<T*>(h));
    }

private:
    hlist_hook* first_ = nullptr;
};

}  // namespace rivet::base
