package dev.botbottle.core.internal;

import dev.botbottle.core.plan.HostEnvironment;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.state.HostSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The watchdog process a JVM holding bottles starts (see {@code dev.botbottle.core.runtime.Watchdog}): reads which
 * homes to watch from its stdin; when stdin ends without a {@code bye}, the JVM is dying: it waits until that process
 * is gone, then removes, in every watched home, the bottles whose holder died and that are not preserved.
 *
 * <p>Not an API: started by the runtime with {@code --host <pid>@<start> --log <file>}.
 */
public final class WatchdogMain {

    private static final Logger LOG = LoggerFactory.getLogger(WatchdogMain.class);

    private WatchdogMain() {
    }

    /** @param args {@code --host SESSION --log FILE} */
    public static void main(String[] args) {
        Optional<HostSession> host = Optional.empty();
        Path log = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--host")) {
                host = HostSession.parse(args[i + 1]);
            } else if (args[i].equals("--log")) {
                log = Path.of(args[i + 1]);
            }
        }
        if (host.isEmpty()) {
            LOG.error("the watchdog needs --host <pid>@<start millis>");
            System.exit(2);
        }
        Map<Path, HostEnvironment> watched = new LinkedHashMap<>();
        Map<Path, Map<String, String>> options = new LinkedHashMap<>();
        boolean bye = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ");
                if (f[0].equals("bye")) {
                    bye = true;
                    break;
                } else if (f[0].equals("watch") && f.length >= 3) {
                    Path home = Path.of(text(f[1]));
                    watched.put(home, new HostEnvironment(home, Path.of(text(f[2])), System.getenv()));
                    options.put(home, parseOptions(f.length > 3 ? text(f[3]) : ""));
                } else if (f[0].equals("unwatch") && f.length >= 2) {
                    Path home = Path.of(text(f[1]));
                    watched.remove(home);
                    options.remove(home);
                }
            }
        } catch (IOException e) {
            LOG.debug("the watchdog's lifeline broke: {}", e.getMessage());
        }
        if (bye || watched.isEmpty()) {
            deleteQuietly(log);
            return;
        }
        awaitExit(host.get());
        boolean keepLog = false;
        for (Map.Entry<Path, HostEnvironment> e : watched.entrySet()) {
            BottleRuntime.Builder b = BottleRuntime.builder().host(e.getValue()).watchdog(false).reapOnStart(false);
            options.get(e.getKey()).forEach(b::backendOption);
            try (BottleRuntime runtime = b.build()) {
                List<String> reaped = runtime.reap();
                keepLog |= !reaped.isEmpty();
                LOG.info("{} ended; removed {} bottle(s) it left in {}: {}", host.get(), reaped.size(), e.getKey(),
                        reaped);
            } catch (RuntimeException x) {
                LOG.error("could not clean up after {} in {}: {}", host.get(), e.getKey(), x.toString());
                keepLog = true;
            }
        }
        if (!keepLog) {
            deleteQuietly(log);
        }
    }

    /** Waits until the host process is gone (its stdin end closes a moment before it is). */
    private static void awaitExit(HostSession host) {
        Optional<ProcessHandle> p = ProcessHandle.of(host.pid());
        if (p.isPresent() && host.running()) {
            p.get().onExit().join();
        }
    }

    private static Map<String, String> parseOptions(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        text.lines().filter(l -> l.contains("=")).forEach(l -> out.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        return out;
    }

    private static String text(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a log left behind is harmless
            }
        }
    }
}
