#include <unistd.h>

#include <rivet/log/sink.hpp>

#include "fd_writer.hpp"
#include "line_sink.hpp"

namespace rivet::log {
namespace {

// ANSI colours by level: trace and debug dim, warn yellow, error red,
// critical bold red.
constexpr std::string_view colours[] = {"\033[2m",  "\033[2m",    "", "\033[33m",
                                        "\033[31m", "\033[1;31m", ""};
constexpr std::string_view reset = "\033[0m";

class console final : public sink {
public:
    console(console_stream stream, pattern p, bool colour, line_format format)
        : out_(stream == console_stream::out ? STDOUT_FILENO : STDERR_FILENO,
               stream == console_stream::out ? "stdout" : "stderr"),
          pattern_(std::move(p)),
          format_(format),
          colour_(colour && format == line_format::text && ::isatty(out_.fd()) == 1) {}

    void write(const record& r) override {
        std::string& buf = out_.buffer();
        std::string_view c = colours[static_cast<int>(r.level) % 7];
        bool paint = colour_ && !c.empty();
        if (paint) buf += c;
        detail::append_line(r, pattern_, format_, buf);
        if (paint) buf.insert(buf.size() - 1, reset);  // before the newline
        out_.maybe_write();
    }
    void flush() override { out_.write_out(); }
    [[nodiscard]] std::uint64_t errors() const noexcept override { return out_.errors(); }

private:
    detail::fd_writer out_;
    pattern pattern_;
    line_format format_;
    bool colour_;
};

class file final : public sink {
public:
    file(std::string path, pattern p, line_format format)
        : out_(std::move(path)), pattern_(std::move(p)), format_(format) {}

    void write(const record& r) override {
        detail::append_line(r, pattern_, format_, out_.buffer());
        out_.maybe_write();
    }
    void flush() override { out_.write_out(); }
    [[nodiscard]] std::uint64_t errors() const noexcept override { return out_.errors(); }

private:
    detail::fd_writer out_;
    pattern pattern_;
    line_format format_;
};

}  // namespace

std::shared_ptr<sink> console_sink(console_stream stream, pattern p, bool colour,
                                   line_format format) {
    return std::make_shared<console>(stream, std::move(p), colour, format);
}

std::shared_ptr<sink> file_sink(std::string path, pattern p, line_format format) {
    return std::make_shared<file>(std::move(path), std::move(p), format);
}

}  // namespace rivet::log
