#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsgctl end to end, in the VM with secmsg.ko loaded (as root):
#   tools/vm-run -- bash selftests/secmsgctl_test.sh
# Every command and option, the error paths and their messages, JSON
# output checked against what the test set up, monitor, --netns,
# encrypt | decrypt.  Output: TAP (plan at the end).  The module is
# unloaded once (missing-module test) and loaded again from kmod/secmsg.ko.

cd "$(dirname "$0")/.." || exit 1
CTL=${SECMSGCTL:-$PWD/tools/secmsgctl/secmsgctl}
MODULE=${SECMSG_MODULE:-$PWD/kmod/secmsg.ko}
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3
JSONCHK=$PWD/selftests/secmsgctl/jsoncheck.py

T=$(mktemp -d /tmp/secmsgctl-test.XXXXXX) || exit 1
NS=secmsgctl-t1
MONPID=
cleanup() {
	[[ -n $MONPID ]] && kill "$MONPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	if ! grep -q '^secmsg ' /proc/modules; then
		insmod "$MODULE" 2>/dev/null
	fi
	rm -rf "$T"
}
trap cleanup EXIT

n=0
failed=0
NL=$'\n'
# ok STATUS DESCRIPTION
ok() {
	n=$((n + 1))
	if [[ $1 == 0 ]]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		if [[ -n ${rc+x} ]]; then
			echo "# last command: status $rc"
			[[ -n $out ]] && sed 's/^/#   out: /' <<<"${out:0:2000}"
			[[ -n $err ]] && sed 's/^/#   err: /' <<<"${err:0:2000}"
		fi
	fi
	return "$1"
}
# t DESCRIPTION COMMAND...: a test passing when COMMAND succeeds
t() {
	local d=$1
	shift
	"$@"
	ok $? "$d"
}
# run ARGS...: secmsgctl ARGS with stdout in $out, stderr in $err, $rc
run() {
	out=$("$CTL" "$@" 2>"$T/stderr")
	rc=$?
	err=$(<"$T/stderr")
}
# runin FILE ARGS...: the same with stdin from FILE, stdout kept in $T/out
runin() {
	local in=$1
	shift
	"$CTL" "$@" <"$in" >"$T/out" 2>"$T/stderr"
	rc=$?
	out=
	err=$(<"$T/stderr")
}
# cnt: count the last one-shot operation that reached the kernel
cnt() {
	if [[ $rc == 0 ]]; then ncrypt=$((ncrypt + 1)); else nbad=$((nbad + 1)); fi
}
# json EXPR: evaluate a Python expression over the JSON document in $out
# (bound to d); passes when it is true
json() {
	"$PY" "$JSONCHK" "$1" <<<"$out"
}
rc_is() { [[ $rc == "$1" ]]; }
err_has() { [[ $err == *"$1"* ]]; }
out_has() { [[ $out == *"$1"* ]]; }
one_line_err() { [[ -n $err && $(wc -l <<<"$err") == 1 ]]; }
fails_with() { # STATUS TEXT
	rc_is "$1" && err_has "$2" && one_line_err
}
is_id() { [[ $1 =~ ^[0-9a-f]{16}$ ]]; }

# ---------------------------------------------------------------- setup
echo "# ${SECONDS}s: setup"
umask 077
head -c 32 /dev/urandom >"$T/k.raw"
od -An -tx1 -v "$T/k.raw" | tr -d ' \n' >"$T/k.hex"
echo >>"$T/k.hex"
base64 -w0 "$T/k.raw" >"$T/k.b64"
echo >>"$T/k.b64"
echo "not*base64!at+all/AAAAAAAAAAAAAAAAAAAAAAAAA=" >"$T/bad.b64"
head -c 32 /dev/urandom | base64 -w0 | cut -c1-40 >"$T/short.b64"
printf '%063d' 0 >"$T/bad.hex"
echo "g" >>"$T/bad.hex"
printf '%064d\n' 0 >"$T/zero.hex"
cp "$T/k.raw" "$T/k.open"
chmod 0644 "$T/k.open"

# ---------------------------------------------------------------- basics
echo "# ${SECONDS}s: basics"
run -V
t "-V prints the version" eval 'rc_is 0 && out_has "secmsgctl "'
run --version
t "--version" rc_is 0
run -h
t "-h prints usage on stdout" eval 'rc_is 0 && out_has "usage: secmsgctl" && out_has "session"'
run help
t "help object" eval 'rc_is 0 && out_has "usage: secmsgctl"'
run
t "no object: usage error" eval 'rc_is 2 && err_has "usage: secmsgctl"'
run frobnicate
t "unknown object: status 2 and the candidates" \
	eval 'fails_with 2 "unknown object \"frobnicate\"" && err_has "session, monitor, stats"'
run --bogus session list
t "unknown option" eval 'fails_with 2 "unknown option"'
run session sxyz
t "unknown session command" eval 'fails_with 2 "unknown session command"'
run session s 1
t "ambiguous prefix rejected with the candidates" \
	eval 'fails_with 2 "ambiguous session command \"s\": could be show, set"'
run session help
t "session help" eval 'rc_is 0 && out_has "session new user USER"'
for o in monitor stats encrypt identity user; do
	run "$o" help
	t "$o help" eval 'rc_is 0 && out_has "usage:"'
done

# ---------------------------------------------------------------- sessions
echo "# ${SECONDS}s: sessions"
run session list
t "session list with no sessions: header only" \
	eval 'rc_is 0 && [[ $(wc -l <<<"$out") == 1 ]] && out_has "ID" && out_has "EXPIRES"'
run -j session list
t "-j session list with no sessions: []" eval 'rc_is 0 && json "d == []"'

run session new user alice alg aes_256_gcm key-file "$T/k.raw" \
	rotate-interval 600 max-messages 1000 timeout 1h idle-timeout 1200 grace 30
A=$out
t "session new prints a 16-hex-digit id" eval 'rc_is 0 && is_id "$A" && [[ -z $err ]]'

run -j session show "$A"
t "-j session show: user, alg, state, epoch, flags" json \
	"d['id'] == '$A' and d['user'] == 'alice' and d['alg'] == 'aes_256_gcm' and d['state'] == 'active' and d['epoch'] == 0 and d['flags'] == []"
t "-j session show: policy as given" json \
	"d['policy'] == {'rotate_interval': 600, 'max_messages': 1000, 'timeout': 3600, 'idle_timeout': 1200, 'grace': 30}"
t "-j session show: all counters zero" json \
	"sorted(d['counters']) == sorted(['tx_messages','tx_bytes','rx_messages','rx_bytes','auth_failures','replays','rotations','stale_epoch']) and set(d['counters'].values()) == {0}"
t "-j session show: times" json \
	"abs(d['created'] - __import__('time').time()) < 120 and d['last_used'] >= d['created'] and abs(d['expires'] - min(d['created'] + 3600, d['last_used'] + 1200)) <= 1 and abs(d['rekey_at'] - d['created'] - 600) <= 1"

run session show "$A"
t "session show: fields one per line" eval \
	'rc_is 0 && [[ $out =~ (^|$NL)"id "+$A ]] && [[ $out =~ "user "+alice ]] && [[ $out =~ "algorithm "+aes_256_gcm ]] && [[ $out =~ "state "+active ]] && [[ $out =~ "epoch "+0 ]]'
t "session show: policy with human units" eval \
	'[[ $out =~ "rotate-interval "+"600s (10m)" ]] && [[ $out =~ "max-messages "+"1000 (1.0K)" ]] && [[ $out =~ "timeout "+"3600s (1h)" ]] && [[ $out =~ "idle-timeout "+"1200s (20m)" ]] && [[ $out =~ "grace "+"30s"$NL ]]'
t "session show: times local and relative" eval \
	'[[ $out =~ "created "+[0-9]{4}-[0-9]{2}-[0-9]{2}" "[0-9:]{8}" "[-+][0-9]{4}" ("[0-9a-z]+" ago)" ]] && [[ $out =~ "expires "+[-0-9:\ +]+" (in "(19m|20m) ]] && [[ $out =~ "rekey-at "+[-0-9:\ +]+" (in "(9m|10m) ]]'
run -e session show "$A"
t "-e session show: exact numbers" eval \
	'rc_is 0 && [[ $out =~ "rotate-interval "+"600"$NL ]] && [[ $out =~ "created "+[0-9]{9,} ]]'
run sess sh "$A"
t "prefixes: sess sh ID" eval 'rc_is 0 && out_has "alice"'
run s show "0x${A#00}"
t "session id with 0x and fewer digits" eval 'rc_is 0 && out_has "alice"'

run session new user bob alg chacha20_poly1305 key-file "$T/k.hex"
B=$out
t "session new with a hex key file" eval 'rc_is 0 && is_id "$B"'
run session new user carol.c@example-1 alg twofish key-file "$T/k.b64"
C=$out
t "session new with a base64 key file and an abbreviated algorithm" \
	eval 'rc_is 0 && is_id "$C"'
run -j session show "$C"
t "twofish_cbc session, default policy" json \
	"d['alg'] == 'twofish_cbc' and d['user'] == 'carol.c@example-1' and d['policy'] == {'rotate_interval': 3600, 'max_messages': 1048576, 'timeout': 86400, 'idle_timeout': 3600, 'grace': 10}"

run s l
t "s l = session list: header and three rows" eval \
	'rc_is 0 && [[ $(wc -l <<<"$out") == 4 ]] && [[ $(head -n1 <<<"$out") =~ ^ID\ +USER\ +ALG\ +STATE\ +EPOCH\ +TX-MSGS\ +TX-BYTES\ +RX-MSGS\ +RX-BYTES\ +AUTH-FAIL\ +REPLAYS\ +AGE\ +IDLE\ +EXPIRES$ ]]'
t "session list row of alice" eval \
	'[[ $out =~ $A" "+alice" "+aes_256_gcm" "+active" "+0" "+0" "+0B" "+0" "+0B" "+0" "+0" "+[0-9a-z]+" "+[0-9a-z]+" "+(19m|20m) ]]'
t "session list is in ascending id order" eval \
	'[[ $(tail -n +2 <<<"$out" | cut -c1-16) == $(printf "%s\n" "$A" "$B" "$C" | sort) ]]'
run session
t "session alone lists" eval 'rc_is 0 && [[ $(wc -l <<<"$out") == 4 ]]'
run -e session list
t "-e session list: exact seconds" eval \
	'rc_is 0 && [[ $(grep "^$A" <<<"$out") =~ " "[0-9]+" "+[0-9]+" "+1[12][0-9][0-9]$ ]]'
run -j session list
t "-j session list: the three sessions" json \
	"sorted(s['id'] for s in d) == sorted(['$A', '$B', '$C']) and [s['user'] for s in d if s['id'] == '$B'] == ['bob']"
run -p session list
t "-p session list: indented valid JSON" eval \
	'rc_is 0 && json "len(d) == 3" && [[ $(wc -l <<<"$out") -gt 10 ]]'
run -jp session show "$A"
t "-jp session show" eval 'rc_is 0 && json "d[\"user\"] == \"alice\""'

# rotate / set
run session rotate "$A"
t "session rotate prints the new epoch" eval 'rc_is 0 && [[ $out == "$A epoch 1" ]]'
run -j session rotate "$A"
t "-j session rotate: epoch 2, two rotations" json \
	"d['epoch'] == 2 and d['counters']['rotations'] == 2"
run session set "$A" alg chacha timeout 7200 max-messages 2Ki grace 1m
t "session set: alg and policy, silent" eval 'rc_is 0 && [[ -z $out && -z $err ]]'
run -j session show "$A"
t "session set took effect (alg switch rotates)" json \
	"d['alg'] == 'chacha20_poly1305' and d['epoch'] == 3 and d['policy'] == {'rotate_interval': 600, 'max_messages': 2048, 'timeout': 7200, 'idle_timeout': 1200, 'grace': 60}"
run -j session set "$A" rotate-interval 0 idle-timeout 0
t "-j session set: rotation and idle timeout disabled" json \
	"d['policy']['rotate_interval'] == 0 and d['policy']['idle_timeout'] == 0 and d['rekey_at'] is None"
run session show "$A"
t "session show: disabled values" eval \
	'[[ $out =~ "rotate-interval "+"0 (disabled)" ]] && [[ $out =~ "rekey-at "+disabled ]]'
run session set "$A" grace 601
t "session set grace 601: kernel refuses, with its message" eval 'rc_is 1 && one_line_err && err_has "session $A: "'
run session set "$A" max-messages 281474976710657
t "session set max-messages above 2^48: kernel message" eval 'fails_with 1 "max_messages above 2^48"'
run session set "$A"
t "session set with nothing to set" eval 'fails_with 2 "nothing to set"'
run session set "$A" timeout soon
t "session set bad duration" eval 'fails_with 2 "invalid timeout \"soon\""'
run session set "$A" t 86399 i 3599
t "session set argument prefixes (t = timeout, i = idle-timeout)" eval 'rc_is 0'
run -j session show "$A"
t "... took effect" json "d['policy']['timeout'] == 86399 and d['policy']['idle_timeout'] == 3599"

# errors
U=00000000deadbeef
[[ $U == "$A" || $U == "$B" || $U == "$C" ]] && U=00000000deadbee0
for c in show del rotate; do
	run session $c "$U"
	t "session $c of an unknown session: no such session" \
		eval 'fails_with 1 "session $U: no such session"'
done
run session set "$U" timeout 5
t "session set of an unknown session" eval 'fails_with 1 "no such session"'
run session show xyz
t "bad session id" eval 'fails_with 2 "invalid session id \"xyz\""'
run session show 0
t "session id 0 rejected" eval 'fails_with 2 "invalid session id"'
run session show
t "session show without id" eval 'fails_with 2 "missing session ID"'
run session show "$A" extra
t "session show with an extra argument" eval 'fails_with 2 "unexpected argument \"extra\""'
run session new user dave alg rot13 key-file "$T/k.raw"
t "unknown algorithm: the valid names listed" eval \
	'fails_with 2 "unknown algorithm \"rot13\" (valid: aes_256_gcm, chacha20_poly1305, twofish_cbc)"'
run session new user dave alg aes key-file "$T/bad.b64"
t "bad base64 key file" eval 'fails_with 1 "bad base64"'
run session new user dave alg aes key-file "$T/short.b64"
t "base64 key file of the wrong length" eval 'fails_with 1 "bad base64: wrong length"'
run session new user dave alg aes key-file "$T/bad.hex"
t "bad hex key file" eval 'fails_with 1 "bad hex"'
run session new user dave alg aes key-file "$T/missing"
t "missing key file" eval 'fails_with 1 "No such file or directory"'
run session new user .dave alg aes key-file "$T/k.raw"
t "invalid user id" eval 'fails_with 2 "invalid user \".dave\""'
run session new user dave key-file "$T/k.raw"
t "session new without alg" eval 'fails_with 2 "needs user USER, alg ALG and key-file FILE"'
run session new user dave alg aes key-file
t "keyword without its value" eval 'fails_with 2 "\"key-file\" needs a value"'
run session new user dave alg aes key-file "$T/k.open"
D=$out
t "group/other-readable key file: warning, still works" \
	eval 'rc_is 0 && is_id "$D" && err_has "warning: key file $T/k.open is readable by group or others"'
run session new user dave alg aes key-file "$T/zero.hex" owned-not
t "unknown session new argument" eval 'fails_with 2 "unknown session new argument \"owned-not\""'
run session del "$D"
t "session del: silent" eval 'rc_is 0 && [[ -z $out && -z $err ]]'
run session show "$D"
t "deleted session is gone" eval 'fails_with 1 "no such session"'
run -j session new user erin alg aes key-file "$T/k.raw"
E=$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$out")
t "-j session new: the session object" eval 'rc_is 0 && is_id "$E" && json "d[\"user\"] == \"erin\""'
run -j session del "$E"
t "-j session del" eval "rc_is 0 && json \"d == {'id': '$E', 'deleted': True}\""

# owned: lives as long as the process
"$CTL" session new user owner alg aes key-file "$T/k.raw" owned >"$T/owned" 2>&1 &
opid=$!
for _ in $(seq 100); do [[ -s $T/owned ]] && break; sleep 0.1; done
O=$(<"$T/owned")
run -j session show "$O"
t "owned session exists while secmsgctl runs, flag owned" json "d['flags'] == ['owned']"
kill -TERM "$opid"
wait "$opid"
orc=$?
run session show "$O"
t "owned session deleted when secmsgctl exits (status $orc)" eval '[[ $orc == 0 ]] && fails_with 1 "no such session"'

# ---------------------------------------------------------------- stats
echo "# ${SECONDS}s: stats"
run stats
t "stats text" eval 'rc_is 0 && [[ $out =~ (^|$NL)"sessions "+3$NL ]] && out_has "crypt-ops" && out_has "fail-auth-failed"'
run -j stats
t "-j stats: sessions and per-algorithm counts" json \
	"d['sessions'] == 3 and d['sessions_active'] == 3 and d['sessions_pending'] == 0 and d['sessions_aes_256_gcm'] == 0 and d['sessions_chacha20_poly1305'] == 2 and d['sessions_twofish_cbc'] == 1"
t "-j stats: all members" json \
	"len(d) == 19 + 14 and all(isinstance(v, int) for v in d.values())"
t "-j stats: a count per failure reason, named by the reason" json \
	"all(k in d for k in ('fail_no_session', 'fail_auth_failed', 'fail_replayed', 'fail_epoch_rotated_away', 'fail_internal'))"
created0=$("$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["created"], d["deleted"], d["rotations"], d["crypt_ops"])' <<<"$out")
read -r cr0 de0 ro0 co0 <<<"$created0"
run st
t "st = stats" eval 'rc_is 0 && out_has "sessions"'

# ---------------------------------------------------------------- encrypt / decrypt
echo "# ${SECONDS}s: encrypt / decrypt"
head -c 1000 /dev/urandom >"$T/p1000"
: >"$T/p0"
head -c 65280 /dev/urandom >"$T/pmax"
head -c 65281 /dev/urandom >"$T/pbig"
ncrypt=0 # successful one-shot operations
nbad=0   # failed in the kernel
for alg in aes_256_gcm chacha20_poly1305 twofish_cbc; do
	if [[ $alg == twofish_cbc ]]; then nl=16 tag=32; else nl=12 tag=16; fi
	for p in p0 p1000 pmax; do
		runin "$T/$p" encrypt alg $alg key-file "$T/k.raw" aad 0102ff
		cnt
		cp "$T/out" "$T/ct"
		runin "$T/ct" decrypt alg $alg key-file "$T/k.raw" aad 0102ff
		cnt
		t "$alg: encrypt | decrypt round trip, $p" eval 'rc_is 0 && cmp -s "$T/out" "$T/$p"'
	done
	sz=$(stat -c %s "$T/ct")
	if [[ $alg == twofish_cbc ]]; then
		want=$((nl + (65280 / 16 + 1) * 16 + tag))
	else
		want=$((nl + 65280 + tag))
	fi
	t "$alg: layout nonce || ciphertext || tag ($sz bytes)" [ "$sz" = "$want" ]
	runin "$T/p1000" encrypt alg $alg key-file "$T/k.raw"
	cnt
	cp "$T/out" "$T/ct1"
	runin "$T/p1000" encrypt alg $alg key-file "$T/k.raw"
	cnt
	t "$alg: random nonces differ" eval '! cmp -s "$T/out" "$T/ct1"'
	nonce=$(head -c $nl /dev/urandom | od -An -tx1 -v | tr -d ' \n')
	runin "$T/p1000" encrypt alg $alg key-file "$T/k.raw" nonce "$nonce"
	cnt
	cp "$T/out" "$T/ct1"
	runin "$T/p1000" encrypt alg $alg key-file "$T/k.hex" nonce "$nonce"
	cnt
	t "$alg: given nonce: deterministic, written first, same key in hex" eval \
		'rc_is 0 && cmp -s "$T/out" "$T/ct1" && [[ $(head -c $nl "$T/ct1" | od -An -tx1 -v | tr -d " \n") == "$nonce" ]]'
	runin "$T/ct1" decrypt alg $alg key-file "$T/k.b64" nonce "$nonce"
	cnt
	t "$alg: decrypt with the matching nonce (key in base64)" eval 'rc_is 0 && cmp -s "$T/out" "$T/p1000"'
	runin "$T/ct1" decrypt alg $alg key-file "$T/k.raw" nonce "$(printf '%0*d' $((2 * nl)) 0)"
	t "$alg: decrypt with a different nonce given: refused" eval 'rc_is 1 && err_has "nonce differs" && [[ ! -s $T/out ]]'
	# tamper with one ciphertext byte
	cp "$T/ct1" "$T/bad"
	b=$(od -An -tu1 -j $((nl + 5)) -N1 "$T/bad" | tr -d ' ')
	printf "\\x$(printf %02x $((b ^ 1)))" |
		dd of="$T/bad" bs=1 seek=$((nl + 5)) conv=notrunc status=none
	runin "$T/bad" decrypt alg $alg key-file "$T/k.raw"
	cnt
	t "$alg: tampered ciphertext: decrypt fails, stdout empty" eval \
		'fails_with 1 "authentication failed" && [[ ! -s $T/out ]]'
	runin "$T/ct1" decrypt alg $alg key-file "$T/k.raw" aad 00
	cnt
	t "$alg: wrong aad: decrypt fails, stdout empty" eval 'rc_is 1 && [[ ! -s $T/out ]]'
	runin "$T/ct1" decrypt alg $alg key-file "$T/zero.hex"
	cnt
	t "$alg: wrong key: decrypt fails, stdout empty" eval 'rc_is 1 && [[ ! -s $T/out ]]'
	runin "$T/pbig" encrypt alg $alg key-file "$T/k.raw"
	t "$alg: plaintext above 65280 bytes rejected" eval \
		'fails_with 1 "input too large: at most 65280 bytes" && [[ ! -s $T/out ]]'
	head -c $((nl + tag - 1)) "$T/ct1" >"$T/short"
	runin "$T/short" decrypt alg $alg key-file "$T/k.raw"
	t "$alg: decrypt of a too short input" eval 'fails_with 1 "input too short" && [[ ! -s $T/out ]]'
	runin "$T/p0" encrypt alg $alg key-file "$T/k.raw" nonce 0011
	t "$alg: nonce of the wrong length" eval "fails_with 2 'nonce must be $nl bytes'"
done
runin "$T/p0" encrypt alg aes key-file "$T/k.raw" aad zz
t "bad hex in aad" eval 'fails_with 2 "bad hex in aad"'
head -c 1025 /dev/zero | od -An -tx1 -v | tr -d ' \n' >"$T/bigaad"
runin "$T/p0" encrypt alg aes key-file "$T/k.raw" aad "$(<"$T/bigaad")"
t "aad above 1024 bytes" eval 'fails_with 2 "aad too long"'
runin "$T/p0" encrypt alg aes key-file "$T/bad.b64"
t "encrypt with a bad base64 key file" eval 'fails_with 1 "bad base64" && [[ ! -s $T/out ]]'
runin "$T/p0" encrypt alg nope key-file "$T/k.raw"
t "encrypt with an unknown algorithm" eval 'fails_with 2 "valid: aes_256_gcm, chacha20_poly1305, twofish_cbc"'
runin "$T/p0" encrypt key-file "$T/k.raw"
t "encrypt without alg" eval 'fails_with 2 "needs alg ALG and key-file FILE"'
runin "$T/p0" encrypt a aes key-file "$T/k.raw"
t "encrypt: ambiguous a (alg, aad)" eval 'fails_with 2 "could be alg, aad"'
"$CTL" e al aes k "$T/k.raw" <"$T/p1000" | "$CTL" d al AES-256-GCM k "$T/k.raw" >"$T/out"
ncrypt=$((ncrypt + 2))
t "prefixes: e al aes k FILE | d al AES-256-GCM k FILE" cmp -s "$T/out" "$T/p1000"
run -j stats
t "stats: crypt_ops counted the one-shot operations ($ncrypt, $nbad failed)" json \
	"d['crypt_ops'] - $co0 in ($ncrypt, $ncrypt + $nbad)"
run -j session show "$B"
t "session counters untouched by one-shot operations" json \
	"set(d['counters'].values()) == {0} and d['last_used'] == d['created']"

# ---------------------------------------------------------------- identity / user
echo "# ${SECONDS}s: identity / user"
# x25519_pub PRIVFILE: the X25519 public key of a raw private key, by openssl
x25519_pub() {
	{ printf '302e020100300506032b656e04220420' | xxd -r -p; cat "$1"; } |
		openssl pkey -inform DER -pubout -outform DER 2>/dev/null |
		tail -c 32 | base64 -w0
}
run identity show
t "identity show without an identity: hint" eval 'fails_with 1 "identity show: no identity in this namespace"'
run identity generate
G=$out
t "identity generate prints a base64 public key" eval 'rc_is 0 && [[ $G =~ ^[A-Za-z0-9+/]{43}=$ ]]'
run i sh
t "i sh = identity show: the generated key" eval 'rc_is 0 && [[ $out == "$G" ]]'
run -j identity show
t "-j identity show" json "d == {'public_key': '$G'}"
run identity set key-file "$T/k.b64"
S=$out
t "identity set key-file: public key printed" eval 'rc_is 0 && [[ $S =~ ^[A-Za-z0-9+/]{43}=$ && $S != "$G" && -z $err ]]'
if command -v openssl >/dev/null && [[ -n $(x25519_pub "$T/k.raw") ]]; then
	t "identity set: the public key is X25519 of the file's key (openssl)" \
		[ "$S" = "$(x25519_pub "$T/k.raw")" ]
fi
run -j identity set key-file "$T/k.hex"
t "-j identity set, same key in hex: same public key" json "d == {'public_key': '$S'}"
run identity show
t "identity show after set" eval 'rc_is 0 && [[ $out == "$S" ]]'
run identity set key-file "$T/k.open"
t "identity set: key file readable by others draws the warning" \
	eval 'rc_is 0 && err_has "warning: key file $T/k.open is readable by group or others"'
run identity set key-file "$T/bad.b64"
t "identity set: bad base64 key file" eval 'fails_with 1 "bad base64"'
run identity set
t "identity set without key-file" eval 'fails_with 2 "needs key-file FILE"'
run identity set key-file
t "identity set key-file without FILE" eval 'fails_with 2 "needs a value"'
run identity frob
t "identity: unknown command" eval 'fails_with 2 "unknown identity command"'
run identity show extra
t "identity show: extra argument" eval 'fails_with 2 "unexpected argument"'

head -c 32 /dev/urandom >"$T/u1.priv"
head -c 32 /dev/urandom >"$T/u2.priv"
if command -v openssl >/dev/null && [[ -n $(x25519_pub "$T/u1.priv") ]]; then
	U1=$(x25519_pub "$T/u1.priv")
	U2=$(x25519_pub "$T/u2.priv")
else # a canonical public key: bit 255 clear
	U1=$({ head -c 31 /dev/urandom; printf '\x11'; } | base64 -w0)
	U2=$({ head -c 31 /dev/urandom; printf '\x22'; } | base64 -w0)
fi
echo "$U1" >"$T/u1.pub"
chmod 0644 "$T/u1.pub"
run user list
t "user list with no users: header only" eval 'rc_is 0 && [[ $out =~ ^USER\ +PUBLIC-KEY\ +LAST-HANDSHAKE$ ]]'
run -j user list
t "-j user list with no users: []" json "d == []"
run user add alice key-file "$T/u1.pub"
t "user add key-file (public key: no warning)" eval 'rc_is 0 && [[ -z $out && -z $err ]]'
U2HEX=$(base64 -d <<<"$U2" | od -An -tx1 -v | tr -d ' \n')
run -j user add bob public-key "$U2HEX"
t "-j user add public-key HEX" json "d == {'user': 'bob', 'added': True}"
run user add alice public-key "$U2"
t "user add of an existing user" eval 'fails_with 1 "user alice: user exists (delete it first)"'
run user add carol public-key "not-a-key"
t "user add public-key not a key" eval 'fails_with 2 "public-key \"not-a-key\""'
run user add carol
t "user add without a key" eval 'fails_with 2 "needs key-file FILE or public-key KEY"'
run user add .carol public-key "$U2"
t "user add with an invalid user id" eval 'fails_with 2 "invalid user \".carol\""'
run user add carol public-key "$({ head -c 31 /dev/zero; printf '\xff'; } | base64 -w0)"
t "user add with a non-canonical public key: kernel message" eval 'fails_with 1 "non-canonical"'
run user list
t "user list: two users with their keys" eval \
	'rc_is 0 && [[ $(wc -l <<<"$out") == 3 ]] && [[ $out =~ alice\ +${U1//+/\\+}\ +never ]] && [[ $out =~ bob\ +${U2//+/\\+}\ +never ]]'
run -j user list
t "-j user list" json "sorted((u['user'], u['public_key'], u['last_handshake']) for u in d) == [('alice', '$U1', None), ('bob', '$U2', None)]"
run user show bob
t "user show" eval 'rc_is 0 && [[ $out =~ "user "+bob ]] && [[ $out =~ "public-key "+${U2//+/\\+} ]] && [[ $out =~ "last-handshake "+never ]]'
run -j user show alice
t "-j user show" json "d == {'user': 'alice', 'public_key': '$U1', 'last_handshake': None}"
run user show nobody
t "user show of an unknown user" eval 'fails_with 1 "user nobody: no such user"'
run user del bob
t "user del" eval 'rc_is 0 && [[ -z $out ]]'
run user del bob
t "user del of an unknown user" eval 'fails_with 1 "no such user"'
run -j u del alice
t "-j u del = user del" json "d == {'user': 'alice', 'deleted': True}"
run -j user list
t "users all deleted" json "d == []"
run user frob
t "user: unknown command" eval 'fails_with 2 "unknown user command"'

# slot node: this node's identity, named, and the peer nodes it pins
run identity show slot node
t "identity show slot node without one" eval 'rc_is 1 && err_has "no node identity" && one_line_err'
run identity generate slot node
t "identity generate slot node needs a name" eval 'fails_with 2 "needs name NODE"'
run identity generate slot node name .node
t "identity generate slot node: invalid name" eval 'fails_with 2 "invalid node name"'
run identity generate slot node name node-a
N=$(sed -n 's/^public-key  *//p' <<<"$out")
t "identity generate slot node name NODE: the name and the key" \
	eval 'rc_is 0 && [[ $out =~ "node "+node-a ]] && [[ $N =~ ^[A-Za-z0-9+/]{43}=$ ]]'
run -j identity show slot node
t "-j identity show slot node" json "d == {'node': 'node-a', 'public_key': '$N'}"
run identity show
t "the server identity is another one" eval 'rc_is 0 && [[ $out =~ ^[A-Za-z0-9+/]{43}=$ && $out != "$N" ]]'
run identity generate name node-a
t "a name only with slot node" eval 'fails_with 2 "a name is only for"'
run identity show slot frob
t "identity: unknown slot" eval 'rc_is 2'
run user add node-b public-key "$U1" slot node
t "user add slot node" eval 'rc_is 0 && [[ -z $out && -z $err ]]'
run user add node-b public-key "$U2" slot node
t "user add slot node of an existing node" eval 'fails_with 1 "node exists"'
run user list slot node
t "user list slot node: the peer nodes" eval \
	'rc_is 0 && [[ $(wc -l <<<"$out") == 2 ]] && [[ $out =~ ^NODE\ + ]] && [[ $out =~ node-b\ +${U1//+/\\+}\ +never ]]'
run -j user list
t "the users are another registry" json "d == []"
run -j user show node-b slot node
t "-j user show slot node" json "d['public_key'] == '$U1'"
run user del node-b slot node
t "user del slot node" eval 'rc_is 0 && [[ -z $out ]]'
run user del node-b slot node
t "user del slot node of an unknown node" eval 'fails_with 1 "no such node"'

# ---------------------------------------------------------------- monitor
echo "# ${SECONDS}s: monitor"
"$CTL" monitor >"$T/mon" 2>"$T/mon.err" &
MONPID=$!
"$CTL" -j monitor >"$T/monj" 2>"$T/monj.err" &
MONJPID=$!
# wait until both monitors are listening: a probe session shows up in both
# (probes made before they joined the group go unseen: try again)
probes=()
for _ in $(seq 30); do
	run session new user probe alg aes key-file "$T/k.raw"
	P=$out
	probes+=("$P")
	for _ in $(seq 20); do
		grep -q "id=$P" "$T/mon" && grep -q "$P" "$T/monj" && break 2
		sleep 0.1
	done
	"$CTL" session del "$P"
done
"$CTL" session del "$P"
t "monitor is listening (after ${#probes[@]} probes)" \
	grep -q "created id=$P user=probe alg=aes_256_gcm epoch=0" "$T/mon"
probe_re=$(IFS='|'; echo "${probes[*]}")

# the scripted lifetime
run session new user mon1 alg chacha key-file "$T/k.raw" timeout 2
M1=$out
"$CTL" session rotate "$M1" >/dev/null
run session new user mon2 alg twofish key-file "$T/k.raw"
M2=$out
"$CTL" session set "$M2" alg aes >/dev/null
"$CTL" session del "$M2"
"$CTL" session new user mon3 alg aes key-file "$T/k.raw" owned >"$T/owned3" &
opid=$!
for _ in $(seq 100); do [[ -s $T/owned3 ]] && break; sleep 0.1; done
M3=$(<"$T/owned3")
kill -TERM "$opid"
wait "$opid"
# the timeout: wait for the expiry
for _ in $(seq 150); do
	grep -q "expired id=$M1" "$T/mon" && grep -q "\"expired\",\"id\":\"$M1\"" "$T/monj" && break
	sleep 0.1
done
sleep 0.3
kill -TERM "$MONPID"
wait "$MONPID"
mrc=$?
kill -INT "$MONJPID"
wait "$MONJPID"
mjrc=$?
MONPID=
t "monitor exits 0 on SIGTERM" [ "$mrc" = 0 ]
t "monitor -j exits 0 on SIGINT" [ "$mjrc" = 0 ]
grep -Ev "id=($probe_re)" "$T/mon" | sed -E 's/^[^ ]+ //' >"$T/mon.events"
cat >"$T/mon.want" <<EOF
created id=$M1 user=mon1 alg=chacha20_poly1305 epoch=0
rotated id=$M1 user=mon1 alg=chacha20_poly1305 epoch=1
created id=$M2 user=mon2 alg=twofish_cbc epoch=0
rotated id=$M2 user=mon2 alg=aes_256_gcm epoch=1
deleted id=$M2 user=mon2 alg=aes_256_gcm epoch=1 reason=user
created id=$M3 user=mon3 alg=aes_256_gcm epoch=0
deleted id=$M3 user=mon3 alg=aes_256_gcm epoch=0 reason=owner-gone
expired id=$M1 user=mon1 alg=chacha20_poly1305 epoch=1 reason=timeout
EOF
# Each session's events in order; sessions may interleave (M1's expiry
# comes from the kernel's 1 s worker, whenever it runs).
sort -s -k2,2 "$T/mon.events" >"$T/mon.events.by-id"
sort -s -k2,2 "$T/mon.want" >"$T/mon.want.by-id"
t "monitor: the events of the scripted lifetimes, in order" cmp -s "$T/mon.events.by-id" "$T/mon.want.by-id" ||
	diff "$T/mon.want.by-id" "$T/mon.events.by-id" | sed 's/^/# /'
t "monitor: timestamps YYYY-MM-DDTHH:MM:SS.mmm" eval \
	'! grep -Ev "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} (created|rotated|expired|deleted) id=" "$T/mon" && [[ -s $T/mon ]]'
t "monitor: nothing on stderr" eval '[[ ! -s $T/mon.err && ! -s $T/monj.err ]]'
out=$(grep -Ev "\"($probe_re)\"" "$T/monj")
t "monitor -j: one valid object per line, same events" "$PY" -c '
import json, sys
want = sorted((l.split() for l in open(sys.argv[1])), key=lambda w: w[1])
got = sorted((json.loads(l) for l in sys.stdin), key=lambda g: "id=" + g["id"])
ok = len(got) == len(want)
for g, w in zip(got, want):
    f = dict(x.split("=", 1) for x in w[1:])
    ok &= g["event"] == w[0] and g["id"] == f["id"] and g["user"] == f["user"] \
        and g["alg"] == f["alg"] and g["epoch"] == int(f["epoch"]) \
        and g.get("reason") == f.get("reason") and len(g["time"]) == 23
sys.exit(0 if ok else 1)' "$T/mon.want" <<<"$out"

# ---------------------------------------------------------------- netns
echo "# ${SECONDS}s: netns"
ip netns add "$NS"
run -n "$NS" session list
t "-n NS session list: empty in the new namespace" eval 'rc_is 0 && [[ $(wc -l <<<"$out") == 1 ]]'
run -n "$NS" session new user nsuser alg aes key-file "$T/k.raw"
N1=$out
t "-n NS session new" eval 'rc_is 0 && is_id "$N1"'
run --netns "$NS" -j session list
t "--netns NS: only the namespace's session" json "[s['user'] for s in d] == ['nsuser']"
run -j session list
t "without -n: the namespace's session is invisible" json \
	"'nsuser' not in [s['user'] for s in d] and '$N1' not in [s['id'] for s in d] and len(d) == 3"
run -n "$NS" session show "$A"
if [[ $A != "$N1" ]]; then
	t "-n NS: sessions of the initial namespace are invisible" eval 'fails_with 1 "no such session"'
fi
run -n "$NS" -j stats
t "-n NS stats: one session" json "d['sessions'] == 1 and d['created'] == 1"
run -n no-such-ns session list
t "-n with an unknown namespace" eval 'fails_with 1 "cannot open network namespace \"no-such-ns\""'
run -n a/b session list
t "-n with a path" eval 'fails_with 2 "invalid network namespace name"'
run -n
t "-n without a name" eval 'fails_with 2 "needs a NAME"'
ip netns del "$NS"

# ---------------------------------------------------------------- privileges
echo "# ${SECONDS}s: privileges"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
cp "$T/k.raw" "$T/k.nobody"
chmod 0644 "$T/k.nobody"
chmod 0755 "$T"
for args in "session list" "session show $A" "stats" "monitor" "user list" \
	"identity show" \
	"session new user x alg aes key-file $T/k.nobody"; do
	# shellcheck disable=SC2086
	out=$("${NOBODY[@]}" "$CTL" $args 2>"$T/stderr" </dev/null)
	rc=$?
	err=$(grep -v "warning: key file" "$T/stderr")
	t "unprivileged $args: permission hint" eval \
		'fails_with 1 "permission denied: secmsgctl needs CAP_NET_ADMIN"'
done
out=$("${NOBODY[@]}" "$CTL" encrypt alg aes key-file "$T/k.nobody" 2>"$T/stderr" </dev/null)
rc=$?
err=$(grep -v "warning: key file" "$T/stderr")
t "unprivileged encrypt: permission hint" eval 'fails_with 1 "needs CAP_NET_ADMIN"'
chmod 0700 "$T"

# ---------------------------------------------------------------- stats deltas
echo "# ${SECONDS}s: stats deltas"
run -j stats
t "stats: created/deleted/rotations since the first stats" json \
	"d['created'] - $cr0 == ${#probes[@]} + 3 and d['deleted'] - $de0 == ${#probes[@]} + 3 and d['rotations'] - $ro0 == 2 and d['expired'] >= 1"

# ---------------------------------------------------------------- batch
echo "# ${SECONDS}s: batch"
printf '%s\n' "# comment" "" "session new user b1 alg aes key-file $T/k.raw" \
	"stats" >"$T/batch"
run -b "$T/batch"
t "-b FILE: runs each line" eval 'rc_is 0 && is_id "$(head -n1 <<<"$out")" && out_has "crypt-ops"'
b1=$(head -n1 <<<"$out")
printf '%s\n' "session del $b1" "session del $b1" "stats" >"$T/batch"
run -b "$T/batch"
t "-b FILE: stops at the first failure, naming the line" eval \
	'rc_is 1 && err_has "no such session" && err_has "batch $T/batch:2: command failed" && [[ -z $out ]]'
run -b - <<<"session list"
t "-b - reads stdin" eval 'rc_is 0 && out_has "EXPIRES"'
run -b "$T/batch" stats
t "-b with an object" eval 'fails_with 2 "-b/--batch takes no OBJECT"'

# ---------------------------------------------------------------- many sessions: flat memory
echo "# ${SECONDS}s: many sessions: flat memory"
# Listing streams: peak RSS must not grow with the number of sessions.
# In a scratch namespace, so that deleting it removes them all.
many=${SECMSGCTL_TEST_MANY:-5000}
maxs=$(cat /sys/module/secmsg/parameters/max_sessions 2>/dev/null || echo 0)
if ((maxs >= many + 10)); then
	ip netns add "$NS"
	rss() { # peak RSS in KiB of secmsgctl ARGS, output discarded
		"$PY" -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$CTL" "$@"
	}
	"$CTL" -n "$NS" session new user few alg aes key-file "$T/k.raw" >/dev/null
	r0=$(rss -n "$NS" session list)
	r0j=$(rss -n "$NS" -j session list)
	for i in $(seq $many); do
		echo "session new user bulk$i alg aes key-file $T/k.raw"
	done >"$T/batch"
	"$CTL" -n "$NS" -b "$T/batch" >/dev/null
	t "-b: $many sessions created" eval "[[ \$(\"\$CTL\" -n \"\$NS\" -j stats | \"\$PY\" -c 'import json,sys; print(json.load(sys.stdin)[\"sessions\"])') == $((many + 1)) ]]"
	r1=$(rss -n "$NS" session list)
	r1j=$(rss -n "$NS" -j session list)
	t "session list streams: peak RSS ${r0}K with 1 session, ${r1}K with $((many + 1))" \
		[ $((r1 - r0)) -lt 1024 ]
	t "-j session list streams: peak RSS ${r0j}K -> ${r1j}K" [ $((r1j - r0j)) -lt 1024 ]
	run -n "$NS" -j session list
	t "-j session list of $((many + 1)) sessions is valid, ids ascending" \
		json "len(d) == $((many + 1)) and [s['id'] for s in d] == sorted(s['id'] for s in d)"
	run -n "$NS" session list
	t "session list of $((many + 1)) sessions" eval "rc_is 0 && [[ \$(wc -l <<<\"\$out\") == $((many + 2)) ]]"
	ip netns del "$NS"
else
	echo "ok $((n + 1)) # SKIP many sessions: max_sessions $maxs < $((many + 10))"
	n=$((n + 1))
fi

# ---------------------------------------------------------------- cleanup, missing module
echo "# ${SECONDS}s: cleanup, missing module"
for id in "$A" "$B" "$C"; do "$CTL" session del "$id"; done
run -j session list
t "all sessions deleted" json "d == []"

if rmmod secmsg; then
	run session list
	t "module not loaded: hint" eval \
		'fails_with 1 "secmsg module not loaded (modprobe secmsg / insmod secmsg.ko)"'
	runin "$T/p0" encrypt alg aes key-file "$T/k.raw"
	t "module not loaded: encrypt" eval 'fails_with 1 "secmsg module not loaded"'
	run monitor
	t "module not loaded: monitor" eval 'fails_with 1 "secmsg module not loaded"'
	run session show "$A" extra
	t "module not loaded: usage errors still come first" eval 'fails_with 2 "unexpected argument"'
	insmod "$MODULE"
	ok $? "secmsg.ko loaded again"
	run session list
	t "works again after reloading" eval 'rc_is 0 && [[ $(wc -l <<<"$out") == 1 ]]'
else
	ok 1 "rmmod secmsg"
fi

echo "1..$n"
[[ $failed == 0 ]]
