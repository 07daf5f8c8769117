#include <arpa/inet.h>

#include <cstring>
#include <rivet/runtime/tcp.hpp>
#include <stdexcept>
#include <string>

namespace rivet::runtime {

socket_address socket_address::from_ip(std::string_view ip, std::uint16_t port) {
    socket_address a;
    std::string text(ip);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
    if (::inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        a.length_ = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        a.length_ = sizeof(sockaddr_in6);
    } else {
        throw std::invalid_argument("not a numeric IP address: '" + text + "'");
    }
    return a;
}

socket_address socket_address::parse(std::string_view text) {
    auto bad = [&] {
        return std::invalid_argument("not an address of the form host:port or [v6]:port: '" +
                                     std::string(text) + "'");
    };
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == text.size()) throw bad();
    std::string_view host = text.substr(0, colon);
    std::string_view port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    unsigned long port = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9') throw bad();
        port = port * 10 + static_cast<unsigned long>(c - '0');
        if (port > 65535) throw bad();
    }
    try {
        return from_ip(host, static_cast<std::uint16_t>(port));
    } catch (const std::invalid_argument&) {
        throw bad();
    }
}

socket_address socket_address::from_sockaddr(const sockaddr* addr, socklen_t length) {
    socket_address a;
    if (length > sizeof a.storage_) length = sizeof a.storage_;
    std::memcpy(&a.storage_, addr, length);
    a.length_ = length;
    return a;
}

std::uint16_t socket_address::port() const noexcept {
    if (storage_.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    }
    if (storage_.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    }
    return 0;
}

std::string socket_address::to_string() const {
    char ip[INET6_ADDRSTRLEN] = {};
    std::string out;
    if (storage_.ss_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, ip,
                    sizeof ip);
        out.append(ip);
    } else if (storage_.ss_family == AF_INET6) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, ip,
                    sizeof ip);
        out.append("[").append(ip).append("]");
    } else {
        return "(no address)";
    }
    out.append(":").append(std::to_string(port()));
    return out;
}

}  // namespace rivet::runtime
