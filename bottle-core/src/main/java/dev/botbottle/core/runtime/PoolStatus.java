package dev.botbottle.core.runtime;

/**
 * A warm pool running on a bot-bottle home, as {@link BottleRuntime#poolStatus()} reports it.
 *
 * @param agent the agent its bottles are for
 * @param size how many bottles it keeps ready
 * @param available how many are ready now
 * @param pid the process holding it
 * @since 0.3
 */
public record PoolStatus(String agent, int size, int available, long pid) {
}
