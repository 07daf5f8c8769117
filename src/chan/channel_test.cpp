// Behaviour every channel has, whatever its shape and kind, without waiting.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <rivet/chan/chan.hpp>
#include <string>
#include <type_traits>

namespace chan = rivet::chan;

#if defined(__GLIBCXX__)
constexpr bool defined_glibcxx = true;
#else
constexpr bool defined_glibcxx = false;
#endif

namespace {

template <chan::shape S, bool Unbounded>
struct kind {
    static constexpr chan::shape shape = S;
    static constexpr bool unbounded = Unbounded;

    template <class T>
    static chan::channel_pair<T, S> make(std::size_t capacity) {
        if constexpr (Unbounded) {
            return chan::detail::make_channel<T, S>(0, true);
        } else {
            return chan::detail::make_channel<T, S>(capacity, false);
        }
    }
};

template <class K>
class every_channel : public ::testing::Test {};

using kinds = ::testing::Types<kind<chan::shape::spsc, false>, kind<chan::shape::mpsc, false>,
                               kind<chan::shape::spmc, false>, kind<chan::shape::mpmc, false>,
                               kind<chan::shape::spsc, true>, kind<chan::shape::mpsc, true>,
                               kind<chan::shape::spmc, true>, kind<chan::shape::mpmc, true>>;
TYPED_TEST_SUITE(every_channel, kinds);

template <class K>
class bounded_channel : public ::testing::Test {};
using bounded_kinds =
    ::testing::Types<kind<chan::shape::spsc, false>, kind<chan::shape::mpsc, false>,
                     kind<chan::shape::spmc, false>, kind<chan::shape::mpmc, false>>;
TYPED_TEST_SUITE(bounded_channel, bounded_kinds);

template <class K>
class unbounded_channel : public ::testing::Test {};
using unbounded_kinds =
    ::testing::Types<kind<chan::shape::spsc, true>, kind<chan::shape::mpsc, true>,
                     kind<chan::shape::spmc, true>, kind<chan::shape::mpmc, true>>;
TYPED_TEST_SUITE(unbounded_channel, unbounded_kinds);

TYPED_TEST(every_channel, receives_items_in_the_order_they_were_sent) {
    auto [tx, rx] = TypeParam::template make<int>(1024);
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(tx.try_send(i));
    EXPECT_EQ(rx.size(), 1000u);
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(rx.try_recv(), i);
    EXPECT_EQ(rx.try_recv(), std::nullopt);
}

TYPED_TEST(bounded_channel, refuses_past_its_capacity_and_keeps_the_value) {
    auto [tx, rx] = TypeParam::template make<std::unique_ptr<int>>(4);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(tx.try_send(std::make_unique<int>(i)));
    auto extra = std::make_unique<int>(99);
    EXPECT_FALSE(tx.try_send(std::move(extra)));
    ASSERT_NE(extra, nullptr);  // not moved from
    EXPECT_EQ(*rx.try_recv().value(), 0);
    EXPECT_TRUE(tx.try_send(std::move(extra)));
}

TYPED_TEST(unbounded_channel, takes_a_million_items) {
    auto [tx, rx] = TypeParam::template make<long>(0);
    EXPECT_EQ(tx.capacity(), SIZE_MAX);
    for (long i = 0; i < 1'000'000; ++i) ASSERT_TRUE(tx.try_send(i));
    for (long i = 0; i < 1'000'000; ++i) ASSERT_EQ(rx.try_recv(), i);
    EXPECT_EQ(rx.try_recv(), std::nullopt);
}

TYPED_TEST(every_channel, after_close_receivers_drain_then_see_the_end) {
    auto [tx, rx] = TypeParam::template make<std::string>(8);
    ASSERT_TRUE(tx.try_send(std::string("a")));
    ASSERT_TRUE(tx.try_send(std::string("b")));
    tx.close();
    EXPECT_TRUE(tx.is_closed());
    EXPECT_FALSE(rx.at_end());
    EXPECT_EQ(rx.try_recv(), "a");
    EXPECT_EQ(rx.recv_blocking(), "b");
    EXPECT_TRUE(rx.at_end());
    EXPECT_EQ(rx.recv_blocking(), std::nullopt);
}

TYPED_TEST(every_channel, a_send_to_a_closed_channel_gives_the_value_back) {
    auto [tx, rx] = TypeParam::template make<std::unique_ptr<int>>(8);
    rx.close();
    auto value = std::make_unique<int>(7);
    EXPECT_FALSE(tx.try_send(std::move(value)));
    ASSERT_NE(value, nullptr);
    try {
        tx.send_blocking(std::move(value));
        FAIL() << "send to a closed channel succeeded";
    } catch (const chan::send_error<std::unique_ptr<int>>& e) {
        ASSERT_NE(e.value(), nullptr);
        EXPECT_EQ(*e.value(), 7);
    }
}

TYPED_TEST(every_channel, closes_when_the_last_sender_goes) {
    auto [tx, rx] = TypeParam::template make<int>(8);
    ASSERT_TRUE(tx.try_send(1));
    { auto gone = std::move(tx); }
    EXPECT_EQ(rx.recv_blocking(), 1);
    EXPECT_EQ(rx.recv_blocking(), std::nullopt);
}

TYPED_TEST(every_channel, closes_when_the_last_receiver_goes) {
    auto [tx, rx] = TypeParam::template make<int>(8);
    { auto gone = std::move(rx); }
    EXPECT_TRUE(tx.is_closed());
    EXPECT_FALSE(tx.try_send(1));
}

TYPED_TEST(every_channel, destroys_items_nobody_received) {
    auto item = std::make_shared<int>(1);
    {
        auto [tx, rx] = TypeParam::template make<std::shared_ptr<int>>(8);
        for (int i = 0; i < 5; ++i) ASSERT_TRUE(tx.try_send(item));
        EXPECT_EQ(item.use_count(), 6);
    }
    EXPECT_EQ(item.use_count(), 1);
}

TYPED_TEST(every_channel, the_many_ends_are_copyable_and_the_single_ends_are_not) {
    using tx_t = typename decltype(TypeParam::template make<int>(1))::first_type;
    using rx_t = typename decltype(TypeParam::template make<int>(1))::second_type;
    constexpr auto s = TypeParam::shape;
    EXPECT_EQ(std::is_copy_constructible_v<tx_t>, s == chan::shape::mpsc || s == chan::shape::mpmc);
    EXPECT_EQ(std::is_copy_constructible_v<rx_t>, s == chan::shape::spmc || s == chan::shape::mpmc);
}

TEST(channel, a_copied_sender_keeps_it_open_until_the_last_copy_goes) {
    auto [tx, rx] = chan::mpsc<int>(8);
    auto second = tx;
    { auto gone = std::move(tx); }
    EXPECT_FALSE(rx.at_end());
    ASSERT_TRUE(second.try_send(5));
    { auto gone = std::move(second); }
    EXPECT_EQ(rx.recv_blocking(), 5);
    EXPECT_EQ(rx.recv_blocking(), std::nullopt);
}

TEST(channel, capacity_is_rounded_up_to_a_power_of_two) {
    EXPECT_EQ(chan::spsc<int>(100).first.capacity(), 128u);
    EXPECT_EQ(chan::spsc<int>(1).first.capacity(), 1u);
    EXPECT_EQ(chan::mpmc<int>(1).first.capacity(), 2u);
}

TEST(channel, a_bounded_channel_of_capacity_zero_is_refused) {
    EXPECT_THROW((void)chan::spsc<int>(0), std::invalid_argument);
}

// recv() hands a word-sized scalar on through a vector register (see
// detail::move_out): the layout it relies on is checked here, for each kind
// of scalar, engaged and empty.
template <class T>
void expect_moved_out_whole(T value) {
    std::optional<T> full(value);
    const std::optional<T> out = chan::detail::move_out(full);
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(std::memcmp(&*out, &value, sizeof(T)), 0);
    std::optional<T> empty;
    EXPECT_FALSE(chan::detail::move_out(empty).has_value());
}

TEST(channel, a_received_word_sized_scalar_is_handed_on_bit_for_bit) {
    static_assert(chan::detail::optional_is_two_words<std::uint64_t> || !defined_glibcxx);
    expect_moved_out_whole<std::uint64_t>(0xfedc'ba98'7654'3210u);
    expect_moved_out_whole<std::int64_t>(-1);
    expect_moved_out_whole<double>(-0.0);
    int x = 0;
    expect_moved_out_whole<int*>(&x);
    expect_moved_out_whole<std::uint64_t>(0);  // an engaged zero is not the end
}

TEST(channel, a_received_item_of_another_type_is_moved_on) {
    std::optional<std::string> full("a string longer than the small-string buffer");
    const std::optional<std::string> out = chan::detail::move_out(full);
    EXPECT_EQ(out, "a string longer than the small-string buffer");
    std::optional<std::string> empty;
    EXPECT_FALSE(chan::detail::move_out(empty).has_value());
}

}  // namespace
