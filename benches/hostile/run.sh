#!/usr/bin/env bash
# Issue 16's six reproductions against the release binary, each under /usr/bin/time -v:
# wall time, max RSS and the line jury printed. Usage: benches/hostile/run.sh [WORKDIR]
# (needs python3 and a release build: cargo build --release -p jury).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jury="${JURY_BIN:-$root/target/release/jury}"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
export JURY_KEY="hostile sweep organizer passphrase" LANG=en_US.UTF-8
python3 "$here/make_inputs.py" "$work/in"

measure() { # name, command...
  local name="$1"; shift
  /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  local wall rss
  wall=$(grep "Elapsed (wall clock)" "$work/$name.err" | awk '{print $NF}')
  rss=$(grep "Maximum resident set size" "$work/$name.err" | awk '{print $NF}')
  local said
  said=$(grep -v -E "^\s|Command being timed|Command exited" "$work/$name.err" | head -n 3 | cat -v | tr '\n' ' ')
  [ -z "$said" ] && said=$(tail -n 2 "$work/$name.out" | cat -v | tr '\n' ' ')
  printf '%-28s rc=%-3s wall=%-9s maxRSS=%7s KB  %s\n' "$name" "$rc" "$wall" "$rss" "${said:0:160}"
}

fresh() { # a new contest folder
  local c="$work/$1"; rm -rf "$c"
  "$jury" init --template cq-2023-short-video "$c" >/dev/null
  echo "$c"
}

ls -la "$work/in" | awk '{print $5, $9}' | column -t
c=$(fresh c1); measure 1-two-sheet-workbook "$jury" --contest "$c" import works "$work/in/two-sheets.xlsx"
c=$(fresh c2); measure 2a-empty-cells-1.65GB "$jury" --contest "$c" import works "$work/in/empty-cells-1.65GB.xlsx"
c=$(fresh c3); measure 2b-empty-cells-3.3GB "$jury" --contest "$c" import works "$work/in/empty-cells-3.3GB.xlsx"
c=$(fresh c4); measure 3a-shared-string-1GB "$jury" --contest "$c" import works "$work/in/shared-string-1GB.xlsx"
c=$(fresh c5); measure 3b-shared-strings-50M "$jury" --contest "$c" import works "$work/in/shared-strings-50M.xlsx"
c=$(fresh c6); measure 5-escape-title "$jury" --contest "$c" import works "$work/in/escape-title.csv"

# 4 and 6 need issued ballots: works, judges, an assignment, ballots.
c=$(fresh c7)
"$jury" --contest "$c" import works "$work/in/escape-title.csv" >/dev/null
printf '姓名,单位\n王一,甲大学\n李二,乙大学\n张三,丙大学\n赵四,丁大学\n' >"$work/judges.csv"
"$jury" --contest "$c" import judges "$work/judges.csv" >/dev/null
"$jury" --contest "$c" assign --per-work 2 >/dev/null
"$jury" --contest "$c" issue --out "$work/ballots" --allow-noncompliant >/dev/null
sync="$work/sync"; mkdir -p "$sync"
first=$(ls "$work/ballots"/*.ballot | head -n 1)
cp "$first" "$sync/evil"$'\n\e[31mRED\e[0m'".ballot"
measure 4-escape-ballot-name "$jury" --contest "$c" merge "$sync"
measure 4b-log-after "$jury" --contest "$c" log
watchdir="$work/watch"; mkdir -p "$watchdir"
truncate -s 2G "$watchdir/J09-sparse.ballot"
measure 6-sparse-2GB-under-watch timeout -s INT 8 "$jury" --contest "$c" watch "$watchdir"
echo "files and outputs in $work"
