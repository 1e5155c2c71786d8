package dev.botbottle.spi;

import java.util.List;

/**
 * One rule of a route's {@code matches}: a request matches when its path matches one of {@link #paths()}
 * (or there are none) and its method is one of {@link #methods()} (or there are none).
 *
 * @param paths path rules, any of which may match
 * @param methods upper-case HTTP methods, any of which may match
 * @since 0.1
 */
public record RouteMatch(List<PathMatch> paths, List<String> methods) {
    public RouteMatch {
        paths = List.copyOf(paths);
        methods = methods.stream().map(m -> m.toUpperCase(java.util.Locale.ROOT)).toList();
    }
}
