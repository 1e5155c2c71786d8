package dev.botbottle.egress.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Answers every DNS query of one bottle with NXDOMAIN at once, over UDP and TCP, and audits each queried name.
 *
 * <p>A bottle needs no DNS: its clients hand host names to the egress proxy, which resolves route hosts itself. But
 * agents and their libraries look names up anyway (at start, for telemetry, through resolver libraries), and a
 * lookup nobody answers hangs for the resolver's whole time-out — 20 s with glibc's defaults. The Docker backend
 * points the engine's embedded resolver at the bridge address; this responder listens there, so every outside name
 * fails within milliseconds, and the operator sees each attempt (DNS is an exfiltration channel). Names the engine
 * answers itself (the container's own name) never reach it.
 */
public final class DnsResponder implements AutoCloseable {

    /** The DNS port. */
    public static final int PORT = 53;

    private static final Logger LOG = LoggerFactory.getLogger(DnsResponder.class);
    /**
     * Warm-up names of every responder of this JVM whose warm-up is still under way: a warm-up query can reach a
     * later responder that took the port of a closed one, and must not be audited there either. Unguessable, so a
     * bottle cannot hide a lookup behind one.
     */
    private static final java.util.Set<String> WARMING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static final String REASON = "names do not resolve inside a bottle: clients send host names to the egress proxy,"
            + " which resolves route hosts itself";

    private final EventLoopGroup group;
    private final Channel udp;
    private final Channel tcp;

    private DnsResponder(EventLoopGroup group, Channel udp, Channel tcp) {
        this.group = group;
        this.udp = udp;
        this.tcp = tcp;
    }

    /**
     * Listens on {@code bindAddress}:{@value #PORT}, UDP and TCP.
     *
     * @param px the gateway's context (audit, redaction)
     * @param bindAddress where the bottle reaches the host
     * @param port the port; {@value #PORT} outside tests
     * @return the responder, or empty when the port cannot be had (taken, or no right to bind it); the reason is
     *         logged as a warning
     */
    public static Optional<DnsResponder> start(ProxyContext px, String bindAddress, int port) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("egress-dns-" + px.slug(),
                true), NioIoHandler.newFactory());
        Channel udp = null;
        try {
            // an unguessable name the responder answers without auditing: it warms its own path (below)
            String warmup = "warmup-" + java.util.UUID.randomUUID() + ".invalid";
            ChannelHandler answer = new Answer(px);
            Channel tcp = null;
            // an ephemeral UDP port may be taken for TCP: then both are asked for again (a fixed port is not)
            for (int attempt = 0; tcp == null; attempt++) {
                udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                        .handler(new ChannelInitializer<DatagramChannel>() {
                            @Override
                            protected void initChannel(DatagramChannel c) {
                                c.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                        answer);
                            }
                        }).bind(new InetSocketAddress(bindAddress, port)).syncUninterruptibly().channel();
                int udpPort = ((InetSocketAddress) udp.localAddress()).getPort();
                try {
                    tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                            .childHandler(new ChannelInitializer<SocketChannel>() {
                                @Override
                                protected void initChannel(SocketChannel c) {
                                    c.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(), answer);
                                }
                            }).bind(new InetSocketAddress(bindAddress, udpPort)).syncUninterruptibly().channel();
                } catch (Exception e) { // Netty rethrows BindException unchecked-but-undeclared
                    if (port != 0 || attempt >= 4 || !(e instanceof java.net.BindException)) {
                        throw e;
                    }
                    udp.close().syncUninterruptibly();
                    udp = null;
                }
            }
            int bound = ((InetSocketAddress) udp.localAddress()).getPort();
            WARMING.add(warmup);
            warmUp(bindAddress, bound, warmup);
            return Optional.of(new DnsResponder(group, udp, tcp));
        } catch (Exception e) { // Netty rethrows BindException unchecked-but-undeclared
            if (udp != null) {
                udp.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            LOG.warn("bottle {}: no DNS responder on {}:{} ({}); name lookups in the bottle will wait for their"
                    + " time-out instead of failing at once, and are not audited. `bottle doctor` checks this port.",
                    px.slug(), bindAddress, port, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Sends one query over UDP and one over TCP to the responder itself, in the background, so the first lookup of the
     * bottle does not pay for loading and compiling this path (about 0.2 s on a cold JVM, against a few ms after).
     */
    private static void warmUp(String address, int port, String name) {
        Thread t = new Thread(() -> {
            byte[] query = warmupQuery(name);
            try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
                s.setSoTimeout(2000);
                s.send(new java.net.DatagramPacket(query, query.length, new InetSocketAddress(address, port)));
                s.receive(new java.net.DatagramPacket(new byte[512], 512));
            } catch (java.io.IOException e) {
                LOG.debug("DNS responder warm-up over UDP: {}", e.toString());
            }
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new InetSocketAddress(address, port), 2000);
                s.setSoTimeout(2000);
                var out = new java.io.DataOutputStream(s.getOutputStream());
                out.writeShort(query.length);
                out.write(query);
                out.flush();
                s.getInputStream().read();
            } catch (java.io.IOException e) {
                LOG.debug("DNS responder warm-up over TCP: {}", e.toString());
            } finally {
                WARMING.remove(name);
            }
        }, "egress-dns-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static byte[] warmupQuery(String name) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(new byte[] {0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            b.write(label.length());
            b.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        b.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return b.toByteArray();
    }

    /** @return the port it answers on, UDP and TCP */
    public int port() {
        return ((InetSocketAddress) udp.localAddress()).getPort();
    }

    @Override
    public void close() {
        udp.close().syncUninterruptibly();
        tcp.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** NXDOMAIN for every question; one audit line per query. */
    @ChannelHandler.Sharable
    private static final class Answer extends SimpleChannelInboundHandler<DnsQuery> {
        private final ProxyContext px;

        Answer(ProxyContext px) {
            this.px = px;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
            DnsRecord question = query.recordAt(DnsSection.QUESTION);
            DnsResponse response = query instanceof DatagramDnsQuery d
                    ? new DatagramDnsResponse(d.recipient(), d.sender(), d.id(), d.opCode(), DnsResponseCode.NXDOMAIN)
                    : new DefaultDnsResponse(query.id(), query.opCode(), DnsResponseCode.NXDOMAIN);
            response.setRecursionDesired(query.isRecursionDesired()).setRecursionAvailable(true);
            String name = "";
            String type = "";
            if (question != null) {
                response.addRecord(DnsSection.QUESTION, question);
                name = question.name().toLowerCase(Locale.ROOT);
                name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
                type = question.type().name();
            }
            // audited before it is answered: whoever sees the answer can already read the audit line
            if (!WARMING.contains(name)) {
                px.audit("DNS", name, type, "", false, REASON, 0, 0, 0);
            }
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a malformed query: nothing to answer; a TCP peer that sends garbage is dropped
            LOG.debug("dropping a malformed DNS query: {}", cause.toString());
            if (!(ctx.channel() instanceof DatagramChannel)) {
                ctx.close();
            }
        }
    }
}
