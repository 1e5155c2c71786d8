package dev.botbottle.it;

import dev.botbottle.core.manifest.Manifest;
import dev.botbottle.core.runtime.BottleListener;
import dev.botbottle.core.runtime.BottleRuntime;
import dev.botbottle.core.runtime.LaunchPhase;
import dev.botbottle.core.runtime.LaunchRequest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A host JVM for {@code CrashCleanupIT} to kill: launches the {@code worker} agent of the home it is given, says
 * where it got to on stdout ({@code MID <slug>} once the bottle is created and before it starts, {@code READY <slug>}
 * once it runs, {@code STOPPED <slug>} after stopping it), then waits to be killed.
 *
 * <p>Arguments: {@code HOME MODE WATCHDOG SLUG}, MODE one of {@code launch} (stop mid-launch), {@code run},
 * {@code stopped}; WATCHDOG {@code true} or {@code false}.
 */
public final class CrashingHost {

    private CrashingHost() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(args[0]);
        String mode = args[1];
        boolean watchdog = Boolean.parseBoolean(args[2]);
        String slug = args[3];
        CountDownLatch forever = new CountDownLatch(1);
        BottleListener listener = new BottleListener() {
            @Override
            public void phase(String s, LaunchPhase phase, Duration took) {
                if (mode.equals("launch") && phase == LaunchPhase.CREATE) {
                    say("MID " + s);
                    await(forever);
                }
            }
        };
        BottleRuntime runtime = BottleRuntime.builder().home(home).watchdog(watchdog).listener(listener).build();
        runtime.launch(LaunchRequest.builder(Manifest.load(home), "worker").label(slug).build());
        if (mode.equals("stopped")) {
            runtime.stop(slug);
            say("STOPPED " + slug);
        } else {
            say("READY " + slug);
        }
        await(forever);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
