# Sourced by a suite's run.sh, which sets $raw (the raw measurements file).
#
#   record CASE IMPL PARAMS UNIT COMMAND...
#
# runs COMMAND (which prints one number), appends "CASE IMPL PARAMS UNIT
# value" to $raw for results.py, and prints the line.
record() {
    local case=$1 impl=$2 params=$3 unit=$4
    shift 4
    local value
    value=$("$@")
    echo "$case $impl $params $unit $value" >> "$raw"
    printf '  %-16s %-18s %-24s %12s %s\n' "$case" "$impl" "$params" "$value" "$unit"
}
