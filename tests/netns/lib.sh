# tests/netns/lib.sh - "buildings" of network namespaces for LAN tests,
# on top of the core all suites share (tests/lib.sh: pass/fail/check*,
# finish, skip, k, kith_at, digest, wait_for, TMP_DIR).  POSIX sh; the
# scripts cd to the top of the tree, source it as tests/netns/lib.sh, then
# call netns_init first.  KT_DIR is TMP_DIR; host NAME's kith data
# directory is $KT_DIR/NAME/home (`kith_at NAME ...` runs on it).
#
#   switch namespace  $KT-sw: one bridge per building (brN), no addresses;
#                     netns_link joins two buildings' bridges with a
#                     cable (a veth pair), so their hosts share a LAN
#   host namespace    $KT-NAME: lo + eth0, a veth whose other end (vNAME)
#                     is a port of a building's bridge; address
#                     10.201.B.H/16, so a laptop moved to another building
#                     keeps its address and stays on the same subnet
#
# A host without avahi runs commands with ns_exec / ns_spawn (its network
# namespace only, the machine's own /run); one with avahi with host_exec /
# host_spawn (its network and mount namespaces).
#
# start_avahi gives a host its own mount namespace with a private tmpfs on
# /run, a dbus-daemon (system bus at /run/dbus/system_bus_socket) and an
# avahi-daemon restricted to eth0, IPv4 only.  A "holder" process (sleep)
# keeps that mount namespace alive; host_exec runs further commands in it
# with nsenter, so they see that host's /run and network only.  Nothing
# ever runs on the machine's own interfaces.
#
# Every process started here is recorded; netns_cleanup (run at exit:
# tests/lib.sh's at_exit) kills them, kills whatever else is left inside
# our namespaces (ip netns pids) and deletes the namespaces; then the
# directory goes (KEEP=1 keeps it, with the logs).
#
# Functions:
#   netns_init [TOOL...]        check root/ip netns and the tools (default:
#                               those start_avahi needs); exit 77, or 1
#                               if CI=true
#   netns_skip REASON           exit 77 (1 with CI=true), REASON printed
#   netns_bridge N              create bridge brN in the switch namespace
#   netns_link N M              a cable between bridges brN and brM
#   netns_setup_host NAME BRIDGE IP   host namespace on bridge brN, IP/16
#   ns_exec NAME CMD...         run CMD in NAME's network namespace
#   ns_spawn NAME OUT ERR CMD...    same, in the background; prints the
#                               pid (recorded for the cleanup)
#   start_avahi NAME            holder + dbus-daemon + avahi-daemon
#   stop_avahi NAME             SIGTERM avahi-daemon, wait for it to exit
#   wait_pid PID SECONDS [SIG]  signal and reap a child (bounded), status
#                               in WP_STATUS
#   restart_avahi NAME          start avahi-daemon again (dbus stays)
#   stop_dbus NAME, start_dbus NAME   the host's system bus
#   host_exec NAME CMD...       run CMD in NAME's network + mount namespace
#   host_spawn NAME OUT ERR CMD...  same, in the background; prints the pid
#   move_host NAME FROMBR TOBR  move the host's cable to another bridge
#   netns_cleanup               kill everything, delete the namespaces
#                               (at exit)

# shellcheck source=tests/lib.sh
. tests/lib.sh

KT=${KT:-kt$$}
KT_DIR=$TMP_DIR
KT_NS=
K_HOMES=$KT_DIR
K_HOME_SUFFIX=/home
: >"$KT_DIR/pids"
at_exit netns_cleanup

# netns_skip REASON: skip (77) normally, fail (1) under CI, where this
# must work.
netns_skip() {
	if [ "${CI:-}" = true ]; then
		echo "not ok - netns setup impossible under CI: $1"
		exit 1
	fi
	skip "$1"
}

netns_init() {
	[ "$(id -u)" = 0 ] || netns_skip "needs root for network namespaces"
	[ $# -gt 0 ] || set -- unshare nsenter dbus-daemon avahi-daemon
	for c in ip "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			[ -x "/usr/sbin/$c" ] ||
			netns_skip "'$c' is not installed (apt-get install avahi-daemon dbus iproute2 util-linux)"
	done
	PATH=$PATH:/usr/sbin:/sbin
	if ! ip netns add "$KT-probe" 2>/dev/null; then
		netns_skip "'ip netns' is not available here"
	fi
	ip netns del "$KT-probe"
	ip netns add "$KT-sw" || netns_skip "cannot create a namespace"
	KT_NS="$KT-sw"
	ip -n "$KT-sw" link set lo up
}

netns_cleanup() {
	set +e
	if [ -n "$KT_DIR" ] && [ -f "$KT_DIR/pids" ]; then
		while read -r pid; do
			kill "$pid" 2>/dev/null
		done <"$KT_DIR/pids"
	fi
	# whatever else still runs inside our namespaces (by namespace, not
	# by name): first politely, then not
	for sig in TERM KILL; do
		for ns in $KT_NS; do
			for pid in $(ip netns pids "$ns" 2>/dev/null); do
				kill -s "$sig" "$pid" 2>/dev/null
			done
		done
		left=0
		i=0
		while [ $i -lt 20 ]; do
			left=0
			for ns in $KT_NS; do
				[ -n "$(ip netns pids "$ns" 2>/dev/null)" ] && left=1
			done
			[ $left = 0 ] && break
			sleep 0.1
			i=$((i + 1))
		done
		[ $left = 0 ] && break
	done
	for ns in $KT_NS; do
		ip netns del "$ns" 2>/dev/null
	done
	KT_NS=
}

netns_bridge() {
	ip -n "$KT-sw" link add "br$1" type bridge mcast_snooping 0 &&
		ip -n "$KT-sw" link set "br$1" up
}

netns_link() {
	ip -n "$KT-sw" link add "l$1-$2" type veth peer name "l$2-$1" &&
		ip -n "$KT-sw" link set "l$1-$2" master "br$1" up &&
		ip -n "$KT-sw" link set "l$2-$1" master "br$2" up
}

netns_setup_host() {
	name=$1 br=$2 ip=$3
	ip netns add "$KT-$name" || return 1
	KT_NS="$KT_NS $KT-$name"
	ip -n "$KT-$name" link set lo up
	ip -n "$KT-$name" link add eth0 type veth peer name "v$name" \
		netns "$KT-sw" || return 1
	ip -n "$KT-sw" link set "v$name" master "$br" up || return 1
	ip -n "$KT-$name" addr add "$ip/16" dev eth0 || return 1
	ip -n "$KT-$name" link set eth0 up || return 1
}

move_host() {
	name=$1 from=$2 to=$3
	ip -n "$KT-sw" link set "v$name" down &&
		ip -n "$KT-sw" link set "v$name" nomaster &&
		ip -n "$KT-sw" link set "v$name" master "$to" &&
		ip -n "$KT-sw" link set "v$name" up
	# $from is for the reader; nomaster takes it off whatever it was on
	: "$from"
}

ns_exec() {
	ne_name=$1
	shift
	ip netns exec "$KT-$ne_name" "$@"
}

# ns_spawn NAME OUT ERR CMD...: `ip netns exec` execs CMD itself, so the
# pid is CMD's.
ns_spawn() {
	ns_name=$1 ns_out=$2 ns_err=$3
	shift 3
	ip netns exec "$KT-$ns_name" "$@" >"$ns_out" 2>"$ns_err" </dev/null &
	echo $! >>"$KT_DIR/pids"
	echo $!
}

# The holder's pid (the process owning NAME's mount namespace).
holder_pid() {
	cat "$KT_DIR/$1/holder.pid"
}

host_exec() {
	he_name=$1
	shift
	nsenter -t "$(holder_pid "$he_name")" -m -n -- "$@"
}

# host_spawn NAME OUT ERR CMD...: background; the pid goes to stdout and
# into the cleanup list.  nsenter without -p/--fork execs CMD itself, so
# the pid is CMD's.
host_spawn() {
	hs_name=$1 hs_out=$2 hs_err=$3
	shift 3
	nsenter -t "$(holder_pid "$hs_name")" -m -n -- "$@" \
		>"$hs_out" 2>"$hs_err" </dev/null &
	echo $! >>"$KT_DIR/pids"
	echo $!
}

write_confs() {
	d=$1 name=$2
	cat >"$d/dbus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
	cat >"$d/avahi-daemon.conf" <<EOF
[server]
host-name=$KT-$name
use-ipv4=yes
use-ipv6=no
allow-interfaces=eth0
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000

[wide-area]
enable-wide-area=no

[publish]
publish-workstation=no
publish-hinfo=no
publish-addresses=yes
publish-domain=no

[reflector]
enable-reflector=no
EOF
}

start_avahi() {
	name=$1
	d="$KT_DIR/$name"
	mkdir -p "$d" || return 1
	write_confs "$d" "$name"
	# the holder: private /run in a new mount namespace, then sleep
	# shellcheck disable=SC2016 # $$ and $1 belong to the inner shell
	ip netns exec "$KT-$name" unshare -m --propagation private sh -c '
		mount -t tmpfs tmpfs /run || exit 1
		mkdir -p /run/dbus /run/avahi-daemon || exit 1
		echo $$ >"$1.tmp" && mv "$1.tmp" "$1"
		exec sleep infinity' holder "$d/holder.pid" \
		>"$d/holder.log" 2>&1 </dev/null &
	echo $! >>"$KT_DIR/pids"
	wait_for 5 test -s "$d/holder.pid" || {
		echo "# $name: holder did not start: $(cat "$d/holder.log")"
		return 1
	}
	start_dbus "$name" || return 1
	restart_avahi "$name"
}

start_dbus() {
	name=$1
	d="$KT_DIR/$name"
	host_exec "$name" rm -f /run/dbus/system_bus_socket
	host_spawn "$name" "$d/dbus.log" "$d/dbus.err" dbus-daemon \
		--config-file="$d/dbus.conf" --nofork --nopidfile \
		>"$d/dbus.pid" || return 1
	wait_for 5 host_exec "$name" test -S /run/dbus/system_bus_socket || {
		echo "# $name: dbus-daemon did not start: $(cat "$d/dbus.err")"
		return 1
	}
}

stop_dbus() {
	wait_pid "$(cat "$KT_DIR/$1/dbus.pid")" 10 TERM
	return 0
}

restart_avahi() {
	name=$1
	d="$KT_DIR/$name"
	host_exec "$name" rm -f /run/avahi-daemon/pid
	host_spawn "$name" "$d/avahi.log" "$d/avahi.log.err" avahi-daemon \
		-f "$d/avahi-daemon.conf" --no-drop-root --no-chroot \
		--no-rlimits --no-proc-title >"$d/avahi.pid" || return 1
	# running once it has its name on the bus
	wait_for 10 grep -qs "Server startup complete" "$d/avahi.log.err" || {
		echo "# $name: avahi-daemon did not start: $(tail -n 5 "$d/avahi.log.err")"
		return 1
	}
}

stop_avahi() {
	wait_pid "$(cat "$KT_DIR/$1/avahi.pid")" 10 TERM
	return 0
}

# wait_pid PID SECONDS [SIG]: send SIG if given, then wait for our child
# PID to exit; its status goes to WP_STATUS and is returned, or it is
# KILLed after SECONDS and the status is 124.  Not in $(...): a subshell
# cannot wait for the main shell's children.
wait_pid() {
	wp_pid=$1 wp_secs=$2
	[ -n "${3:-}" ] && kill -s "$3" "$wp_pid" 2>/dev/null
	(
		sleep "$wp_secs" &
		wp_sleep=$!
		trap 'kill $wp_sleep 2>/dev/null; exit 0' TERM
		wait "$wp_sleep"
		kill -s KILL "$wp_pid" 2>/dev/null &&
			echo timeout >"$KT_DIR/wp.$wp_pid"
	) &
	wp_dog=$!
	wait "$wp_pid"
	wp_st=$?
	kill "$wp_dog" 2>/dev/null
	wait "$wp_dog" 2>/dev/null
	if [ -f "$KT_DIR/wp.$wp_pid" ]; then
		rm -f "$KT_DIR/wp.$wp_pid"
		wp_st=124
	fi
	# shellcheck disable=SC2034 # for the caller
	WP_STATUS=$wp_st
	return "$wp_st"
}
