#include <unistd.h>

#include <rivet/log/sink.hpp>

#include "line_sink.hpp"

namespace rivet::log {
namespace {

// ANSI colours by level: trace and debug dim, warn yellow, error red,
// critical bold red.
constexpr std::string_view colours[] = {"\033[2m",  "\033[2m",    "", "\033[33m",
                                        "\033[31m", "\033[1;31m", ""};
constexpr std::string_view reset = "\033[0m";

class console final : public detail::line_sink {
public:
    console(console_stream stream, pattern p, bool colour, line_format format)
        : line_sink(std::move(p), format,
                    stream == console_stream::out ? STDOUT_FILENO : STDERR_FILENO,
                    stream == console_stream::out ? "stdout" : "stderr"),
          colour_(colour && format == line_format::text && ::isatty(out_.fd()) == 1) {}

    void write(const record& r) override {
        std::string_view c = colours[static_cast<int>(r.level) % 7];
        if (!colour_ || c.empty()) {
            line_sink::write(r);
            return;
        }
        std::string& buf = out_.buffer();
        buf += c;
        detail::append_line(r, layout_, format_, buf);
        buf.insert(buf.size() - 1, reset);  // before the newline
        out_.maybe_write();
    }

private:
    bool colour_;
};

}  // namespace

std::shared_ptr<sink> console_sink(console_stream stream, pattern p, bool colour,
                                   line_format format) {
    return std::make_shared<console>(stream, std::move(p), colour, format);
}

std::shared_ptr<sink> file_sink(std::string path, pattern p, line_format format) {
    return std::make_shared<detail::line_sink>(std::move(p), format, std::move(path));
}

}  // namespace rivet::log
