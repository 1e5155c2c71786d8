package dev.botbottle.gateway.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes JSON lines on a stream or a socket channel. Reads are bounded; a channel is read and written
 * from different threads at once (the JDK's {@code Channels} streams would serialise both on one lock).
 */
public final class Lines implements AutoCloseable {

    /** The longest line accepted: a start message with many routes, an audit batch. */
    public static final int MAX_LINE = 16 * 1024 * 1024;

    private final InputStream in;
    private final OutputStream out;
    private final AutoCloseable resource;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;

    /** @param in read from @param out written to @param resource closed by {@link #close()} */
    public Lines(InputStream in, OutputStream out, AutoCloseable resource) {
        this.in = in;
        this.out = out;
        this.resource = resource;
    }

    /** @param channel a connected socket channel @return lines on it */
    public static Lines of(SocketChannel channel) {
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        };
        return new Lines(in, out, channel);
    }

    /**
     * @return the next line without its end, or null at the end of the stream
     * @throws IOException when reading fails or a line is longer than {@link #MAX_LINE}
     */
    public String read() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            line.write(buffer, start, position - start);
            if (line.size() > MAX_LINE) {
                throw new IOException("a control line is longer than " + MAX_LINE + " bytes");
            }
            if (position < limit) {
                position++;
                return line.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * @return the rest of the stream after the lines read so far: what this reader has buffered, then the stream
     *         (for a protocol that goes on in another form, as {@link StdioChannels} does after the ready line)
     */
    public InputStream rest() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0; // as InputStream promises; some streams (fabric8's exec output) assert len > 0
                }
                if (position < limit) {
                    int n = Math.min(len, limit - position);
                    System.arraycopy(buffer, position, b, off, n);
                    position += n;
                    return n;
                }
                return in.read(b, off, len);
            }
        };
    }

    /** @param line a line without line breaks @throws IOException when writing fails */
    public void write(String line) throws IOException {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (out) {
            out.write(bytes, 0, bytes.length);
            out.flush();
        }
    }

    @Override
    public void close() {
        try {
            resource.close();
        } catch (Exception e) {
            // closing a channel that failed: nothing left to release
        }
    }
}
