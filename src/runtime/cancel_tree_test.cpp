// The cancellation tree's links under concurrent unlinking, without a runtime.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <rivet/runtime/detail/task_core.hpp>
#include <thread>

namespace rd = rivet::runtime::detail;

namespace {

TEST(cancel_tree, a_group_detaching_while_its_maker_goes_away_touches_no_freed_node) {
    // A task_group destroyed on one thread (detach_cancel) while the task
    // that made it finishes on another (unlink_cancel, then the task is
    // freed): the group must never lock or edit the freed task's node.
    rd::cancel_node root(rd::node_kind::registry);
    std::atomic<int> round{0};
    std::atomic<rd::cancel_node*> maker_of_round{nullptr};
    constexpr int rounds = 20'000;
    std::thread finisher([&] {
        for (int r = 1; r <= rounds; ++r) {
            rd::cancel_node* maker;
            while ((maker = maker_of_round.exchange(nullptr)) == nullptr) {
            }
            round.store(r);
            rd::unlink_cancel(*maker);
            delete maker;
        }
    });
    for (int r = 1; r <= rounds; ++r) {
        auto* maker = new rd::cancel_node(rd::node_kind::task);
        auto group = std::make_unique<rd::cancel_node>(rd::node_kind::group);
        rd::link_cancel(*maker, root);
        rd::link_cancel(*group, *maker);
        maker_of_round.store(maker);
        while (round.load() != r) {
        }
        rd::detach_cancel(*group);
        EXPECT_EQ(group->parent.load(), nullptr);
    }
    finisher.join();
    EXPECT_TRUE(root.children.empty()) << "a group ended up under the registry";
}

}  // namespace
