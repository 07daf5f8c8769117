// A tiny test-and-test-and-set lock for critical sections of a few
// instructions (linking a node into a list, swapping a waiter pointer).
//
// Prefer std::mutex for anything that may run longer: a spinlock never parks,
// so a holder that is preempted makes every waiter burn its time slice. After
// a short busy spin, waiters yield the CPU to keep that cost bounded.
#pragma once

#include <atomic>
#include <thread>

namespace rivet::base {

/// Pauses the CPU inside a spin loop, easing the pressure on the core's sibling.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

/// A non-recursive lock meeting the Lockable requirements (usable with std::lock_guard).
class spinlock {
public:
    void lock() noexcept {
        for (int spins = 0;; ++spins) {
            if (!locked_.exchange(true, std::memory_order_acquire)) return;
            while (locked_.load(std::memory_order_relaxed)) {
                if (spins++ < 64) {
                    cpu_relax();
                } else {
                    std::this_thread::yield();
                }
            }
        }
    }

    bool try_lock() noexcept {
        return !locked_.load(std::memory_order_relaxed) &&
               !locked_.exchange(true, std::memory_order_acquire);
    }

    void unlock() noexcept { locked_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> locked_{false};
};

}  // namespace rivet::base
