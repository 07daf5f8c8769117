#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <rivet/http/headers.hpp>
#include <rivet/http/response.hpp>
#include <stdexcept>
#include <system_error>

namespace rivet::http {

namespace {

// A table of the bytes a header name or value may not hold: one load per
// byte, where find_first_of with a set calls memchr for every byte.
struct byte_set {
    std::array<bool, 256> has{};
    constexpr explicit byte_set(std::string_view bytes) {
        for (char c : bytes) has[static_cast<unsigned char>(c)] = true;
    }
    [[nodiscard]] constexpr bool any_in(std::string_view text) const noexcept {
        bool found = false;
        for (char c : text) found |= has[static_cast<unsigned char>(c)];
        return found;
    }
};
constexpr byte_set not_in_name{std::string_view("\r\n\0: \t", 6)};
constexpr byte_set not_in_value{std::string_view("\r\n\0", 3)};

void check_field(std::string_view name, std::string_view value) {
    if (name.empty() || not_in_name.any_in(name)) {
        throw std::invalid_argument(
            "response header name is empty or has CR, LF, NUL, ':' or space");
    }
    if (not_in_value.any_in(value)) {
        throw std::invalid_argument("response header value has CR, LF or NUL");
    }
    // The message's framing is the server's: a second Content-Length or
    // Transfer-Encoding beside its own is what smuggling is made of.
    for (std::string_view framing : {"Content-Length", "Transfer-Encoding", "Connection"}) {
        if (iequals(name, framing)) {
            throw std::invalid_argument(
                "response header " + std::string(framing) +
                " is the server's to set (it frames the body itself; see close_connection())");
        }
    }
}

// Calls fn(line_start, line_end_with_crlf, name) for each stored header line.
template <class Fn>
void for_each_line(const std::string& block, Fn&& fn) {
    std::size_t at = 0;
    while (at < block.size()) {
        std::size_t end = block.find("\r\n", at);
        std::size_t colon = block.find(':', at);
        if (!fn(at, end + 2, std::string_view(block).substr(at, colon - at),
                std::string_view(block).substr(colon + 2, end - colon - 2))) {
            return;
        }
        at = end + 2;
    }
}

}  // namespace

response::~response() { close_file(); }

void response::reset(std::string* body) noexcept {
    status_ = 200;
    headers_.clear();
    body_ = body != nullptr ? body : &own_body_;
    body_->clear();
    close_file();
    close_ = streaming_ = head_only_ = false;
}

void response::close_file() noexcept {
    if (file_fd_ >= 0) ::close(file_fd_);
    file_fd_ = -1;
    file_size_ = 0;
}

void response::add_header(std::string_view name, std::string_view value) {
    check_field(name, value);
    headers_.append(name).append(": ").append(value).append("\r\n");
}

void response::set_header(std::string_view name, std::string_view value) {
    check_field(name, value);
    remove_header(name);
    headers_.append(name).append(": ").append(value).append("\r\n");
}

void response::remove_header(std::string_view name) {
    std::size_t at = 0;
    while (at < headers_.size()) {
        std::size_t end = headers_.find("\r\n", at) + 2;
        std::size_t colon = headers_.find(':', at);
        if (iequals(std::string_view(headers_).substr(at, colon - at), name)) {
            headers_.erase(at, end - at);
        } else {
            at = end;
        }
    }
}

std::optional<std::string_view> response::header(std::string_view name) const noexcept {
    std::optional<std::string_view> found;
    for_each_line(headers_, [&](std::size_t, std::size_t, std::string_view n, std::string_view v) {
        if (!iequals(n, name)) return true;
        found = v;
        return false;
    });
    return found;
}

void response::set_body(std::string_view body, std::string_view content_type) {
    if (body_ == nullptr) body_ = &own_body_;
    body_->assign(body);
    set_header("Content-Type", content_type);
}

void response::set_body(std::span<const std::byte> body, std::string_view content_type) {
    set_body(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()),
             content_type);
}

json_writer response::json() {
    if (body_ == nullptr) body_ = &own_body_;
    body_->clear();
    set_header("Content-Type", "application/json");
    return json_writer(*body_);
}

void response::send_file(const std::string& path, std::string_view content_type) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path);
    struct stat st {};
    if (::fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int err = errno != 0 ? errno : EISDIR;
        ::close(fd);
        throw std::system_error(err, std::generic_category(), "send_file " + path);
    }
    close_file();
    file_fd_ = fd;
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    if (body_ != nullptr) body_->clear();
    set_header("Content-Type", content_type);
}

runtime::task<void> response::write(std::string_view data) {
    if (sink_ == nullptr) throw std::logic_error("response::write outside a connection");
    co_await sink_->write_chunk(*this, data);
}

}  // namespace rivet::http
