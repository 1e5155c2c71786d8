#!/usr/bin/perl
# Network probes for the sandbox-escape catalogue (attempts.sh), in Perl because every Debian-based image has it
# (perl-base is essential) and it opens sockets without a fork per port. Only core modules.
#
#   net.pl connect HOST PORT [SECONDS]           open | refused | timeout | unreachable | error: MESSAGE
#   net.pl talk HOST PORT FILE [SECONDS]         sends FILE, prints what comes back until close (64 KiB at most)
#   net.pl scan FIRST-LAST HOST...               "open HOST PORT" lines, then one summary line per host
#   net.pl udp HOST PORT HEXPAYLOAD [SECONDS]    reply LENGTH | noreply | error: MESSAGE
#   net.pl dns SERVER PORT udp|tcp NAME TYPE [SECONDS]   rcode=N answers=M | noreply | error: MESSAGE
#   net.pl icmp HOST                             what a raw and a datagram ICMP socket could do
#   net.pl listen PORT FILE                      accepts forever, appending each peer to FILE (a witness)
use strict;
use warnings;
use Socket qw(:all);
use IO::Select;
use Errno qw(EINPROGRESS ECONNREFUSED ETIMEDOUT ENETUNREACH EHOSTUNREACH EACCES EPERM EADDRNOTAVAIL);
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);

$| = 1;
my $cmd = shift @ARGV // '';

sub addr {
    my ($host, $port) = @_;
    $host =~ s/^\[(.*)\]$/$1/;
    my ($scope) = $host =~ /%(.+)$/;
    (my $bare = $host) =~ s/%.*$//;
    if ($bare =~ /:/) {
        my $ip = inet_pton(AF_INET6, $bare) or return;
        my $sid = 0;
        if (defined $scope) {
            if ($scope =~ /^\d+$/) { $sid = $scope } else {
                if (open(my $f, '<', "/sys/class/net/$scope/ifindex")) { $sid = <$f> + 0; close $f }
            }
        }
        return (AF_INET6, pack_sockaddr_in6($port, $ip, $sid));
    }
    my $ip = inet_aton($bare) or return;
    return (AF_INET, pack_sockaddr_in($port, $ip));
}

sub nonblocking {
    my ($fh) = @_;
    my $flags = fcntl($fh, F_GETFL, 0);
    fcntl($fh, F_SETFL, $flags | O_NONBLOCK);
}

sub errname {
    my ($e) = @_;
    return 'refused' if $e == ECONNREFUSED;
    return 'timeout' if $e == ETIMEDOUT;
    return 'unreachable' if $e == ENETUNREACH || $e == EHOSTUNREACH || $e == EADDRNOTAVAIL;
    local $! = $e;
    return "error: $!";
}

# Starts a non-blocking connect; returns (socket, state) where state is 'pending', 'open' or a failure.
sub start_connect {
    my ($host, $port) = @_;
    my ($family, $sa) = addr($host, $port);
    return (undef, 'error: not an address') unless $family;
    my $fh;
    socket($fh, $family, SOCK_STREAM, 0) or return (undef, errname($! + 0));
    nonblocking($fh);
    return ($fh, 'open') if connect($fh, $sa);
    return ($fh, 'pending') if $! == EINPROGRESS;
    my $e = $! + 0;
    close $fh;
    return (undef, errname($e));
}

sub finish_connect {
    my ($fh) = @_;
    my $e = unpack('i', getsockopt($fh, SOL_SOCKET, SO_ERROR));
    return $e == 0 ? 'open' : errname($e);
}

sub connect_one {
    my ($host, $port, $secs) = @_;
    my ($fh, $state) = start_connect($host, $port);
    return ($fh, $state) unless $state eq 'pending';
    my $sel = IO::Select->new($fh);
    if (!$sel->can_write($secs)) { close $fh; return (undef, 'timeout') }
    $state = finish_connect($fh);
    if ($state ne 'open') { close $fh; return (undef, $state) }
    return ($fh, 'open');
}

if ($cmd eq 'connect') {
    my ($host, $port, $secs) = @ARGV;
    my ($fh, $state) = connect_one($host, $port, $secs // 3);
    print "$state\n";
    close $fh if $fh;
    exit 0;
}

if ($cmd eq 'talk') {
    my ($host, $port, $file, $secs) = @ARGV;
    $secs //= 10;
    my ($fh, $state) = connect_one($host, $port, 3);
    if (!$fh) { print STDERR "NOCONNECT $state\n"; exit 2 }
    open(my $in, '<:raw', $file) or die "cannot read $file: $!\n";
    local $/;
    my $data = <$in> // '';
    close $in;
    my $flags = fcntl($fh, F_GETFL, 0);
    fcntl($fh, F_SETFL, $flags & ~O_NONBLOCK);
    binmode $fh;
    # unbuffered: a buffered print would sit in perl's buffer while both ends wait
    my $off = 0;
    while ($off < length $data) {
        my $n = syswrite($fh, $data, length($data) - $off, $off);
        last unless defined $n && $n > 0;
        $off += $n;
    }
    shutdown($fh, 1) if ($ENV{BBX_HALF_CLOSE} // '') eq '1';
    my $sel = IO::Select->new($fh);
    my ($got, $deadline) = ('', time + $secs);
    while (length($got) < 65536 && (my $left = $deadline - time) > 0) {
        last unless $sel->can_read($left);
        my $n = sysread($fh, my $buf, 65536);
        last unless $n;
        $got .= $buf;
    }
    binmode STDOUT;
    print $got;
    close $fh;
    exit 0;
}

if ($cmd eq 'scan') {
    my ($range, @hosts) = @ARGV;
    my ($first, $last) = split /-/, $range;
    $last //= $first;
    my $batch = 400;
    for my $host (@hosts) {
        my %count = (open => 0, refused => 0, timeout => 0, other => 0);
        for (my $p = $first; $p <= $last; $p += $batch) {
            my $end = $p + $batch - 1;
            $end = $last if $end > $last;
            my %pending;
            my $sel = IO::Select->new;
            for my $port ($p .. $end) {
                my ($fh, $state) = start_connect($host, $port);
                if ($state eq 'pending') { $pending{fileno $fh} = [$fh, $port]; $sel->add($fh); next }
                if ($state eq 'open') { print "open $host $port\n"; $count{open}++; close $fh; next }
                $count{$state eq 'refused' ? 'refused' : $state eq 'timeout' ? 'timeout' : 'other'}++;
            }
            my $deadline = time + 3;
            while ($sel->count && (my $left = $deadline - time) > 0) {
                for my $fh ($sel->can_write($left)) {
                    my ($h, $port) = @{ delete $pending{fileno $fh} };
                    $sel->remove($fh);
                    my $state = finish_connect($fh);
                    if ($state eq 'open') { print "open $host $port\n"; $count{open}++ }
                    elsif ($state eq 'refused') { $count{refused}++ }
                    elsif ($state eq 'timeout') { $count{timeout}++ }
                    else { $count{other}++ }
                    close $fh;
                }
            }
            for my $rest (values %pending) { $count{timeout}++; close $rest->[0] }
        }
        print "summary $host open=$count{open} refused=$count{refused} timeout=$count{timeout} other=$count{other}\n";
    }
    exit 0;
}

if ($cmd eq 'udp') {
    my ($host, $port, $hex, $secs) = @ARGV;
    my ($family, $sa) = addr($host, $port);
    if (!$family) { print "error: not an address\n"; exit 0 }
    my $fh;
    socket($fh, $family, SOCK_DGRAM, 0) or do { print errname($! + 0), "\n"; exit 0 };
    if (!send($fh, pack('H*', $hex), 0, $sa)) { print errname($! + 0), "\n"; exit 0 }
    my $sel = IO::Select->new($fh);
    if ($sel->can_read($secs // 2)) {
        my $from = recv($fh, my $buf, 65536, 0);
        if (defined $from) { print 'reply ', length($buf), "\n" } else { print errname($! + 0), "\n" }
    } else {
        print "noreply\n";
    }
    exit 0;
}

sub dns_query {
    my ($name, $type) = @_;
    my %types = (A => 1, NS => 2, CNAME => 5, TXT => 16, AAAA => 28, ANY => 255, MX => 15);
    my $q = pack('n n n n n n', int(rand(65535)), 0x0100, 1, 0, 0, 0);
    for my $label (split /\./, $name) { $q .= pack('C', length $label) . $label }
    return $q . pack('C n n', 0, $types{uc $type} // 1, 1);
}

if ($cmd eq 'dns') {
    my ($server, $port, $proto, $name, $type, $secs) = @ARGV;
    $secs //= 3;
    my $q = dns_query($name, $type // 'A');
    my ($family, $sa) = addr($server, $port);
    if (!$family) { print "error: not an address\n"; exit 0 }
    my $answer;
    if ($proto eq 'tcp') {
        my ($fh, $state) = connect_one($server, $port, $secs);
        if (!$fh) { print "$state\n"; exit 0 }
        my $flags = fcntl($fh, F_GETFL, 0);
        fcntl($fh, F_SETFL, $flags & ~O_NONBLOCK);
        syswrite($fh, pack('n', length $q) . $q);
        my $sel = IO::Select->new($fh);
        my $got = '';
        my $deadline = time + $secs;
        while ($deadline - time > 0 && $sel->can_read($deadline - time)) {
            my $n = sysread($fh, my $buf, 65536);
            last unless $n;
            $got .= $buf;
            last if length($got) >= 2 && length($got) >= 2 + unpack('n', $got);
        }
        $answer = length($got) > 2 ? substr($got, 2) : undef;
    } else {
        my $fh;
        socket($fh, $family, SOCK_DGRAM, 0) or do { print errname($! + 0), "\n"; exit 0 };
        if (!send($fh, $q, 0, $sa)) { print errname($! + 0), "\n"; exit 0 }
        my $sel = IO::Select->new($fh);
        if ($sel->can_read($secs)) {
            my $from = recv($fh, my $buf, 65536, 0);
            if (!defined $from) { print errname($! + 0), "\n"; exit 0 }
            $answer = $buf;
        }
    }
    if (!defined $answer || length($answer) < 12) { print "noreply\n"; exit 0 }
    my ($id, $flags, $qd, $an) = unpack('n n n n', $answer);
    printf "rcode=%d answers=%d\n", $flags & 0xf, $an;
    exit 0;
}

if ($cmd eq 'icmp') {
    my ($host) = @ARGV;
    my ($family, $sa) = addr($host, 0);
    my $proto = $family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    my $type = $family == AF_INET6 ? 128 : 8;
    my @out;
    for my $kind ([raw => SOCK_RAW], [datagram => SOCK_DGRAM]) {
        my $fh;
        if (!socket($fh, $family, $kind->[1], $proto)) { push @out, "$kind->[0] socket refused (" . errname($! + 0) . ")"; next }
        my $body = pack('C C n n n', $type, 0, 0, $$ & 0xffff, 1) . 'bot-bottle-escape';
        my $sum = 0;
        $sum += $_ for unpack('n*', length($body) % 2 ? "$body\0" : $body);
        $sum = ($sum >> 16) + ($sum & 0xffff);
        $sum += $sum >> 16;
        substr($body, 2, 2) = pack('n', ~$sum & 0xffff) if $family == AF_INET;
        if (!send($fh, $body, 0, $sa)) { push @out, "$kind->[0] send refused (" . errname($! + 0) . ")"; next }
        my $sel = IO::Select->new($fh);
        if ($sel->can_read(2)) {
            recv($fh, my $buf, 65536, 0);
            push @out, "$kind->[0] REPLY from $host";
        } else {
            push @out, "$kind->[0] sent, no reply";
        }
    }
    print join('; ', @out), "\n";
    exit 0;
}

if ($cmd eq 'listen') {
    my ($port, $file) = @ARGV;
    socket(my $srv, AF_INET, SOCK_STREAM, 0) or die "socket: $!\n";
    setsockopt($srv, SOL_SOCKET, SO_REUSEADDR, 1);
    bind($srv, pack_sockaddr_in($port, INADDR_ANY)) or die "bind: $!\n";
    listen($srv, 64) or die "listen: $!\n";
    while (my $peer = accept(my $c, $srv)) {
        my ($pport, $pip) = unpack_sockaddr_in($peer);
        if (open(my $log, '>>', $file)) { print {$log} inet_ntoa($pip), ":$pport\n"; close $log }
        close $c;
    }
    exit 0;
}

print STDERR "usage: net.pl connect|talk|scan|udp|dns|icmp|listen ...\n";
exit 64;
