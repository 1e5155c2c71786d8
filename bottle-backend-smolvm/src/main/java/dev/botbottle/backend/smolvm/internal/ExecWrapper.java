package dev.botbottle.backend.smolvm.internal;

import dev.botbottle.spi.support.AgentUser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wraps every command run in a machine, because {@code smolvm machine exec} exits 1 both for its own errors and
 * for a guest command's {@code exit 1}: a small POSIX sh script changes to the directory, becomes the user
 * ({@code setpriv}; smolvm 1.9 has no exec user), runs the command, and ends standard error with a marker line
 * {@code \n<nonce>:rc=<code>\n} (or {@code :missing}, {@code :nodir}, {@code :nouser}). A result is the guest's
 * only when the marker is there; {@link MarkerFilter} keeps the marker out of what the caller sees.
 */
public final class ExecWrapper {

    /** Environment variable carrying an exec's nonce, so a timed-out command can be found and killed. */
    public static final String EXEC_ID_VARIABLE = "BOT_BOTTLE_EXEC_ID";

    static final String SCRIPT = String.join("\n",
            "n=$1; uid=$2; gid=$3; home=$4; dir=$5; shift 5",
            "end() { [ -z \"$n\" ] || printf '\\n%s:%s\\n' \"$n\" \"$1\" >&2; }",
            EXEC_ID_VARIABLE + "=$n; export " + EXEC_ID_VARIABLE,
            "HOME=$home; export HOME",
            "[ -n \"$dir\" ] || dir=$home",
            "if ! cd \"$dir\" 2>/dev/null; then end nodir; exit 1; fi",
            "if ! command -v \"$1\" >/dev/null 2>&1; then end missing; exit 127; fi",
            "me=$(id -u)",
            "if [ \"$me\" = \"$uid\" ]; then \"$@\"",
            "elif [ \"$me\" != 0 ]; then end nouser; exit 1",
            "else setpriv --reuid=\"$uid\" --regid=\"$gid\" --init-groups --no-new-privs -- \"$@\"; fi",
            "rc=$?",
            "end rc=$rc",
            "exit $rc");

    /** Kills, as root, every process whose environment holds the given exec id. */
    static final String KILL_SCRIPT = String.join("\n",
            "for e in /proc/[0-9]*/environ; do",
            "  if tr '\\0' '\\n' < \"$e\" 2>/dev/null | grep -qx \"" + EXEC_ID_VARIABLE + "=$1\"; then",
            "    p=${e#/proc/}; kill -9 \"${p%/environ}\" 2>/dev/null || true",
            "  fi",
            "done");

    private ExecWrapper() {
    }

    /** @return a fresh nonce for one exec */
    public static String nonce() {
        return "bb-" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * @param nonce the exec's nonce; empty for an attached terminal, which gets no marker
     * @param user who runs it
     * @param workdir where, or empty for the user's home
     * @param argv the command
     * @return the guest command line: {@code sh -c SCRIPT sh nonce uid gid home dir argv...}
     */
    public static List<String> argv(String nonce, AgentUser user, Optional<String> workdir, List<String> argv) {
        List<String> out = new ArrayList<>(List.of("sh", "-c", SCRIPT, "sh", nonce, Integer.toString(user.uid()),
                Integer.toString(user.gid()), user.home(), workdir.orElse("")));
        out.addAll(argv);
        return out;
    }

    /** What the marker said. */
    public sealed interface Status {
        /** The command ran and exited with this code. */
        record Exited(int code) implements Status {
        }

        /** The wrapper refused: {@code missing} program, {@code nodir}, {@code nouser}. */
        record Refused(String why) implements Status {
        }
    }

    /**
     * Passes standard error through, holding back a trailing marker line, which {@link #status()} then reports.
     * Bounded: it holds at most one marker's worth of bytes.
     */
    public static final class MarkerFilter extends OutputStream {
        private static final Pattern TAIL = Pattern.compile("(rc=(\\d{1,3})|missing|nodir|nouser)\\n");

        private final OutputStream target;
        private final byte[] prefix;
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private Status status;
        private boolean finished;

        /**
         * @param target receives everything but the marker
         * @param nonce the exec's nonce
         */
        public MarkerFilter(OutputStream target, String nonce) {
            this.target = target;
            this.prefix = ("\n" + nonce + ":").getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            if (held.size() == 0) {
                if (b == '\n') {
                    held.write(b);
                } else {
                    target.write(b);
                }
                return;
            }
            held.write(b);
            if (!candidate()) {
                byte[] bytes = held.toByteArray();
                held.reset();
                target.write(bytes, 0, bytes.length - 1);
                write(bytes[bytes.length - 1]);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            int i = off;
            int end = off + len;
            while (i < end) {
                if (held.size() == 0) {
                    int nl = i;
                    while (nl < end && b[nl] != '\n') {
                        nl++;
                    }
                    target.write(b, i, nl - i);
                    i = nl;
                    if (i == end) {
                        break;
                    }
                }
                write(b[i++]);
            }
        }

        private boolean candidate() {
            byte[] h = held.toByteArray();
            int n = Math.min(h.length, prefix.length);
            for (int i = 0; i < n; i++) {
                if (h[i] != prefix[i]) {
                    return false;
                }
            }
            if (h.length <= prefix.length) {
                return true;
            }
            String tail = new String(h, prefix.length, h.length - prefix.length, StandardCharsets.US_ASCII);
            if (tail.length() > 12) {
                return false;
            }
            Matcher m = TAIL.matcher(tail);
            return m.matches() || m.hitEnd();
        }

        /** Releases what is held unless it is a complete marker; call once the process ended. */
        public synchronized void finish() throws IOException {
            if (finished) {
                return;
            }
            finished = true;
            byte[] h = held.toByteArray();
            held.reset();
            if (h.length > prefix.length) {
                Matcher m = TAIL.matcher(new String(h, prefix.length, h.length - prefix.length,
                        StandardCharsets.US_ASCII));
                if (m.matches()) {
                    status = m.group(2) != null ? new Status.Exited(Integer.parseInt(m.group(2)))
                            : new Status.Refused(m.group(1));
                    target.flush();
                    return;
                }
            }
            target.write(h);
            target.flush();
        }

        /** @return what the marker said, after {@link #finish()}; empty when there was none */
        public synchronized Optional<Status> status() {
            return Optional.ofNullable(status);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }
    }
}
