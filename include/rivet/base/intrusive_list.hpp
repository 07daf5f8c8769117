// A doubly linked intrusive list: the element carries its own links, so
// linking and unlinking never allocate and an element removes itself in O(1).
//
// The list does not own its elements and is not synchronised: the caller
// holds whatever lock protects it. It keeps no count (two pointers in all:
// lists are embedded in every task), so size() walks the list.
#pragma once

#include <cassert>
#include <cstddef>

namespace rivet::base {

/// The links an element embeds (derive from it, or hold it as a member and
/// pass a member pointer). An unlinked hook has both pointers null.
struct list_hook {
    list_hook* prev = nullptr;
    list_hook* next = nullptr;

    [[nodiscard]] bool is_linked() const noexcept { return next != nullptr; }
};

/// An intrusive list of `T`, which must derive from `list_hook`.
template <class T>
class intrusive_list {
public:
    intrusive_list() noexcept { head_.prev = head_.next = &head_; }
    intrusive_list(const intrusive_list&) = delete;
    intrusive_list& operator=(const intrusive_list&) = delete;

    [[nodiscard]] bool empty() const noexcept { return head_.next == &head_; }
    /// O(n): counts the elements.
    [[nodiscard]] std::size_t size() const noexcept {
        std::size_t n = 0;
        for (const list_hook* h = head_.next; h != &head_; h = h->next) ++n;
        return n;
    }

    void push_back(T& item) noexcept { insert_before(&head_, &item); }
    void push_front(T& item) noexcept { insert_before(head_.next, &item); }

    [[nodiscard]] T* front() noexcept { return empty() ? nullptr : static_cast<T*>(head_.next); }

    /// Removes and returns the first element, or null when empty.
    T* pop_front() noexcept {
        if (empty()) return nullptr;
        list_hook* h = head_.next;
        erase(*static_cast<T*>(h));
        return static_cast<T*>(h);
    }

    /// Unlinks `item`, which must be in this list.
    void erase(T& item) noexcept {
        list_hook* h = &item;
        assert(h->is_linked());
        h->prev->next = h->next;
        h->next->prev = h->prev;
        h->prev = h->next = nullptr;
    }

    /// Moves every element of `other` to the back of this list.
    void splice_back(intrusive_list& other) noexcept {
        if (other.empty()) return;
        list_hook* first = other.head_.next;
        list_hook* last = other.head_.prev;
        first->prev = head_.prev;
        head_.prev->next = first;
        last->next = &head_;
        head_.prev = last;
        other.head_.prev = other.head_.next = &other.head_;
    }

    /// Calls `fn(T&)` for each element, front to back; `fn` must not unlink.
    template <class Fn>
    void for_each(Fn&& fn) {
        for (list_hook* h = head_.next; h != &head_; h = h->next) fn(*static_cast<T*>(h));
    }

private:
    void insert_before(list_hook* pos, list_hook* h) noexcept {
        assert(!h->is_linked());
        h->next = pos;
        h->prev = pos->prev;
        pos->prev->next = h;
        pos->prev = h;
    }

    list_hook head_;
};

}  // namespace rivet::base
