#include <gtest/gtest.h>

#include <rivet/base/intrusive_hlist.hpp>
#include <vector>

namespace {

struct item : rivet::base::hlist_hook {
    explicit item(int v) : value(v) {}
    int value;
};

using list_type = rivet::base::intrusive_hlist<item>;

std::vector<int> values(list_type& list) {
    std::vector<int> out;
    list.for_each([&](item& i) { out.push_back(i.value); });
    return out;
}

TEST(intrusive_hlist, pushes_at_the_front_and_erases_anywhere) {
    item a(1), b(2), c(3);
    list_type list;
    list.push_front(a);
    list.push_front(b);
    list.push_front(c);
    EXPECT_EQ(values(list), (std::vector<int>{3, 2, 1}));
    list_type::erase(b);  // the middle
    EXPECT_FALSE(b.is_linked());
    EXPECT_EQ(values(list), (std::vector<int>{3, 1}));
    list_type::erase(c);  // the first: the head follows
    EXPECT_EQ(values(list), (std::vector<int>{1}));
    list.push_front(b);
    list_type::erase(a);  // the last
    EXPECT_EQ(values(list), (std::vector<int>{2}));
    EXPECT_EQ(list.size(), 1u);
    EXPECT_EQ(list.pop_front(), &b);
    EXPECT_EQ(list.pop_front(), nullptr);
    EXPECT_TRUE(list.empty());
}

TEST(intrusive_hlist, splice_front_keeps_the_order_and_the_back_links) {
    item a(1), b(2), c(3), d(4);
    list_type left, right;
    left.push_front(d);
    left.push_front(c);
    right.push_front(b);
    right.push_front(a);
    left.splice_front(right);
    EXPECT_TRUE(right.empty());
    EXPECT_EQ(values(left), (std::vector<int>{1, 2, 3, 4}));
    // Every element can still unlink itself: its back link was rewritten.
    list_type::erase(c);
    list_type::erase(a);
    EXPECT_EQ(values(left), (std::vector<int>{2, 4}));
    left.splice_front(right);  // an empty source changes nothing
    EXPECT_EQ(values(left), (std::vector<int>{2, 4}));
    list_type::erase(b);
    list_type::erase(d);
    EXPECT_TRUE(left.empty());
    left.push_front(a);
    right.splice_front(left);  // into an empty list
    EXPECT_EQ(values(right), (std::vector<int>{1}));
    EXPECT_EQ(right.pop_front(), &a);
}

}  // namespace
