#include "fd_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rivet::log::detail {

fd_writer::fd_writer(int fd, std::string name) : path_(std::move(name)), fd_(fd), owned_(false) {}

fd_writer::fd_writer(std::string path) : path_(std::move(path)) { open(); }

fd_writer::~fd_writer() {
    write_out();
    if (owned_ && fd_ >= 0) ::close(fd_);
}

void fd_writer::open() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        fail("open", errno);
        return;
    }
    struct stat st {};
    size_ = ::fstat(fd_, &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

void fd_writer::reopen() {
    write_out();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    open();
}

void fd_writer::fail(const char* what, int err) {
    ++errors_;
    if (reported_) return;
    reported_ = true;
    // Once per sink: a full disk would otherwise print a line per record.
    std::fprintf(stderr, "rivet::log: cannot %s '%s': %s (errno %d); further errors are counted\n",
                 what, path_.c_str(), std::strerror(err), err);
}

void fd_writer::append(std::string_view bytes) {
    buffer_.append(bytes);
    maybe_write();
}

void fd_writer::write_out() {
    if (buffer_.empty()) return;
    if (fd_ < 0) {
        ++errors_;  // the open failure was reported; count the lost batch
        buffer_.clear();
        return;
    }
    std::size_t done = 0;
    while (done < buffer_.size()) {
        ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            fail("write", n < 0 ? errno : ENOSPC);
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    size_ += done;
    buffer_.clear();
}

}  // namespace rivet::log::detail
