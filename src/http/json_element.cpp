// write_json: a simdjson DOM element back to text through json_writer.
#include <rivet/http/json.hpp>

namespace rivet::http {

void write_json(json_writer& out, simdjson::dom::element element) {
    using type = simdjson::dom::element_type;
    // value_unsafe(): the type was just checked, so no error is possible.
    switch (element.type()) {
        case type::ARRAY: {
            simdjson::dom::array items = element.get_array().value_unsafe();
            out.begin_array();
            for (simdjson::dom::element item : items) write_json(out, item);
            out.end_array();
            break;
        }
        case type::OBJECT: {
            simdjson::dom::object fields = element.get_object().value_unsafe();
            out.begin_object();
            for (simdjson::dom::key_value_pair field : fields) {
                out.key(field.key);
                write_json(out, field.value);
            }
            out.end_object();
            break;
        }
        case type::STRING:
            out.value(element.get_string().value_unsafe());
            break;
        case type::INT64:
            out.value(element.get_int64().value_unsafe());
            break;
        case type::UINT64:
            out.value(element.get_uint64().value_unsafe());
            break;
        case type::DOUBLE:
            out.value(element.get_double().value_unsafe());
            break;
        case type::BOOL:
            out.value(element.get_bool().value_unsafe());
            break;
        case type::NULL_VALUE:
            out.value(nullptr);
            break;
    }
}

}  // namespace rivet::http
