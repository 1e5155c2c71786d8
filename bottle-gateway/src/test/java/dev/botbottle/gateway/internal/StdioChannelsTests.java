package dev.botbottle.gateway.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control channels over a program's standard streams: both sides for real, over pipes and a Unix socket. */
@Timeout(60)
class StdioChannelsTests {

    @Test
    void linesTravelBothWaysBetweenTheRuntimeAndTheProgramsControlSocket(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("control.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread echo = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try {
                        Lines lines = Lines.of(server.accept());
                        new Thread(() -> {
                            try (lines) {
                                lines.write("echo " + lines.read());
                            } catch (IOException e) {
                                // the test fails on its side
                            }
                        }).start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            echo.start();
            Pipe down = Pipe.open();
            Pipe up = Pipe.open();
            OutputStream toProgram = Channels.newOutputStream(down.sink());
            InputStream programIn = Channels.newInputStream(down.source());
            OutputStream fromProgram = Channels.newOutputStream(up.sink());
            InputStream runtimeIn = Channels.newInputStream(up.source());
            CountDownLatch programEnded = new CountDownLatch(1);
            StdioChannels.programSide(programIn, fromProgram, "t", socket, programEnded::countDown);
            StdioChannels runtime = StdioChannels.runtimeSide(toProgram, "t");
            runtime.start(runtimeIn, () -> { });

            try (Lines first = runtime.open(); Lines second = runtime.open()) {
                second.write("two");
                assertThat(second.read()).isEqualTo("echo two");
                first.write("one");
                assertThat(first.read()).isEqualTo("echo one");
                assertThat(first.read()).as("the server closed the connection").isNull();
            }
            echo.join();
            // the runtime going away is the program's end
            toProgram.close();
            assertThat(programEnded.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aChannelNobodyReadsIsClosedAtItsBoundAndTheOthersGoOn() throws Exception {
        Pipe pipe = Pipe.open();
        OutputStream program = Channels.newOutputStream(pipe.sink());
        InputStream runtimeIn = Channels.newInputStream(pipe.source());
        ByteArrayOutputStream toProgram = new ByteArrayOutputStream();
        StdioChannels runtime = StdioChannels.runtimeSide(toProgram, "t");
        runtime.start(runtimeIn, () -> { });
        Lines unread = runtime.open();
        Lines read = runtime.open();
        DataOutputStream frames = new DataOutputStream(program);
        byte[] chunk = new byte[StdioChannels.MAX_FRAME];
        java.util.Arrays.fill(chunk, (byte) 'x');
        Thread writer = new Thread(() -> {
            try {
                for (long sent = 0; sent <= StdioChannels.MAX_BUFFERED; sent += chunk.length) {
                    data(frames, 1, chunk);
                }
                data(frames, 2, "hello\n".getBytes());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        // control: the other channel is served
        assertThat(read.read()).isEqualTo("hello");
        writer.join();
        assertThat(unread.read()).as("the channel beyond its bound is closed, its bytes dropped").isNull();
        assertThat(frames(toProgram.toByteArray())).contains("CLOSE 1").doesNotContain("CLOSE 2");
        assertThatThrownBy(() -> unread.write("more")).isInstanceOf(IOException.class);
    }

    @Test
    void aFrameLongerThanTheBoundEndsTheChannels() throws Exception {
        Pipe pipe = Pipe.open();
        OutputStream program = Channels.newOutputStream(pipe.sink());
        InputStream runtimeIn = Channels.newInputStream(pipe.source());
        StdioChannels runtime = StdioChannels.runtimeSide(new ByteArrayOutputStream(), "t");
        CountDownLatch ended = new CountDownLatch(1);
        runtime.start(runtimeIn, ended::countDown);
        Lines channel = runtime.open();
        DataOutputStream frames = new DataOutputStream(program);
        data(frames, 1, "fine\n".getBytes());
        assertThat(channel.read()).as("control: a frame within the bound is delivered").isEqualTo("fine");
        frames.writeByte(StdioChannels.DATA);
        frames.writeInt(1);
        frames.writeInt(StdioChannels.MAX_FRAME + 1);
        frames.flush();
        assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(channel.read()).isNull();
        assertThatThrownBy(runtime::open).isInstanceOf(IOException.class).hasMessageContaining("ended");
    }

    private static void data(DataOutputStream frames, int id, byte[] bytes) throws IOException {
        frames.writeByte(StdioChannels.DATA);
        frames.writeInt(id);
        frames.writeInt(bytes.length);
        frames.write(bytes);
        frames.flush();
    }

    /** @return the frames the runtime sent, as "OPEN 1", "CLOSE 1", "DATA 1 n" */
    private static java.util.List<String> frames(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        java.util.List<String> seen = new java.util.ArrayList<>();
        while (in.available() > 0) {
            int type = in.readUnsignedByte();
            int id = in.readInt();
            if (type == StdioChannels.DATA) {
                int n = in.readInt();
                in.skipNBytes(n);
                seen.add("DATA " + id + " " + n);
            } else {
                seen.add((type == StdioChannels.OPEN ? "OPEN " : "CLOSE ") + id);
            }
        }
        return seen;
    }

}
