#include "line_layout.hpp"

#include <cstring>
#include <utility>

#include "time_text.hpp"

namespace rivet::log::detail {
namespace {

bool is_origin(pattern::part p) {
    return p != pattern::part::time && p != pattern::part::message && p != pattern::part::fields;
}

}  // namespace

line_layout::line_layout(pattern p) : pattern_(std::move(p)) {
    for (std::size_t i = 0; i != pattern_.pieces_.size(); ++i) {
        pattern::part what = pattern_.pieces_[i].what;
        if (!is_origin(what)) {
            runs_.push_back({what, i, i + 1});
        } else if (!runs_.empty() && runs_.back().what == pattern::part::literal) {
            runs_.back().last = i + 1;
        } else {
            runs_.push_back({pattern::part::literal, i, i + 1});
        }
    }
}

bool line_layout::same_origin(const record& r) const noexcept {
    auto uses = [this](pattern::part p) {
        return pattern_.uses_[static_cast<std::size_t>(p)] != 0;
    };
    using part = pattern::part;
    return origin_known_ &&
           (!(uses(part::level) || uses(part::level_upper)) || r.level == level_) &&
           (!uses(part::thread) || r.thread_id == thread_id_) &&
           (!uses(part::source) || (r.line == line_ && r.file == file_)) &&
           (!uses(part::task) || r.task == task_) && (!uses(part::logger) || r.logger == logger_) &&
           (!uses(part::function) || r.function == function_);
}

void line_layout::remember_origin(const record& r) {
    level_ = r.level;
    thread_id_ = r.thread_id;
    line_ = r.line;
    task_ = r.task;
    logger_ = r.logger;
    file_ = r.file;
    function_ = r.function;
    origin_text_.clear();
    std::size_t most = pattern_.max_size(r);
    for (run& x : runs_) {
        if (x.what != pattern::part::literal) continue;
        x.begin = origin_text_.size();
        origin_text_.resize(x.begin + most);
        char* end = pattern_.write(r, origin_text_.data() + x.begin, x.first, x.last);
        x.end = static_cast<std::size_t>(end - origin_text_.data());
        origin_text_.resize(x.end);
    }
    origin_known_ = true;
}

void line_layout::append(const record& r, std::string& out) {
    if (!same_origin(r)) {
        origin_known_ = false;  // stays so if remember_origin throws
        remember_origin(r);
    }
    auto uses = [this](pattern::part p) { return pattern_.uses_[static_cast<std::size_t>(p)]; };
    using part = pattern::part;
    // Fields are rare in a pattern: the whole line's bound then.
    std::size_t most = uses(part::fields) != 0
                           ? pattern_.max_size(r)
                           : origin_text_.size() + uses(part::time) * time_text_size +
                                 uses(part::message) * r.message.size();
    std::size_t start = out.size();
    out.resize(start + most);
    char* p = out.data() + start;
    for (const run& x : runs_) {
        switch (x.what) {
            case part::time:
                p = write_time(r.time_ns, ' ', p);
                break;
            case part::message:
                std::memcpy(p, r.message.data(), r.message.size());
                p += r.message.size();
                break;
            case part::fields:
                p = pattern_.write(r, p, x.first, x.last);
                break;
            default:  // the origin's text
                std::memcpy(p, origin_text_.data() + x.begin, x.end - x.begin);
                p += x.end - x.begin;
        }
    }
    out.resize(static_cast<std::size_t>(p - out.data()));
}

}  // namespace rivet::log::detail
