#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# make install, as a user of the product gets it: everything lands under
# DESTDIR, and a program written against the installed library alone
# (tools/lib/examples/secmsg-echo.c, built with pkg-config secmsg and
# linked to libsecmsg.so) works: it answers a secmsg-client through
# fakesrv, the host stand-in for secmsgd.  TAP.  Installed by make as
# tools/lib/examples/test_install (and test_install-san, which builds the
# example with ASan+UBSan).
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$DIR/../../.." && pwd)
SAN_FLAGS=
if [[ $0 == *-san ]]; then
	SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
fi
T=$(mktemp -d /tmp/test_install.XXXXXX)
PORT=$((30000 + ($$ + 7) % 20000))
n=0 failed=0
srv_pid='' echo_pid=''
# shellcheck disable=SC2317 # called from the trap
cleanup() {
	for p in $srv_pid $echo_pid; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT

ok() { # ok COND-STATUS DESCRIPTION
	n=$((n + 1))
	if [[ $1 == 0 ]]; then echo "ok $n - $2"
	else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

D=$T/root
# a make inside make check: not the parent's jobserver or flags
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" --no-print-directory \
	install DESTDIR="$D" PREFIX=/usr >"$T/install.log" 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr"
missing=
for f in usr/lib/libsecmsg.so usr/lib/pkgconfig/secmsg.pc \
	usr/include/secmsg/client.h usr/include/linux/secmsg.h \
	usr/sbin/secmsgd usr/sbin/secmsgctl usr/bin/secmsg-client \
	usr/share/man/man8/secmsgd.8 usr/share/man/man8/secmsgctl.8 \
	usr/share/man/man1/secmsg-client.1 \
	usr/share/bash-completion/completions/secmsgctl \
	usr/share/bash-completion/completions/secmsg-client \
	usr/lib/systemd/system/secmsgd.service; do
	[[ -e $D/$f ]] || missing+=" $f"
done
[[ -z $missing ]]
ok $? "library, headers, pkg-config file, programs, man pages, completions, unit installed${missing:+ (missing:$missing)}"

# the installed bash completion of secmsg-client, as bash-completion runs it
comp() { # comp WORD...: what completes the last word, one a line
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash -c 'source /usr/share/bash-completion/bash_completion
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_secmsg_client secmsg-client "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$D/usr/share/bash-completion/completions/secmsg-client" "$@" |
		paste -sd' '
}
[[ $(comp secmsg-client -a '') == "aes_256_gcm chacha20_poly1305 twofish_cbc" &&
	$(comp secmsg-client --re) == "--recv --register" &&
	$(comp secmsg-client k) == keygen &&
	$(comp secmsg-client keygen --f) == --force ]]
ok $? "bash completion: algorithms after -a, options, keygen and its options"

# the .pc names /usr: a copy of it that names DESTDIR instead
mkdir -p "$T/pc"
sed -e "s|^libdir=.*|libdir=$D/usr/lib|" \
	-e "s|^includedir=.*|includedir=$D/usr/include|" \
	"$D/usr/lib/pkgconfig/secmsg.pc" >"$T/pc/secmsg.pc"
export PKG_CONFIG_PATH=$T/pc
flags=$(pkg-config --cflags --libs secmsg)
ok $? "pkg-config secmsg: $flags"
# shellcheck disable=SC2086 # word splitting wanted
cc -Wall -Wextra -Werror $SAN_FLAGS -o "$T/secmsg-echo" \
	"$TOP/tools/lib/examples/secmsg-echo.c" $flags 2>"$T/cc.log"
ok $? "the example builds from the installed headers and library alone"
[[ -s $T/cc.log ]] && sed 's/^/# /' "$T/cc.log"
readelf -d "$T/secmsg-echo" 2>/dev/null | grep -q 'NEEDED.*libsecmsg\.so\.'
ok $? "it is linked to libsecmsg.so (dynamically)"
export LD_LIBRARY_PATH=$D/usr/lib

"$T/secmsg-echo" >/dev/null 2>&1
ok $(($? != 2)) "no arguments: usage, exit 2"

# alice asks, the example (as bob) answers, through fakesrv
CLI=$TOP/tools/secmsg-client/secmsg-client
printf 'pw\n' >"$T/pass"
for u in alice bob; do
	"$CLI" keygen -o "$T/$u.key" --passphrase-file "$T/pass" >"$T/$u.pub" 2>/dev/null
done
head -c 32 /dev/urandom >"$T/server.key"
"$TOP/tools/secmsg-client/tests/fakesrv" "$PORT" "$T/server.key" \
	alice="$(cat "$T/alice.pub")" bob="$(cat "$T/bob.pub")" >"$T/srvpub" &
srv_pid=$!
for _ in $(seq 50); do [[ -s $T/srvpub ]] && break; sleep 0.1; done
SECMSG_SERVER_KEY=$(cat "$T/srvpub")
export SECMSG_SERVER_KEY
SECMSG_PASSPHRASE=pw "$T/secmsg-echo" -u "ws://127.0.0.1:$PORT" -n 2 \
	"$T/bob.key" bob 2>"$T/echo.log" &
echo_pid=$!
printf 'hello\nsecond\n' | "$CLI" -u "ws://127.0.0.1:$PORT" -k "$T/alice.key" \
	--passphrase-file "$T/pass" --to bob --wait-online bob --recv 2 \
	--raw -T 20 alice >"$T/answers" 2>"$T/alice.log"
rc=$?
[[ $rc == 0 && $(cat "$T/answers") == $'echo: hello\necho: second' ]]
ok $? "secmsg-echo answers both messages (alice exit $rc)"
wait $echo_pid
rc=$?
echo_pid=
ok $rc "secmsg-echo -n 2 exits 0 after two answers"
[[ -s $T/echo.log ]] && sed 's/^/# /' "$T/echo.log"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
exit $((failed > 0))
