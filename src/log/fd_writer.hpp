// fd_writer: a file descriptor with a write buffer, and the error policy
// every file-backed sink shares: the first failure is reported on stderr
// with the path and errno, every failure is counted, nothing throws.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rivet::log::detail {

class fd_writer {
public:
    /// A descriptor the writer does not own (stdout, stderr).
    fd_writer(int fd, std::string name);
    /// Opens `path` for appending (created 0644); a failure is reported and
    /// counted, and writes then fail (counted) until reopen() succeeds.
    explicit fd_writer(std::string path);
    ~fd_writer();
    fd_writer(const fd_writer&) = delete;
    fd_writer& operator=(const fd_writer&) = delete;

    /// Buffers `bytes`; writes out once the buffer passes 64 KiB.
    void append(std::string_view bytes);
    /// The buffer, to append to in place (call maybe_write() after).
    std::string& buffer() noexcept { return buffer_; }
    void maybe_write() {
        if (buffer_.size() >= 64 * 1024) write_out();
    }
    /// Writes the buffer out (the buffer is emptied even on failure).
    void write_out();
    /// Closes and opens the path again (after a rename: rotation).
    void reopen();

    [[nodiscard]] bool is_open() const noexcept { return fd_ >= 0; }
    [[nodiscard]] int fd() const noexcept { return fd_; }
    /// Bytes in the file: its size at open plus what was written since.
    [[nodiscard]] std::uint64_t file_size() const noexcept { return size_ + buffer_.size(); }
    [[nodiscard]] std::uint64_t errors() const noexcept { return errors_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    void open();
    void fail(const char* what, int err);

    std::string path_;
    int fd_ = -1;
    bool owned_ = true;
    bool reported_ = false;
    std::uint64_t size_ = 0;
    std::uint64_t errors_ = 0;
    std::string buffer_;
};

}  // namespace rivet::log::detail
