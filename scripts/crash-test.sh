#!/usr/bin/env bash
# Crash test: kill -9 builds of a few thousand documents at many moments and check that
# the published folder is always exactly the old site or exactly the new one, and that
# the next build repairs whatever the kill left. Then run two builds at once and check
# the site is complete and the loser got one clear message.
#
#   scripts/crash-test.sh [--policies N] [--kills K] [--dir DIR] [--bin PATH]
#
# DIR (default target/crash-test) must be on a real disk, not tmpfs. --bin tests another
# binary (e.g. one built at an older commit) against the same checks, without building.
set -euo pipefail

policies=2000
kills=40
dir=target/crash-test
bin=
while [ $# -gt 0 ]; do
    case "$1" in
        --policies) policies=$2; shift 2 ;;
        --kills) kills=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

cd "$(dirname "$0")/.."
if [ -z "$bin" ]; then
    cargo build --release --quiet --bin gongkai --example large
    bin=target/release/gongkai
fi
bin=$(realpath "$bin")
large=target/release/examples/large
[ -x "$large" ] || large=target/debug/examples/large
rm -rf "$dir"
mkdir -p "$dir"
dir=$(realpath "$dir")
echo "file system of $dir: $(stat -f -c %T "$dir")"

"$large" --out "$dir/old" --policies "$policies" --seed 1 >/dev/null
"$large" --out "$dir/new" --policies "$policies" --seed 2 >/dev/null

# One line per file: path and checksum. Nothing else (gongkai's lock, leftovers) counts.
manifest() {
    if [ -d "$1" ]; then
        (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum) 2>/dev/null
    fi
}

build() { # site output [env...]
    local site=$1 out=$2
    shift 2
    env "$@" "$bin" build --as-of 2026-11-22 --root "$dir/$site" --output "$out" >/dev/null 2>"$dir/last.err"
}

build old "$dir/ref-old"
build new "$dir/ref-new"
manifest "$dir/ref-old" >"$dir/old.manifest"
manifest "$dir/ref-new" >"$dir/new.manifest"
echo "old site: $(wc -l <"$dir/old.manifest") files; new site: $(wc -l <"$dir/new.manifest") files"

out="$dir/site/public"
mkdir -p "$dir/site"
restore_old() {
    build old "$out" || { echo "FAIL: restoring the old site: $(cat "$dir/last.err")"; exit 1; }
    manifest "$out" | cmp -s - "$dir/old.manifest" || { echo "FAIL: old site not restored"; exit 1; }
}

# How long an old → new build takes, to spread the kills over it.
restore_old
start=$(date +%s%N)
build new "$out"
total_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "old → new build: ${total_ms} ms"

failures=0
declare -A seen=()
check_after_kill() { # label
    local state
    if manifest "$out" | cmp -s - "$dir/old.manifest"; then state=old
    elif manifest "$out" | cmp -s - "$dir/new.manifest"; then state=new
    else state=MIX; failures=$((failures + 1)); fi
    # The next build must finish the job.
    local repaired=ok
    if ! build new "$out" || ! manifest "$out" | cmp -s - "$dir/new.manifest"; then
        repaired=FAILED; failures=$((failures + 1))
    fi
    seen[$state]=$(( ${seen[$state]:-0} + 1 ))
    printf '%-28s → %-3s  next build: %s\n' "$1" "$state" "$repaired"
}

# 1. kill -9 at moments spread over the second half of the build (rendering stages the
#    changed files; the switch is at the very end), plus a few past the expected end.
for i in $(seq 1 "$kills"); do
    restore_old
    delay_ms=$(( total_ms * (40 + 70 * i / kills) / 100 ))
    env "$bin" build --as-of 2026-11-22 --root "$dir/new" --output "$out" >/dev/null 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    check_after_kill "kill -9 at ${delay_ms} ms"
done

# 2. Deterministic kill points inside the write phase (GONGKAI_CRASH_AFTER=N aborts at
#    the N-th write step: staged file, hard link, flush, switch, clean-up).
step=1
while :; do
    restore_old
    if build new "$out" GONGKAI_CRASH_AFTER=$step; then
        echo "step $step: the build finished (past the last write step)"
        break
    fi
    check_after_kill "abort at write step $step"
    step=$(( step < 8 ? step + 1 : step * 2 ))
done

# 3. Two builds at once into one output.
restore_old
"$bin" build --as-of 2026-11-22 --root "$dir/new" --output "$out" >/dev/null 2>"$dir/a.err" &
a=$!
"$bin" build --as-of 2026-11-22 --root "$dir/new" --output "$out" >/dev/null 2>"$dir/b.err" &
b=$!
ra=0; rb=0
wait $a || ra=$?
wait $b || rb=$?
echo "two builds at once: exit codes $ra and $rb"
for r in a b; do
    code=$([ $r = a ] && echo $ra || echo $rb)
    if [ "$code" != 0 ]; then
        echo "  message: $(grep 错误 "$dir/$r.err")"
        grep -q '另一个 gongkai 构建正在写入输出目录' "$dir/$r.err" || { echo "FAIL: unclear message"; failures=$((failures + 1)); }
    fi
done
if [ "$ra" != 0 ] && [ "$rb" != 0 ]; then echo "FAIL: neither build succeeded"; failures=$((failures + 1)); fi
manifest "$out" | cmp -s - "$dir/new.manifest" || { echo "FAIL: site incomplete after two builds"; failures=$((failures + 1)); }

echo
echo "states after kills: $(for k in "${!seen[@]}"; do printf '%s=%s ' "$k" "${seen[$k]}"; done)"
if [ "$failures" -gt 0 ]; then
    echo "FAILED: $failures problem(s)"
    exit 1
fi
echo "PASSED"
