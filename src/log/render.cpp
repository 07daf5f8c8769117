#include "render.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <memory>
#include <rivet/log/field.hpp>
#include <rivet/log/logger.hpp>
#include <rivet/runtime/task_local.hpp>

namespace rivet::log::detail {

std::mutex& sink_lock() noexcept {
    static std::mutex* lock = new std::mutex;  // never destroyed: used during exit
    return *lock;
}

std::uint32_t current_thread_id() noexcept {
    thread_local auto id = static_cast<std::uint32_t>(::syscall(SYS_gettid));
    return id;
}

namespace {

void write_to_sinks(const logger& lg, const record& r) noexcept {
    for (const auto& s : lg.sinks()) {
        try {
            s->write(r);
        } catch (...) {
            // A sink that throws (out of memory) loses this line, not the process.
            lg.count_drop();
        }
    }
}

}  // namespace

void renderer::write(const record_header& h, const std::byte* args,
                     std::uint32_t thread_id) noexcept {
    // Taking the reference back first: it is released however this ends.
    runtime::local_context context = runtime::local_context::adopt(h.context);
    call_.clear();
    context_.clear();
    fields_.clear();
    try {
        h.decode(h.format, args, call_);
    } catch (...) {
        // decode_call catches formatter errors; only allocation failure is left.
        h.from->count_drop();
        return;
    }
    try {
        if (const auto* ctx = context.find(context_key); ctx && *ctx) {
            for (const auto& [k, v] : **ctx) context_.push_back({k, v, json_kind::string});
        }
        for (const auto& f : call_.fields) {
            fields_.push_back(
                {f.key, std::string_view(call_.values.data() + f.begin, f.end - f.begin), f.kind});
        }
    } catch (...) {
        h.from->count_drop();
        return;
    }
    record r;
    r.time_ns = clock_.to_ns(h.ticks);
    r.level = h.level;
    r.thread_id = thread_id;
    r.task = h.task ? std::string_view(h.task) : std::string_view();
    r.logger = h.from->name();
    r.file = last_file_.view(h.where.file_name());
    r.line = h.where.line();
    r.function = last_function_.view(h.where.function_name());
    r.message = std::string_view(call_.message.data(), call_.message.size());
    r.context = context_;
    r.fields = fields_;
    write_to_sinks(*h.from, r);
}

void renderer::write_note(const logger& lg, level l, std::string_view message) noexcept {
    record r;
    r.time_ns = realtime_ns();
    r.level = l;
    r.thread_id = current_thread_id();
    r.logger = lg.name();
    r.file = "rivet/log";
    r.function = "";
    r.message = message;
    write_to_sinks(lg, r);
}

}  // namespace rivet::log::detail
