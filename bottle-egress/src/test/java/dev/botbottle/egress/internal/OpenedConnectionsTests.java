package dev.botbottle.egress.internal;

import dev.botbottle.spi.EgressRoute;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connections a gateway opens are closed when it stops, including one whose connect starts while it stops (a name
 * lookup that finishes then continues on a stopping event loop): such a socket once outlived the loops, open, and
 * held a thread of a blocking upstream server for good.
 */
class OpenedConnectionsTests {

    @TempDir
    Path state;

    @Test
    void aConnectionOpenWhenTheGatewayStopsAndOneOpenedAfterAreBothClosed() throws Exception {
        Engines engines = Engines.choose(false);
        AuditLog audit = AuditLog.open(state);
        ProxyContext px = new ProxyContext("opened", CertificateAuthority.loadOrCreate(state, "opened"),
                audit, (h, p) -> null, List.of(), 1 << 20,
                Policy.build(List.of(EgressRoute.allow("api.example.com")), ref -> Optional.empty(), Map.of()),
                ProxySecret.loadOrCreate(state), new Limits(8, 8192, 100, Duration.ofSeconds(5), Duration.ofSeconds(5),
                8, 8), engines);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, engines.ioHandlerFactory());
        try (ServerSocket upstream = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            upstream.setSoTimeout(30_000);
            Bootstrap b = new Bootstrap().group(loops).channel(engines.socketChannel())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            px.track(ch); // as the gateway's upstream bootstraps do
                        }
                    });

            Channel before = b.connect(upstream.getLocalSocketAddress()).sync().channel();
            try (Socket first = upstream.accept()) {
                first.setSoTimeout(30_000);
                before.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42})).sync();
                assertThat(first.getInputStream().read()).as("control: the tracked connection is open and carries"
                        + " bytes").isEqualTo(42);

                px.closeOpened();
                assertThat(first.getInputStream().read()).as("closed when the gateway stops").isEqualTo(-1);
            }

            // as in the gateway: the connect starts on the event loop (where a finished name lookup continues)
            Channel after = loops.next().submit(() -> b.connect(upstream.getLocalSocketAddress()).channel())
                    .get(30, TimeUnit.SECONDS);
            assertThat(after.closeFuture().await(30, TimeUnit.SECONDS))
                    .as("a connection opened once the gateway has stopped is closed at once").isTrue();
            assertThat(after.isOpen()).isFalse();
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            px.close();
            audit.close();
        }
    }
}
