#!/bin/bash
# Host B's only test in a two-host boot (scripts/lab/run --peer): it serves
# host A's tests, which run shell commands here with lib.sh's peer.  Each
# connection to port 7000 is one command: its text until the end of the
# input, run with bash; the answer is its output and LAB-PEER-RC=<status>.
# Only on the lab's private link between the two QEMUs.
cat >/lab/peer-run <<'AGENT'
#!/bin/bash
script=$(cat)
bash -c "$script" </dev/null 2>&1
echo "LAB-PEER-RC=$?"
AGENT
chmod 755 /lab/peer-run
printf 'LAB-NOTE host B serves commands on %s:7000\n' "${LAB_ADDR%/*}"
# -t: after A's end of input, wait for the command's output as long as A
# does (socat's default is half a second)
exec socat -t 900 TCP-LISTEN:7000,reuseaddr,fork EXEC:/lab/peer-run
