package dev.botbottle.egress;

import dev.botbottle.spi.EgressAuditEntry;
import dev.botbottle.spi.EgressRoute;
import dev.botbottle.spi.GatewayRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's DNS responder over real UDP and TCP sockets: every name is NXDOMAIN at once, and audited. */
class EgressDnsTests {

    private static final int NXDOMAIN = 3;

    @TempDir
    Path state;

    private EgressGateway gateway;
    private int port;

    @BeforeEach
    void start() {
        gateway = new EgressGatewayProvider(EgressOptions.defaults().withDnsPort(0)).start(GatewayRequest
                .builder("dns-test").bindAddress("127.0.0.1").stateDir(state)
                .routes(List.of(EgressRoute.allow("api.example.com"))).build());
        port = gateway.dnsPort().orElseThrow();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void theProxyAndTheResponderPortsAreWhatTheBottleMayReach() {
        assertThat(gateway.ports().tcp()).containsExactlyInAnyOrder(gateway.port(), port);
        assertThat(gateway.ports().udp()).containsExactly(port);
    }

    @Test
    void aUdpQueryForAnyNameIsAnsweredNxdomainWithItsQuestionAndAudited() throws IOException {
        byte[] answer = udp(query(0x1234, "Secret-Data.Exfil.Example.COM", 1));

        assertThat(id(answer)).isEqualTo(0x1234);
        assertThat(answer[2] & 0x80).as("a response").isNotZero();
        assertThat(answer[3] & 0x0f).isEqualTo(NXDOMAIN);
        assertThat(questionCount(answer)).isEqualTo(1);
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).contains("Secret-Data");
        assertThat(gateway.readAudit()).singleElement().satisfies(e -> {
            assertThat(e.method()).isEqualTo("DNS");
            assertThat(e.host()).isEqualTo("secret-data.exfil.example.com");
            assertThat(e.path()).isEqualTo("A");
            assertThat(e.verdict()).isEqualTo(EgressAuditEntry.Verdict.DENY);
        });
    }

    @Test
    void aRouteHostIsNoExceptionAndTcpIsAnsweredToo() throws IOException {
        byte[] answer = tcp(query(7, "api.example.com", 28));

        assertThat(id(answer)).isEqualTo(7);
        assertThat(answer[3] & 0x0f).isEqualTo(NXDOMAIN);
        assertThat(gateway.readAudit()).extracting(EgressAuditEntry::host, EgressAuditEntry::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("api.example.com", "AAAA"));
    }

    @Test
    void garbageIsDroppedAndTheResponderKeepsAnswering() throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, InetAddress.getLoopbackAddress(), port));
        }
        assertThat(udp(query(9, "still.example.org", 1))[3] & 0x0f).isEqualTo(NXDOMAIN);
    }

    private byte[] udp(byte[] query) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(10_000);
            s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            s.receive(reply);
            return java.util.Arrays.copyOf(reply.getData(), reply.getLength());
        }
    }

    private byte[] tcp(byte[] query) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return answer;
        }
    }

    /** A standard recursive query for one name (RFC 1035 §4.1). */
    private static byte[] query(int id, String name, int type) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeShort(id);
        d.writeShort(0x0100); // RD
        d.writeShort(1);
        d.writeShort(0);
        d.writeShort(0);
        d.writeShort(0);
        for (String label : name.split("\\.")) {
            d.writeByte(label.length());
            d.write(label.getBytes(StandardCharsets.US_ASCII));
        }
        d.writeByte(0);
        d.writeShort(type);
        d.writeShort(1); // IN
        return b.toByteArray();
    }

    private static int id(byte[] m) {
        return ((m[0] & 0xff) << 8) | (m[1] & 0xff);
    }

    private static int questionCount(byte[] m) {
        return ((m[4] & 0xff) << 8) | (m[5] & 0xff);
    }
}
