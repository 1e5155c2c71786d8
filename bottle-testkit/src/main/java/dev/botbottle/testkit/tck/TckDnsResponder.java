package dev.botbottle.testkit.tck;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the egress gateway's DNS responder: listens on UDP port 53 of the bind address, answers every
 * query with NXDOMAIN at once, and records the names asked. The TCK gives its port to the backend as a UDP gateway
 * port, as the runtime does for the real responder.
 *
 * @since 0.1
 */
public final class TckDnsResponder implements AutoCloseable {

    /** The DNS port, which resolvers cannot be told to change. */
    public static final int PORT = 53;

    private final DatagramSocket socket;
    private final List<String> names = new CopyOnWriteArrayList<>();

    private TckDnsResponder(DatagramSocket socket) {
        this.socket = socket;
        Thread thread = new Thread(this::serve, "tck-dns-" + socket.getLocalAddress().getHostAddress());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @param address the bind address
     * @return the responder, answering
     * @throws SocketException when port 53 cannot be bound there (it needs root)
     */
    public static TckDnsResponder on(String address) throws IOException {
        DatagramSocket socket = new DatagramSocket(null);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), PORT));
        return new TckDnsResponder(socket);
    }

    /** @return every name asked so far, lower case, without the trailing dot */
    public List<String> names() {
        return List.copyOf(names);
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket query = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(query);
                byte[] answer = nxdomain(query.getData(), query.getLength());
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                }
            } catch (IOException e) {
                // closed, or one bad packet: keep answering until closed
            }
        }
    }

    /** @return the query turned into an NXDOMAIN response (header flags changed, question kept), or null */
    private byte[] nxdomain(byte[] packet, int length) {
        if (length < 12) {
            return null;
        }
        int offset = 12;
        StringBuilder name = new StringBuilder();
        while (offset < length) {
            int label = packet[offset] & 0xff;
            if (label == 0 || label > 63 || offset + 1 + label > length) {
                break;
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(packet, offset + 1, label, StandardCharsets.US_ASCII));
            offset += 1 + label;
        }
        if (offset >= length || packet[offset] != 0 || offset + 5 > length) {
            return null;
        }
        names.add(name.toString().toLowerCase(java.util.Locale.ROOT));
        int questionEnd = offset + 5;
        byte[] answer = java.util.Arrays.copyOf(packet, questionEnd);
        answer[2] = (byte) (0x80 | (packet[2] & 0x79)); // QR, opcode and RD kept, AA/TC cleared
        answer[3] = (byte) 0x83;                          // RA, RCODE 3 (NXDOMAIN)
        answer[4] = 0;
        answer[5] = 1;                                    // one question
        for (int i = 6; i < 12; i++) {
            answer[i] = 0;                                // no answer, authority or additional records
        }
        return answer;
    }

    @Override
    public void close() {
        socket.close();
    }
}
