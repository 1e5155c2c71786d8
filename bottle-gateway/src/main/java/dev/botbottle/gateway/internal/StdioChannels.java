package dev.botbottle.gateway.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Control connections carried over a gateway program's standard input and output, for a program whose control socket
 * the runtime's host cannot reach (a sidecar in a cluster; ADR 18). After the ready line both streams carry frames: a
 * type byte ({@code OPEN}, {@code DATA}, {@code CLOSE}), a channel number, and for {@code DATA} a length (at most
 * {@link #MAX_FRAME}) and the bytes. The runtime opens channels ({@link #open()}); the program connects each to its
 * own control socket, so the control server and client are the ones a shared file system uses. {@code CLOSE} ends a
 * channel both ways.
 *
 * <p>Memory is bounded: a channel holds at most {@link #MAX_BUFFERED} bytes received and not yet consumed (a whole
 * control line and a frame); beyond that it is closed, so a reader that stops reading loses its own connection, not
 * the others' or the heap. At most {@link #MAX_CHANNELS} are open at once. The end of the incoming stream ends every
 * channel and, on the program's side, the program (it is the lifeline).
 */
public final class StdioChannels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StdioChannels.class);
    static final int OPEN = 1;
    static final int DATA = 2;
    static final int CLOSE = 3;
    /** The largest frame's payload. */
    public static final int MAX_FRAME = 64 * 1024;
    /** What one channel may hold unread. */
    public static final int MAX_BUFFERED = Lines.MAX_LINE + MAX_FRAME;
    /** Channels open at once (the control server accepts as many). */
    public static final int MAX_CHANNELS = 64;

    private final DataOutputStream out;
    private final String slug;
    private final Path controlSocket;
    private final Map<Integer, Channel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean ended;

    private StdioChannels(OutputStream out, String slug, Path controlSocket) {
        this.out = new DataOutputStream(out);
        this.slug = slug;
        this.controlSocket = controlSocket;
    }

    /**
     * The runtime's side: channels are opened with {@link #open()} once {@link #start} was given the program's
     * output after its ready line.
     *
     * @param toProgram the program's standard input
     * @param slug the bottle, for thread names and messages
     * @return the channels
     */
    public static StdioChannels runtimeSide(OutputStream toProgram, String slug) {
        return new StdioChannels(toProgram, slug, null);
    }

    /**
     * The program's side: every channel the runtime opens is connected to {@code controlSocket}.
     *
     * @param stdin the program's standard input after its start line
     * @param stdout the program's standard output after its ready line
     * @param slug the bottle
     * @param controlSocket the program's control socket
     * @param ended called when standard input ends (the runtime went away)
     * @return the channels, reading
     */
    public static StdioChannels programSide(InputStream stdin, OutputStream stdout, String slug, Path controlSocket,
                                            Runnable ended) {
        StdioChannels channels = new StdioChannels(stdout, slug, controlSocket);
        channels.start(stdin, ended);
        return channels;
    }

    /**
     * Starts reading frames.
     *
     * @param in the other side's output (after its ready line)
     * @param ended called once when it ends
     */
    public void start(InputStream in, Runnable ended) {
        Thread reader = new Thread(() -> {
            try {
                read(new DataInputStream(in));
            } catch (IOException e) {
                if (!this.ended) {
                    LOG.debug("the control frames of bottle {} ended: {}", slug, e.getMessage());
                }
            } finally {
                close();
                ended.run();
            }
        }, "gateway-channels-" + slug);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Opens a channel to the program's control server (the runtime's side).
     *
     * @return a connection carrying control lines
     * @throws IOException when the program's output has ended, or too many channels are open
     */
    public Lines open() throws IOException {
        if (ended) {
            throw new IOException("the gateway program's standard output has ended");
        }
        if (channels.size() >= MAX_CHANNELS) {
            throw new IOException(MAX_CHANNELS + " control channels are open");
        }
        int id = next.incrementAndGet();
        Channel channel = new Channel(id);
        channels.put(id, channel);
        send(OPEN, id, new byte[0], 0, 0);
        return new Lines(channel.input, channel.output, channel);
    }

    private void read(DataInputStream in) throws IOException {
        while (true) {
            int type;
            try {
                type = in.readUnsignedByte();
            } catch (EOFException e) {
                return;
            }
            int id = in.readInt();
            switch (type) {
                case OPEN -> opened(id);
                case DATA -> {
                    int length = in.readInt();
                    if (length < 0 || length > MAX_FRAME) {
                        throw new IOException("a control frame of " + length + " bytes (at most " + MAX_FRAME + ")");
                    }
                    byte[] bytes = in.readNBytes(length);
                    if (bytes.length < length) {
                        return;
                    }
                    Channel channel = channels.get(id);
                    if (channel != null) {
                        channel.received(bytes);
                    }
                }
                case CLOSE -> {
                    Channel channel = channels.remove(id);
                    if (channel != null) {
                        channel.closedByPeer();
                    }
                }
                default -> throw new IOException("an unknown control frame type " + type);
            }
        }
    }

    /** The program's side: a channel the runtime opened is connected to the control socket. */
    private void opened(int id) throws IOException {
        if (controlSocket == null || channels.containsKey(id) || channels.size() >= MAX_CHANNELS) {
            send(CLOSE, id, new byte[0], 0, 0);
            return;
        }
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            socket.connect(UnixDomainSocketAddress.of(controlSocket));
        } catch (IOException e) {
            socket.close();
            LOG.warn("control channel {} of bottle {}: the control socket does not answer: {}", id, slug,
                    e.getMessage());
            send(CLOSE, id, new byte[0], 0, 0);
            return;
        }
        Channel channel = new Channel(id);
        channel.socket = socket;
        channels.put(id, channel);
        daemon("gateway-channel-" + id + "-out", () -> pump(socket, channel));
        daemon("gateway-channel-" + id + "-in", () -> drain(channel, socket));
    }

    /** Socket to frames, until the control server closes the connection. */
    private void pump(SocketChannel socket, Channel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_FRAME);
        try {
            while (socket.read(buffer.clear()) >= 0) {
                send(DATA, channel.id, buffer.array(), 0, buffer.position());
            }
        } catch (IOException e) {
            LOG.debug("control channel {} of bottle {}: {}", channel.id, slug, e.getMessage());
        }
        channel.close();
    }

    /** Frames to socket, until the runtime closes the channel. */
    private void drain(Channel channel, SocketChannel socket) {
        byte[] buffer = new byte[MAX_FRAME];
        try {
            int n;
            while ((n = channel.input.read(buffer, 0, buffer.length)) >= 0) {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    socket.write(bytes);
                }
            }
        } catch (IOException e) {
            LOG.debug("control channel {} of bottle {}: {}", channel.id, slug, e.getMessage());
        }
        channel.close();
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private void send(int type, int id, byte[] bytes, int offset, int length) throws IOException {
        synchronized (out) {
            out.writeByte(type);
            out.writeInt(id);
            if (type == DATA) {
                out.writeInt(length);
                out.write(bytes, offset, length);
            }
            out.flush();
        }
    }

    /** Ends every channel; the streams stay as they are (their owners close them). */
    @Override
    public void close() {
        ended = true;
        channels.values().forEach(Channel::closedByPeer);
        channels.clear();
    }

    /** One connection: what the other side sent and this side has not read, and a way to send. */
    private final class Channel implements AutoCloseable {
        private final int id;
        private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        private int buffered;
        private int offset;
        private boolean peerClosed;
        private boolean closed;
        private volatile SocketChannel socket;

        private final InputStream input = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return take(b, off, len);
            }
        };

        private final OutputStream output = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (Channel.this) {
                    if (closed || peerClosed) {
                        throw new IOException("control channel " + id + " is closed");
                    }
                }
                for (int at = off; at < off + len; at += MAX_FRAME) {
                    send(DATA, id, b, at, Math.min(MAX_FRAME, off + len - at));
                }
            }
        };

        Channel(int id) {
            this.id = id;
        }

        synchronized void received(byte[] bytes) throws IOException {
            if (closed || bytes.length == 0) {
                return;
            }
            if (buffered + bytes.length > MAX_BUFFERED) {
                LOG.warn("control channel {} of bottle {} holds {} unread bytes: closing it", id, slug, buffered);
                closeLocked();
                return;
            }
            pending.add(bytes);
            buffered += bytes.length;
            notifyAll();
        }

        synchronized int take(byte[] b, int off, int len) throws IOException {
            while (pending.isEmpty() && !peerClosed && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted reading control channel " + id);
                }
            }
            if (pending.isEmpty()) {
                return -1;
            }
            byte[] head = pending.peek();
            int n = Math.min(len, head.length - offset);
            System.arraycopy(head, offset, b, off, n);
            offset += n;
            buffered -= n;
            if (offset == head.length) {
                pending.poll();
                offset = 0;
            }
            return n;
        }

        synchronized void closedByPeer() {
            peerClosed = true;
            notifyAll();
            closeSocket();
        }

        @Override
        public synchronized void close() {
            try {
                closeLocked();
            } catch (IOException e) {
                LOG.debug("closing control channel {} of bottle {}: {}", id, slug, e.getMessage());
            }
        }

        private void closeLocked() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
            buffered = 0;
            notifyAll();
            closeSocket();
            channels.remove(id);
            if (!peerClosed && !ended) {
                send(CLOSE, id, new byte[0], 0, 0);
            }
        }

        private void closeSocket() {
            SocketChannel s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // already gone
                }
            }
        }
    }
}
