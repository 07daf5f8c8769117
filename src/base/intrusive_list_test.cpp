#include <gtest/gtest.h>

#include <rivet/base/intrusive_list.hpp>
#include <vector>

namespace {

struct item : rivet::base::list_hook {
    explicit item(int v) : value(v) {}
    int value;
};

std::vector<int> values(rivet::base::intrusive_list<item>& list) {
    std::vector<int> out;
    list.for_each([&](item& i) { out.push_back(i.value); });
    return out;
}

TEST(intrusive_list, keeps_insertion_order_and_erases_from_the_middle) {
    item a(1), b(2), c(3);
    rivet::base::intrusive_list<item> list;
    list.push_back(a);
    list.push_back(b);
    list.push_back(c);
    list.erase(b);
    EXPECT_FALSE(b.is_linked());
    EXPECT_EQ(values(list), (std::vector<int>{1, 3}));
    EXPECT_EQ(list.size(), 2u);
    EXPECT_EQ(list.pop_front(), &a);
    EXPECT_EQ(list.pop_front(), &c);
    EXPECT_EQ(list.pop_front(), nullptr);
    EXPECT_TRUE(list.empty());
}

TEST(intrusive_list, splice_back_moves_everything_and_empties_the_source) {
    item a(1), b(2), c(3);
    rivet::base::intrusive_list<item> left, right;
    left.push_back(a);
    right.push_back(b);
    right.push_back(c);
    left.splice_back(right);
    EXPECT_TRUE(right.empty());
    EXPECT_EQ(right.size(), 0u);
    EXPECT_EQ(values(left), (std::vector<int>{1, 2, 3}));
    left.erase(c);
    left.erase(a);
    EXPECT_EQ(values(left), (std::vector<int>{2}));
    left.erase(b);
}

}  // namespace
