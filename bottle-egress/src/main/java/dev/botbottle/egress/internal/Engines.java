package dev.botbottle.egress.internal;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * The engines a gateway runs on: BoringSSL (netty-tcnative, Netty's OpenSSL engine) for TLS and epoll for sockets
 * when the native libraries load on this host, else the JDK's TLS and NIO; each with the reason when it is not the
 * native one. Immutable; whether a native library loads is decided once per JVM.
 *
 * @param nativeTls whether TLS runs on BoringSSL
 * @param tlsDetail what runs TLS, or why BoringSSL does not
 * @param epoll whether sockets run on epoll (passthrough tunnels still relay through user space: no splice yet)
 * @param transportDetail what runs the sockets, or why epoll does not
 */
public record Engines(boolean nativeTls, String tlsDetail, boolean epoll, String transportDetail) {

    /**
     * @param preferNative whether to use the native engines where they load ({@code false}: the JDK's, always)
     * @return the engines to use
     */
    public static Engines choose(boolean preferNative) {
        if (!preferNative) {
            return new Engines(false, "JDK TLS (native engines turned off by the embedder)", false,
                    "NIO (native engines turned off by the embedder)");
        }
        boolean tls = OpenSsl.isAvailable() && SslProvider.isAlpnSupported(SslProvider.OPENSSL);
        String tlsDetail = tls ? OpenSsl.versionString() + " (netty-tcnative)"
                : "JDK TLS, since BoringSSL cannot load: " + cause(OpenSsl.unavailabilityCause());
        boolean ep = Epoll.isAvailable();
        String epDetail = ep ? "epoll (native); passthrough tunnels relay through user space (no kernel splice)"
                : "NIO, since native epoll cannot load: " + cause(Epoll.unavailabilityCause());
        return new Engines(tls, tlsDetail, ep, epDetail);
    }

    private static String cause(Throwable t) {
        if (t == null) {
            return "no reason given (ALPN unsupported by the native library?)";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
    }

    /** @return the TLS provider for every context the gateway builds */
    public SslProvider sslProvider() {
        return nativeTls ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** @return the I/O handler of the gateway's event loops */
    public IoHandlerFactory ioHandlerFactory() {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** @return the listening channel type */
    public Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** @return the upstream channel type (it must match the event loops') */
    public Class<? extends Channel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** @return one line for logs and {@code bottle doctor} */
    public String describe() {
        return "TLS: " + tlsDetail + "; transport: " + transportDetail;
    }
}
