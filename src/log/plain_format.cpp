#include <rivet/log/detail/plain_format.hpp>

namespace rivet::log::detail {

void plain_layouts::fill(plain_layout& slot, std::string_view format) noexcept {
    slot.format = format.data();
    slot.size = format.size();
    slot.plain = false;
    slot.fields = 0;
    for (std::size_t i = 0; i < format.size(); ++i) {
        char c = format[i];
        if (c != '{' && c != '}') continue;
        // "}" alone, "{{", "{:x}", "{0}": fmt's business.
        if (c == '}' || i + 1 == format.size() || format[i + 1] != '}' ||
            slot.fields == plain_layout::max_fields) {
            return;
        }
        slot.field_at[slot.fields++] = static_cast<std::uint32_t>(i);
        ++i;
    }
    slot.plain = true;
}

}  // namespace rivet::log::detail
