#include <stdio.h>

#include <rivet/log/sink.hpp>

#include "fd_writer.hpp"
#include "line_sink.hpp"
#include "tick_clock.hpp"
#include "time_text.hpp"

namespace rivet::log {
namespace {

// Rotation renames path.(k-1) to path.k down to path to path.1; the file
// beyond `keep` is removed first. A failed rename is not reported: the next
// open (of `path`) is what matters, and fd_writer reports that.
class rotating final : public sink {
public:
    rotating(std::string path, rotation when, pattern p, line_format format)
        : out_(path),
          path_(std::move(path)),
          when_(when),
          layout_(std::move(p)),
          format_(format),
          day_(detail::utc_day(detail::realtime_ns())) {}

    void write(const record& r) override {
        line_.clear();
        detail::append_line(r, layout_, format_, line_);
        bool new_day = when_.daily && detail::utc_day(r.time_ns) != day_;
        bool too_big = when_.max_bytes != 0 && out_.file_size() > 0 &&
                       out_.file_size() + line_.size() > when_.max_bytes;
        if (new_day || too_big) rotate();
        if (when_.daily) day_ = detail::utc_day(r.time_ns);
        out_.append(line_);
    }
    void flush() override { out_.write_out(); }
    [[nodiscard]] std::uint64_t errors() const noexcept override { return out_.errors(); }

private:
    std::string numbered(unsigned k) const { return path_ + "." + std::to_string(k); }

    void rotate() {
        out_.write_out();
        if (when_.keep == 0) {
            ::remove(path_.c_str());
        } else {
            ::remove(numbered(when_.keep).c_str());
            for (unsigned k = when_.keep; k > 1; --k) {
                ::rename(numbered(k - 1).c_str(), numbered(k).c_str());
            }
            ::rename(path_.c_str(), numbered(1).c_str());
        }
        out_.reopen();
    }

    detail::fd_writer out_;
    std::string path_;
    rotation when_;
    detail::line_layout layout_;
    line_format format_;
    std::int64_t day_;
    std::string line_;
};

}  // namespace

std::shared_ptr<sink> rotating_file_sink(std::string path, rotation when, pattern p,
                                         line_format format) {
    return std::make_shared<rotating>(std::move(path), when, std::move(p), format);
}

}  // namespace rivet::log
