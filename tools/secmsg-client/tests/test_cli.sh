#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# secmsg-client scripted end to end on the host against fakesrv (the
# secmsgd stand-in): keygen, pubkey, two instances exchanging messages
# through pipes, --json, --raw, and the exit statuses.  TAP.  Installed by
# make as tests/test_cli (and test_cli-san, which runs the sanitizer
# builds of secmsg-client and fakesrv).  SERVER=secmsgd runs the same
# against the real daemon/secmsgd (and secmsg.ko: selftests/client/).
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
SAN=
[[ $0 == *-san ]] && SAN=-san
CLI=$DIR/../secmsg-client$SAN
SRV=$DIR/fakesrv$SAN
T=$(mktemp -d /tmp/test_cli.XXXXXX)
PORT=$((30000 + $$ % 20000))
URL=ws://127.0.0.1:$PORT
n=0 failed=0
srv_pid=
# shellcheck disable=SC2317 # called from the trap
cleanup() {
	[[ -n $srv_pid ]] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
[[ -n ${KEEP:-} ]] && trap - EXIT

ok() { # ok COND-STATUS DESCRIPTION
	n=$((n + 1))
	if [[ $1 == 0 ]]; then echo "ok $n - $2"
	else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

printf 'correct horse\n' >"$T/pass"
printf 'wrong\n' >"$T/bad"
for u in alice bob carol dave; do
	"$CLI" keygen -o "$T/$u.key" --passphrase-file "$T/pass" >"$T/$u.out" 2>"$T/$u.err"
	ok $? "keygen $u"
done
[[ $(wc -c <"$T/alice.key") == 88 && -s $T/alice.key.pub && $(cat "$T/alice.out") == $(cat "$T/alice.key.pub") ]]
ok $? "key file of 88 bytes; public key printed and in FILE.pub"
[[ $("$CLI" pubkey "$T/alice.key" --passphrase-file "$T/pass") == $(cat "$T/alice.out") ]]
ok $? "pubkey FILE gives the same public key"
"$CLI" pubkey "$T/alice.key" --passphrase-file "$T/bad" >/dev/null 2>&1
ok $(($? != 5)) "pubkey with a wrong passphrase: exit 5"
"$CLI" keygen -o "$T/alice.key" --passphrase-file "$T/pass" >/dev/null 2>&1
ok $(($? != 5)) "keygen over an existing file: refused (exit 5)"

# Passphrase files (docs/protocol.md section 4): the first line without its
# LF, CR LF or nothing at the end; no empty, NUL-holding or over-long one.
printf 'correct horse\r\n' >"$T/pass-crlf"
printf 'correct horse' >"$T/pass-nonl"
printf 'correct horse\nsecond line\n' >"$T/pass-2lines"
for f in pass-crlf pass-nonl pass-2lines; do
	[[ $("$CLI" pubkey "$T/alice.key" --passphrase-file "$T/$f") == $(cat "$T/alice.out") ]]
	ok $? "passphrase file $f: the same passphrase"
done
printf 'correct horse \n' >"$T/pass-space"
"$CLI" pubkey "$T/alice.key" --passphrase-file "$T/pass-space" >/dev/null 2>&1
ok $(($? != 5)) "a trailing space is part of the passphrase (exit 5)"
: >"$T/empty"
printf '\n' >"$T/empty-line"
printf '\r\nsecond line\n' >"$T/empty-crlf"
for f in empty empty-line empty-crlf; do
	"$CLI" keygen -o "$T/e.key" --passphrase-file "$T/$f" >/dev/null 2>"$T/e.err"
	ok $(($? != 5)) "keygen with passphrase file $f: exit 5"
	[[ ! -e $T/e.key ]] && grep -q 'empty passphrase (not allowed)' "$T/e.err"
	ok $? "... no key file, \"empty passphrase (not allowed)\""
done
printf 'correct\0horse\n' >"$T/pass-nul"
"$CLI" keygen -o "$T/e.key" --passphrase-file "$T/pass-nul" >/dev/null 2>"$T/e.err"
ok $(($? != 5)) "keygen with a NUL byte in the passphrase: exit 5"
[[ ! -e $T/e.key ]] && grep -q 'NUL byte' "$T/e.err"
ok $? "... no key file, the message says why"
head -c 1024 /dev/zero | tr '\0' x >"$T/pass-long"
"$CLI" keygen -o "$T/e.key" --passphrase-file "$T/pass-long" >/dev/null 2>"$T/e.err"
ok $(($? != 5)) "keygen with a 1024-byte passphrase: exit 5"
[[ ! -e $T/e.key ]] && grep -q 'longer than 1023 bytes' "$T/e.err"
ok $? "... no key file, not cut short"
head -c 1023 /dev/zero | tr '\0' x >"$T/pass-max"
"$CLI" keygen -o "$T/max.key" --passphrase-file "$T/pass-max" -i 100000 >/dev/null 2>&1 &&
	"$CLI" pubkey "$T/max.key" --passphrase-file "$T/pass-max" >/dev/null 2>&1
ok $? "a 1023-byte passphrase (the maximum) works"
# a key file sealed under an empty passphrase (tools/lib/tests/hs_kat.py)
printf '%b' '\x53\x45\x43\x4d\x53\x47\x4b\x31\x00\x01\x86\xa0\xc9\xd0\xd7\xde\xe5\xec\xf3\xfa\x01\x08\x0f\x16\x1d\x24\x2b\x32\xca\xd1\xd8\xdf\xe6\xed\xf4\xfb\x02\x09\x10\x17\x97\x07\xee\x76\xe3\xe4\xf0\x7a\x31\x8b\x57\x17\xc1\xcd\xf2\x0d\x03\xcb\xad\x35\xb6\x8b\x36\xfc\x73\xa2\xcc\xf1\xe7\xb1\x19\x01\xd7\x3f\x33\x25\x67\x2e\x1d\x80\xe3\x55\x40\x87\xd5\x9b\x2d\x55' >"$T/empty.key"
[[ $(wc -c <"$T/empty.key") == 88 ]]
ok $? "that key file is 88 bytes"
"$CLI" pubkey "$T/empty.key" --passphrase-file "$T/empty" >/dev/null 2>"$T/e.err"
ok $(($? != 5)) "pubkey of a key file sealed under an empty passphrase: exit 5"
grep -q 'empty passphrase (not allowed)' "$T/e.err"
ok $? "... \"empty passphrase (not allowed)\""
for i in 99999 100000001 4294967297 12x ''; do
	"$CLI" keygen -o "$T/e.key" --passphrase-file "$T/pass" -i "$i" >/dev/null 2>"$T/e.err"
	ok $(($? != 2)) "keygen --iterations '$i': usage error (exit 2)"
	[[ ! -e $T/e.key ]] && grep -q 'a number from 100000 to 100000000' "$T/e.err"
	ok $? "... no key file, the message names both bounds"
done
"$CLI" keygen -o "$T/i.key" --passphrase-file "$T/pass" -i 100001 >/dev/null 2>&1 &&
	[[ $(od -An -tx1 -j8 -N4 "$T/i.key" | tr -d ' ') == 000186a1 ]]
ok $? "keygen --iterations 100001: the count in bytes 8-11, big endian"

# keygen and pubkey: -h/--help prints the usage on stdout (exit 0), a bad
# option prints it on stderr (exit 2); nothing is written either way.
for c in "keygen --help" "keygen -h" "pubkey --help" "pubkey -h"; do
	# shellcheck disable=SC2086 # the command and its option, split
	"$CLI" $c >"$T/h.out" 2>"$T/h.err"
	ok $? "$c: exit 0"
	[[ $(head -1 "$T/h.out") == "usage: secmsg-client ${c%% *} "* && ! -s $T/h.err ]]
	ok $? "... its usage on stdout, nothing on stderr"
done
for c in "keygen -o $T/u.key -x" "pubkey $T/alice.key --force"; do
	# shellcheck disable=SC2086
	"$CLI" $c >"$T/h.out" 2>"$T/h.err"
	ok $(($? != 2)) "${c%% *} with an unknown option: exit 2"
	[[ ! -s $T/h.out && ! -e $T/u.key ]] && grep -q "^usage: secmsg-client ${c%% *} " "$T/h.err"
	ok $? "... its usage on stderr, nothing written"
done

head -c 32 /dev/urandom >"$T/server.key"
if [[ ${SERVER:-fakesrv} == secmsgd ]]; then
	D=$DIR/../../../daemon/secmsgd
	for u in alice bob carol dave; do echo "$u $(cat "$T/$u.out")"; done >"$T/users"
	"$D" --identity "$T/server.key" --print-pubkey >"$T/srvpub.new" &&
		mv "$T/srvpub.new" "$T/srvpub"
	"$D" --port "$PORT" --listen 127.0.0.1 --identity "$T/server.key" \
		--users "$T/users" 2>"$T/secmsgd.log" &
	srv_pid=$!
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
		sleep 0.1
	done
else
	"$SRV" "$PORT" "$T/server.key" alice="$(cat "$T/alice.out")" \
		bob="$(cat "$T/bob.out")" carol="$(cat "$T/carol.out")" \
		dave="$(cat "$T/dave.out")" >"$T/srvpub" &
	srv_pid=$!
	for _ in $(seq 50); do [[ -s $T/srvpub ]] && break; sleep 0.1; done
fi
[[ -s $T/srvpub ]]
ok $? "${SERVER:-fakesrv} started; its public key is known"
SECMSG_SERVER_KEY=$(cat "$T/srvpub")
export SECMSG_SERVER_KEY
C=("$CLI" -u "$URL" --passphrase-file "$T/pass" -T 20)

# dave sends 3 lines to bob; bob prints them as raw lines into a pipe;
# carol relays each line she reads from that pipe to alice; alice prints
# them as JSON.  Each sender waits for its own recipient: dave for bob,
# carol for alice (a message to a user not online yet is not delivered).
# alice logs in only after bob has printed all three and exited, so
# carol's --wait-online alice really waits, for alice's presence event.
f0=$failed
mkfifo "$T/pipe"
"${C[@]}" -k "$T/bob.key" --recv 3 --raw bob </dev/null >"$T/pipe" 2>"$T/bob.log" &
b_pid=$!
"${C[@]}" -k "$T/carol.key" -T 60 -a twofish_cbc --to alice --wait-online alice \
	carol <"$T/pipe" >"$T/relay.out" 2>"$T/relay.log" &
r_pid=$!
printf 'one\ntwo\n/rotate chacha20_poly1305\nthree\n' |
	"${C[@]}" -k "$T/alice.key" -a chacha20_poly1305 --to bob --wait-online carol alice2 >/dev/null 2>"$T/alice2.log"
rc=$?
ok $(( rc != 4 )) "an unregistered user (alice2): exit 4"
printf 'one\ntwo\n/rotate twofish_cbc\nthree\n' |
	"${C[@]}" -k "$T/dave.key" -a chacha20_poly1305 --to bob --wait-online bob dave >"$T/send.out" 2>"$T/sender.log"
rc=$?
ok $rc "dave pipes three lines (and a /rotate) to bob; delivered (exit $rc)"
wait $b_pid
ok $? "bob exits 0 after 3 messages printed into the pipe"
"${C[@]}" -k "$T/alice.key" --recv 3 --json alice >"$T/alice.json" 2>"$T/alice.log" </dev/null &
a_pid=$!
wait $r_pid
ok $? "bob -> pipe -> relay exits 0 after 3 messages"
wait $a_pid
ok $? "alice exits 0 after 3 messages"
[[ $(grep -c '"event":"message"' "$T/alice.json") == 3 ]] &&
	grep -q '"text":"one"' "$T/alice.json" && grep -q '"text":"three"' "$T/alice.json"
ok $? "alice got one, two, three as JSON messages"
grep '"event":"message"' "$T/alice.json" | head -1 | grep -q '"from":"carol","text":"one","alg":"aes_256_gcm","epoch":0'
ok $? "JSON: from, text, alg (of alice's session), epoch"
# what each of them said, when one of these failed
if ((failed > f0)); then
	for f in bob.log relay.log sender.log alice.log alice.json; do
		sed "s/^/# $f: /" "$T/$f"
	done
fi

# the chat commands and the plain output: carol prints what she gets as
# "[HH:MM:SS] FROM (ALG, epoch N): TEXT"; dave types /who, /to, /rotate
# and /quit (nothing after /quit is sent)
"${C[@]}" -k "$T/carol.key" --recv 2 carol </dev/null >"$T/carol.out" 2>"$T/carol.log" &
c_pid=$!
printf '/who\n/to carol\nfirst\n/rotate twofish_cbc\nsecond\n/quit\nnever\n' |
	"${C[@]}" -k "$T/dave.key" --wait-online carol dave >"$T/dave.out" 2>"$T/dave.log"
rc=$?
wait $c_pid
ok $((rc || $?)) "dave: /who, /to carol, two lines, /rotate, /quit; carol gets two (exit $rc)"
grep -Eq '^\[[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\] dave \(aes_256_gcm, epoch 0\): first$' "$T/carol.out" &&
	grep -Eq '\] dave \(aes_256_gcm, epoch 0\): second$' "$T/carol.out" &&
	[[ $(wc -l <"$T/carol.out") == 2 ]]
ok $? "plain output: time, sender, algorithm and epoch of carol's session, text"
grep -q '^\* online:.* carol' "$T/dave.log" && grep -q 'sending to carol' "$T/dave.log"
ok $? "/who lists carol; /to says who gets the next lines"
# what a peer writes reaches the terminal without its control
# characters: no escape sequence, no faked line
"${C[@]}" -k "$T/carol.key" --recv 1 carol </dev/null >"$T/esc.out" 2>"$T/esc.log" &
c_pid=$!
"${C[@]}" -k "$T/dave.key" --wait-online carol \
	--send carol "$(printf 'a\033]0;owned\007b\n[00:00:00] eve: c\302\233d \303\251')" \
	dave >/dev/null 2>"$T/dave.log"
rc=$?
wait $c_pid
grep -qF 'dave (aes_256_gcm, epoch 0): a\x1b]0;owned\x07b\x0a[00:00:00] eve: c\xc2\x9bd '$'\303\251' "$T/esc.out" &&
	! grep -q $'\033' "$T/esc.out" && [[ $(wc -l <"$T/esc.out") == 1 ]]
ok $((rc || $?)) "control characters of a peer's text shown as \\xNN, UTF-8 kept (exit $rc)"
"${C[@]}" -k "$T/dave.key" --send nobody hi dave >/dev/null 2>"$T/fail.log"
rc=$?
grep -q '^! message 1 to nobody not delivered: ' "$T/fail.log"
ok $((rc != 6 || $?)) "a delivery failure is shown: ! message 1 to nobody not delivered (exit $rc)"

"${C[@]}" -k "$T/bob.key" --send alice "hi" bob >/dev/null 2>&1
ok $(($? != 6)) "--send to an offline user: exit 6"
"${C[@]}" -k "$T/bob.key" --send nobody "hi" --json bob >"$T/nobody.json" 2>&1
rc=$?
grep -q '"code":"recipient_unknown"' "$T/nobody.json"
ok $((rc != 6 || $?)) "--send to an unknown user: exit 6, JSON code recipient_unknown"
"${C[@]}" -k "$T/bob.key" --passphrase-file "$T/bad" --send alice hi bob >/dev/null 2>&1
ok $(($? != 5)) "wrong passphrase: exit 5"
"${C[@]}" -k "$T/bob.key" --server-key "$(cat "$T/alice.out")" --send alice hi bob >/dev/null 2>&1
ok $(($? != 4)) "wrong pinned server key: exit 4"
"${C[@]}" -k "$T/bob.key" -u ws://127.0.0.1:1 --send alice hi bob >/dev/null 2>&1
ok $(($? != 3)) "nothing listening: exit 3"
# a second login of bob takes over: the first exits 7 and says why
"${C[@]}" -k "$T/bob.key" --recv 1 bob </dev/null >/dev/null 2>"$T/first.err" &
b_pid=$!
for _ in $(seq 100); do grep -q . "$T/first.err" && break; sleep 0.1; done
"${C[@]}" -k "$T/bob.key" --send carol hi bob >/dev/null 2>&1
wait $b_pid
rc=$?
grep -q "logged in elsewhere" "$T/first.err"
ok $((rc != 7 || $?)) "a second login of the same user: the first exits 7, logged in elsewhere"
"$CLI" --recv x bob >/dev/null 2>&1
ok $(($? != 2)) "bad option: exit 2"
"${C[@]}" -k "$T/bob.key" --recv 1 -T 1 bob </dev/null >/dev/null 2>&1
ok $(($? != 8)) "--recv with nothing coming: exit 8 after --timeout"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
exit $((failed > 0))
