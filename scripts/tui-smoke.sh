#!/bin/sh
# tui-smoke.sh drives the real binary in tmux on a demo book: it filters for
# wkz, opens 王科长, logs a touch and quits, then checks with crm touches
# --json that the touch is in the book. Skips when tmux is missing.
set -eu
if ! command -v tmux >/dev/null 2>&1; then
	echo "tui-smoke: skipped: tmux is not installed"
	exit 0
fi
dir=$(mktemp -d)
# A tmux server of its own, so that no other session or server can disturb it.
sock="crm-smoke-$$"
t() { tmux -L "$sock" "$@"; }
trap 't kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
go build -o "$dir/crm" ./cmd/crm
export CRM_NOW=2026-11-22T09:00:00+08:00 TZ=Asia/Shanghai
"$dir/crm" demo --db "$dir/book.db" >/dev/null 2>&1
t new-session -d -s crm-smoke -x 120 -y 40 \
	"CRM_NOW=$CRM_NOW TZ=$TZ $dir/crm --db $dir/book.db tui; echo exit=\$? >$dir/status"
# wait_for TEXT: poll the pane until it shows TEXT (5 s at most).
wait_for() {
	i=0
	until t capture-pane -p -t crm-smoke | grep -q "$1"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "tui-smoke: never saw '$1'"; t capture-pane -p -t crm-smoke; exit 1; }
		sleep 0.05
	done
}
wait_for 'sort: name'
sleep 0.2 # the first frame can precede the input reader
t send-keys -t crm-smoke -l /wkz
wait_for '1 of 40'
t send-keys -t crm-smoke Enter
wait_for 'Timeline'
t send-keys -t crm-smoke l
wait_for 'Log a touch'
t send-keys -t crm-smoke -l 'smoke test visit'
t send-keys -t crm-smoke C-s
wait_for 'logged visit'
t send-keys -t crm-smoke q
i=0
until [ -f "$dir/status" ]; do i=$((i + 1)); [ $i -lt 100 ] || { echo "tui-smoke: did not quit"; exit 1; }; sleep 0.05; done
grep -q 'exit=0' "$dir/status" || { echo "tui-smoke: $(cat "$dir/status")"; exit 1; }
"$dir/crm" --db "$dir/book.db" touches --json | grep -q '"summary":"smoke test visit"' ||
	{ echo "tui-smoke: the touch is not in the book"; exit 1; }
echo "tui-smoke: ok"
