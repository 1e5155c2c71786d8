package dev.botbottle.spi;

import java.util.List;
import java.util.Map;

/**
 * A command to run on the host, with the environment it must be given (which may hold secret values; they
 * never appear in {@link #argv()}).
 *
 * @param argv the host program and its arguments
 * @param environment variables to add to the host process's environment
 * @since 0.1
 */
public record HostCommand(List<String> argv, Map<String, String> environment) {
    public HostCommand {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    /** @return the argv, with environment values masked */
    @Override
    public String toString() {
        return "HostCommand[argv=" + argv + ", environment=" + environment.keySet() + "]";
    }
}
