package dev.botbottle.core.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs steps that must all be tried even when one fails (teardown, cleanup, undoing a failed launch), logging each
 * failure with what it was doing and keeping every one: the first is rethrown with the others suppressed in it.
 */
final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    private final List<RuntimeException> failures = new ArrayList<>();

    /**
     * @param what the step, for the log ("removing the state of bottle x")
     * @param step the step
     */
    void run(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.error("{} failed: {}", what, e.getMessage());
            failures.add(e);
        }
    }

    /** @return whether any step failed */
    boolean any() {
        return !failures.isEmpty();
    }

    /** Throws the first failure, every other one suppressed in it; returns when nothing failed. */
    void rethrow() {
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    /** @param cause the failure these steps were undoing: every failure is added to it as suppressed */
    void suppressInto(RuntimeException cause) {
        failures.forEach(cause::addSuppressed);
    }
}
