package dev.botbottle.backend.kubernetes.internal;

import dev.botbottle.spi.BackendException;
import dev.botbottle.spi.ExecRequest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Runs commands in the agent container (or another of the Pod's) through the Pod's {@code exec} subresource.
 *
 * <p>The exec API takes a command line and nothing else, and a command line ends up in the API server's audit log.
 * So the command's environment (which may hold secrets), its working directory and its input travel on the exec's
 * standard input behind a small header that {@link #WRAPPER} reads first: {@code D <dir>}, {@code E <name>
 * <value>} (values base64), {@code I <length>}, then a line {@code .}. The input follows, exactly {@code length}
 * bytes, which the wrapper hands to the command through {@code head -c}, so the command sees end of input
 * whatever the exec protocol version can say about closing a stream.
 */
final class PodExec {

    /** What the wrapper writes to standard error, with exit code 127, when the program does not exist. */
    static final String MISSING = "bot-bottle: no such program: ";

    /** The wrapper run as {@code sh -c WRAPPER bot-bottle-exec TIMEOUT ARGV...}. */
    static final String WRAPPER = String.join("\n",
            "t=$1; shift; n=",
            "cd \"$HOME\" 2>/dev/null || cd /",
            "while IFS= read -r l; do",
            "  case \"$l\" in",
            "    .) break ;;",
            "    'D '*) d=$(printf %s \"${l#D }\" | base64 -d; printf x); cd \"${d%x}\" || exit 126 ;;",
            "    'E '*) r=${l#E }; k=${r%% *}; v=$(printf %s \"${r#* }\" | base64 -d; printf x); export \"$k=${v%x}\" ;;",
            "    'I '*) n=${l#I } ;;",
            "  esac",
            "done",
            "command -v \"$1\" >/dev/null 2>&1 || { printf '%s%s\\n' '" + MISSING + "' \"$1\" >&2; exit 127; }",
            "k=; command -v timeout >/dev/null 2>&1 && k=\"timeout -s KILL $t\"",
            "if [ -n \"$n\" ]; then head -c \"$n\" | $k \"$@\"; else $k \"$@\" </dev/null; fi",
            "");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final KubernetesClient client;
    private final String namespace;
    private final String slug;
    private final String pod;
    private final String container;

    PodExec(KubernetesClient client, String namespace, String slug, String pod) {
        this(client, namespace, slug, pod, Names.AGENT_CONTAINER);
    }

    /** @param container the Pod's container the commands run in */
    PodExec(KubernetesClient client, String namespace, String slug, String pod, String container) {
        this.client = client;
        this.namespace = namespace;
        this.slug = slug;
        this.pod = pod;
        this.container = container;
    }

    /** @return the Pod this runs commands in */
    String pod() {
        return pod;
    }

    /**
     * @param request the command (its {@code stdin} is ignored when {@code input} is given)
     * @param input the command's input and its length, or empty for the request's own
     * @param stdout receives standard output
     * @param stderr receives standard error
     * @return the exit code
     */
    int run(ExecRequest request, Optional<Input> input, OutputStream stdout, OutputStream stderr) {
        Input in = input.orElseGet(() -> request.stdin().map(b -> new Input(new ByteArrayInputStream(b), b.length))
                .orElse(null));
        byte[] header = header(request, in == null ? -1 : in.length());
        InputStream stream = in == null ? new ByteArrayInputStream(header)
                : new HeaderThenInput(new ByteArrayInputStream(header), in.stream());
        List<String> command = command(request);
        ErrorTail err = new ErrorTail(stderr);
        ExecWatch watch;
        try {
            watch = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
                    .readingInput(stream).writingOutput(stdout).writingError(err).exec(command.toArray(String[]::new));
        } catch (KubernetesClientException e) {
            throw new BackendException("could not run " + request.argv().get(0) + " in bottle " + slug + " (pod "
                    + namespace + "/" + pod + "): " + e.getMessage(), e);
        }
        try (watch) {
            Integer code = watch.exitCode().get(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (code == null || code < 0) {
                throw new BackendException("the exec of " + request.argv().get(0) + " in bottle " + slug
                        + " ended without an exit code (the connection to the API server broke?)");
            }
            if (code == 127 && err.tail().contains(MISSING + request.argv().get(0))) {
                throw new BackendException("no program '" + request.argv().get(0) + "' in bottle " + slug
                        + " (not on the agent's PATH)");
            }
            return code;
        } catch (TimeoutException e) {
            throw new BackendException(request.argv().get(0) + " in bottle " + slug + " timed out after "
                    + request.timeout().toSeconds() + " s and was killed");
        } catch (ExecutionException e) {
            throw new BackendException("could not run " + request.argv().get(0) + " in bottle " + slug + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while " + request.argv().get(0) + " ran in bottle " + slug, e);
        }
    }

    /** @return the exec's command line: the wrapper, the time-out and the argv; no environment value */
    static List<String> command(ExecRequest request) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", WRAPPER, "bot-bottle-exec",
                Long.toString(Math.max(1, request.timeout().toSeconds() + 2))));
        command.addAll(request.argv());
        return command;
    }

    static byte[] header(ExecRequest request, long inputLength) {
        StringBuilder h = new StringBuilder();
        request.workdir().ifPresent(d -> h.append("D ").append(b64(d)).append('\n'));
        new TreeMap<>(request.env()).forEach((k, v) -> {
            if (!ENV_NAME.matcher(k).matches()) {
                throw new BackendException("environment variable name '" + k + "' is not a valid name (letters, "
                        + "digits, '_'; not starting with a digit)");
            }
            h.append("E ").append(k).append(' ').append(b64(v)).append('\n');
        });
        if (inputLength >= 0) {
            h.append("I ").append(inputLength).append('\n');
        }
        h.append(".\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** @param stream the command's input @param length exactly how many bytes it holds */
    record Input(InputStream stream, long length) {
    }

    /**
     * The header, then the input. Unlike {@link java.io.SequenceInputStream} it reports what both hold as
     * {@link #available()}: the client's input pump polls it and would otherwise take the header's end for a pause.
     * Both parts are a byte array or a file, whose {@code available()} is what is left.
     */
    private static final class HeaderThenInput extends InputStream {
        private final InputStream header;
        private final InputStream input;

        HeaderThenInput(InputStream header, InputStream input) {
            this.header = header;
            this.input = input;
        }

        @Override
        public int read() throws java.io.IOException {
            int b = header.read();
            return b >= 0 ? b : input.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = header.read(b, off, len);
            return n > 0 ? n : input.read(b, off, len);
        }

        @Override
        public int available() throws java.io.IOException {
            long left = (long) header.available() + input.available();
            return (int) Math.min(Integer.MAX_VALUE, left);
        }

        @Override
        public void close() throws java.io.IOException {
            input.close();
        }
    }

    /** Passes standard error on, keeping its last bytes for the missing-program check. */
    static final class ErrorTail extends OutputStream {
        private static final int KEEP = 4096;
        private final OutputStream target;
        private final ByteArrayOutputStream tail = new ByteArrayOutputStream();

        ErrorTail(OutputStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            target.write(b, off, len);
            if (tail.size() + len > KEEP) {
                byte[] kept = tail.toByteArray();
                tail.reset();
                int from = Math.max(0, kept.length + len - KEEP);
                if (from < kept.length) {
                    tail.write(kept, from, kept.length - from);
                }
            }
            tail.write(b, off + Math.max(0, len - KEEP), Math.min(len, KEEP));
        }

        @Override
        public void flush() throws java.io.IOException {
            target.flush();
        }

        synchronized String tail() {
            return tail.toString(StandardCharsets.UTF_8);
        }
    }
}
