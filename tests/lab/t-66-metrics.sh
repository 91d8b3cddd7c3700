#!/bin/bash
# /metrics (xlt.conf's metrics_port; build/lab/metrics-overlay brings
# Debian's prometheus, promtool and curl): what xltd serves passes
# promtool; a real Prometheus server scrapes it every 2 s and its rate()
# of a busy guest's CPU agrees with xlt stats and xentop; scrapes that
# come together share one sample; a bearer token (metrics_token_file);
# HTTPS with the remote API's host certificate (metrics_tls); bad
# requests, a flood of idle connections, a token file others may read, a
# bad value in xlt.conf.
. /lab/lib.sh

conf=/etc/xlt/xlt.conf
cp $conf /tmp/xlt.conf.orig 2>/dev/null || : >/tmp/xlt.conf.orig
url=http://127.0.0.1:9101/metrics
log=/var/log/xlt/xltd.log

# serve_with LINE...: xlt.conf as it was plus LINEs, xltd restarted; the
# log's lines from then on in /tmp/m-log
serve_with() {
  cat /tmp/xlt.conf.orig >$conf
  printf '%s\n' "$@" >>$conf
  local n
  n=$(wc -l <$log)
  xltd_restart || return 1
  sleep 1
  tail -n +$((n + 1)) $log >/tmp/m-log
}
# status [CURL-ARG...]: the HTTP status of a request to /metrics
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# samples: the sampler's count, as a scrape shows it
samples() { curl -sf $url | awk '$1 == "xlt_stats_samples_total" { print $2 }'; }

check "xltd serves /metrics on 127.0.0.1 port 9101" \
  serve_with 'metrics_port = 9101' 'metrics_listen = "127.0.0.1"'
check "and says so" grep -q "/metrics on 127.0.0.1 port 9101 (HTTP, no token)" /tmp/m-log

name=pv-prom
cfg=$(lab_config pv-busybox $name)
echo 'extra = "console=hvc0 xlt_busy=1"' >>"$cfg"
check "create $name, busy from its first heartbeat" xlt create "$cfg"
check "its loop runs" wait_for_log "$(guest_log $name)" XLT-GUEST-BUSY 120

check "a scrape: 200, Prometheus's text format" sh -c \
  "curl -sf -D /tmp/m.head -o /tmp/m.txt $url &&
   grep -qi '^content-type: text/plain; version=0.0.4' /tmp/m.head"
check "promtool check metrics finds nothing wrong with it" sh -c \
  "promtool check metrics </tmp/m.txt"
uuid=$(xl list -v $name | awk 'NR == 2 { print $7 }')
check "the guest, by UUID, name and id" grep -qx \
  "xlt_domain_info{uuid=\"$uuid\",name=\"$name\",domid=\"$(xl domid $name)\"} 1" /tmp/m.txt
check "its memory target, 128 MiB" grep -qx \
  "xlt_domain_memory_bytes{uuid=\"$uuid\",name=\"$name\",kind=\"target\"} $((128 << 20))" /tmp/m.txt
check "its vCPU 0's seconds" grep -q \
  "^xlt_domain_vcpu_seconds_total{uuid=\"$uuid\",name=\"$name\",vcpu=\"0\"} [0-9.]*$" /tmp/m.txt
check "the host's CPUs' idle seconds" grep -q \
  '^xlt_host_cpu_idle_seconds_total{cpu="1"} [0-9.]*$' /tmp/m.txt

# ten scrapes at once share one sample (at most two, if one came due)
first=$(samples)
for i in $(seq 10); do curl -sf -o /dev/null $url & done
wait
last=$(samples)
note "samples before and after 10 scrapes at once (+1 to read): $first, $last"
check "ten scrapes at once took at most 2 samples" test $((last - first)) -le 2

# ---- a real Prometheus -----------------------------------------------------
mkdir -p /tmp/prom
cat >/tmp/prom/prometheus.yml <<'EOF'
global: {scrape_interval: 2s, evaluation_interval: 2s}
scrape_configs:
  - job_name: xltd
    static_configs: [{targets: ["127.0.0.1:9101"]}]
EOF
prometheus --config.file=/tmp/prom/prometheus.yml \
  --storage.tsdb.path=/tmp/prom/data --web.listen-address=127.0.0.1:9090 \
  >/tmp/prom/log 2>&1 &
prom_pid=$!
promql() { # QUERY: the first value of its answer
  curl -sf -G http://127.0.0.1:9090/api/v1/query --data-urlencode "query=$1" |
    sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)"\].*/\1/p'
}
check "Prometheus starts" wait_until 120 curl -sf http://127.0.0.1:9090/-/ready
check "and scrapes xltd (up is 1)" wait_until 60 \
  sh -c "curl -sf -G http://127.0.0.1:9090/api/v1/query --data-urlencode 'query=up{job=\"xltd\"}' |
         grep -q '\"1\"\\]'"
sleep 14
rate=$(promql "rate(xlt_domain_cpu_seconds_total{name=\"$name\"}[12s])")
prom_pct=$(awk -v r="${rate:-0}" 'BEGIN { printf "%d", r * 100 }')
ours=$(xlt stats -i 3 --json $name | sed -n 's/^ *"cpu_percent": \([0-9]*\).*/\1/p' | head -n 1)
theirs=$(xentop -b -i 2 -d 3 | awk -v n=$name '$1 == n { c = $4 } END { print int(c) }')
note "CPU of $name: PromQL rate() ${prom_pct}%, xlt stats ${ours}%, xentop ${theirs}%"
check "PromQL's rate is most of a CPU" test "$prom_pct" -gt 50
check "xlt stats agrees within 25 points" \
  test $((prom_pct > ours ? prom_pct - ours : ours - prom_pct)) -lt 25
check "xentop agrees within 25 points" \
  test $((prom_pct > theirs ? prom_pct - theirs : theirs - prom_pct)) -lt 25
check "a create's duration is in the histogram" sh -c \
  "[ \"\$(curl -sf $url | awk '\$1 == \"xlt_operation_duration_seconds_count{operation=\\\"create\\\"}\" { print \$2 }')\" -ge 1 ]"
kill $prom_pid
wait $prom_pid 2>/dev/null

# ---- bad requests, a flood ---------------------------------------------------
check "POST: 405" test "$(status -X POST $url)" = 405
check "another path: 404" test "$(status http://127.0.0.1:9101/nope)" = 404
for i in $(seq 60); do
  (exec 3<>/dev/tcp/127.0.0.1/9101 && sleep 30) 2>/dev/null &
done
sleep 2
check "60 idle connections: xltd still answers its socket" \
  timeout 5 xlt list $name
check "and /metrics again within its 10 s timeout for idle clients" \
  wait_until 25 sh -c "[ \"\$(curl -s -m 3 -o /dev/null -w '%{http_code}' $url)\" = 200 ]"
pkill -f 'sleep 30' 2>/dev/null
wait 2>/dev/null

# ---- a bearer token ----------------------------------------------------------
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$token" >/etc/xlt/metrics.token
chmod 600 /etc/xlt/metrics.token
check "with metrics_token_file" serve_with 'metrics_port = 9101' \
  'metrics_listen = "127.0.0.1"' 'metrics_token_file = "/etc/xlt/metrics.token"'
check "no token: 401" test "$(status $url)" = 401
check "a wrong token: 401" test "$(status -H 'Authorization: Bearer 0123456789abcdef0123' $url)" = 401
check "the token: 200" test "$(status -H "Authorization: Bearer $token" $url)" = 200
chmod 644 /etc/xlt/metrics.token
check "a token file others may read: xltd still runs" serve_with \
  'metrics_port = 9101' 'metrics_listen = "127.0.0.1"' \
  'metrics_token_file = "/etc/xlt/metrics.token"'
check "and says why it serves no /metrics" grep -q \
  "/metrics: its token file /etc/xlt/metrics.token may be read by others (chmod 600 it)" /tmp/m-log
check "nothing listens" sh -c "! curl -s -o /dev/null $url"
check "the rest of xltd works" xlt list $name

# ---- HTTPS ------------------------------------------------------------------
rm -rf /etc/xlt/pki
check "a CA and this host's certificate (127.0.0.1)" sh -c \
  "xlt pki init lab >/dev/null &&
   xlt pki issue host lab-a --alt 127.0.0.1 --out /etc/xlt/pki >/dev/null"
check "with metrics_tls" serve_with 'metrics_port = 9101' \
  'metrics_listen = "127.0.0.1"' 'metrics_tls = 1'
check "says HTTPS" grep -q "/metrics on 127.0.0.1 port 9101 (HTTPS, no token)" /tmp/m-log
check "HTTPS, the CA trusted: 200" \
  test "$(status --cacert /etc/xlt/pki/ca.pem https://127.0.0.1:9101/metrics)" = 200
check_not "plain HTTP to it gets nothing" curl -sf -m 5 -o /dev/null $url

# ---- bad configuration -------------------------------------------------------
printf 'metrics_port = 70000\n' >/tmp/bad-m.conf
check "xltd -n refuses metrics_port = 70000, naming file and line" sh -c \
  "xltd -n -f /tmp/bad-m.conf 2>&1 | grep -qxF \"xltd: /tmp/bad-m.conf:1: metrics_port: \\\`70000' is out of range [0, 65535]\""

xlt destroy $name >/dev/null
cat /tmp/xlt.conf.orig >$conf
xltd_restart
exit 0
