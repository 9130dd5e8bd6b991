#!/usr/bin/env bash
# `make run`: a demo branch on this machine. Creates the demo data on first use, starts the two
# seat phones (auto-answering test phones), the appliance, and logs the two agents in as Ready.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${BRANCHLINE_DATA:-branchline-data}"
SIP_PORT="${SIP_PORT:-5060}"
HTTP_PORT="${HTTP_PORT:-8080}"
BL=(.venv/bin/branchline --data "$DATA")

if [ ! -f "$DATA/branchline.db" ]; then
  "${BL[@]}" init --demo
fi
mkdir -p "$DATA/logs"

pids=()
# Stop everything this script started: ask politely, give the server its 5 s to hang up calls
# with BYE, then kill whatever is still there so that Ctrl-C never leaves the terminal hanging.
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 70); do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    [ ${#alive[@]} -eq 0 ] && return 0
    sleep 0.1
  done
  echo "Did not stop within 7 s, killed: $(ps -o args= -p "${alive[@]}" | tr '\n' ';')" >&2
  kill -9 "${alive[@]}" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# The demo seats' phones: desk-1 at 127.0.0.1:5070 and desk-2 at 127.0.0.1:5080 (see `seat list`).
.venv/bin/branchline phone --listen 127.0.0.1:5070 --user desk1 --tone 440 >"$DATA/logs/phone-desk-1.log" 2>&1 &
pids+=($!)
.venv/bin/branchline phone --listen 127.0.0.1:5080 --user desk2 --tone 660 >"$DATA/logs/phone-desk-2.log" 2>&1 &
pids+=($!)
# desk-9, the team leader's phone: the supervisor page's Listen / Whisper / Barge rings it.
.venv/bin/branchline phone --listen 127.0.0.1:5100 --user desk9 >"$DATA/logs/phone-desk-9.log" 2>&1 &
pids+=($!)
# The stand-in for the bank's core system: the voice menu's balance enquiry asks it.
.venv/bin/branchline demo-bank --listen 127.0.0.1:8091 >"$DATA/logs/demo-bank.log" 2>&1 &
pids+=($!)

"${BL[@]}" serve --sip-port "$SIP_PORT" --http-port "$HTTP_PORT" &
server=$!
pids+=($server)

for _ in $(seq 1 100); do
  if .venv/bin/python -c "import urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:$HTTP_PORT/healthz', timeout=1)" 2>/dev/null; then
    break
  fi
  kill -0 "$server" 2>/dev/null || { echo "The server did not start; see the message above." >&2; exit 1; }
  sleep 0.2
done

if "${BL[@]}" seat list --json | grep -q '"desk-1"'; then
  "${BL[@]}" agent login a1001 --seat desk-1 && "${BL[@]}" agent ready a1001
  "${BL[@]}" agent login a1002 --seat desk-2 && "${BL[@]}" agent ready a1002
fi

cat <<MSG

The demo branch is up.
  Agent desktop: http://127.0.0.1:$HTTP_PORT/desktop/  sign in as (user password):
$(sed 's/^/              /' "$DATA/demo-users.txt" 2>/dev/null || echo "              (no demo users: this data directory predates them; add some with 'branchline user add')")
  Supervisor: http://127.0.0.1:$HTTP_PORT/supervisor/  (as leader; listen in from seat desk-9)
  Team page:  http://127.0.0.1:$HTTP_PORT/team/  (as leader: huddles, KPIs, coaching, recognition, the fund)
  Wallboard:  http://127.0.0.1:$HTTP_PORT/wallboard/
  Health:     curl http://127.0.0.1:$HTTP_PORT/healthz
  Agents:     .venv/bin/branchline --data $DATA agent status
  Call the bank's voice menu (DID 8000) as a VIP customer; press keys by typing "dtmf 1" + Enter:
              .venv/bin/branchline phone --listen 127.0.0.1:5090 --user 55501234 --call sip:8000@127.0.0.1:$SIP_PORT
  Or key ahead: --digits 124000012345678905# is English, balance, card 4000 0123 4567 8905 (open 09:00-17:00
  Beijing time on weekdays; outside those hours the menu offers a callback or voicemail)
  Call DID 100 with the test phone (you hear the welcome prompt, then the agent's tone):
              .venv/bin/branchline phone --listen 127.0.0.1:5090 --user 13800000000 --call sip:100@127.0.0.1:$SIP_PORT --hangup-after 20
  or with SIPp: sipp -sn uac -s 100 -m 1 -i 127.0.0.1 127.0.0.1:$SIP_PORT
  Calls:      .venv/bin/branchline --data $DATA calls
Ctrl-C stops everything.
MSG
wait "$server"
