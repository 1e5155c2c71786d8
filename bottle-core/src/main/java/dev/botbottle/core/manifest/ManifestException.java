package dev.botbottle.core.manifest;

import dev.botbottle.spi.BottleException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when manifests are invalid or an agent cannot be matched with its bottle; carries every problem found.
 *
 * <p>The message is every problem {@link ManifestProblem#render() rendered}, one per line, so it can be shown as
 * it is. It never contains a secret.
 *
 * @since 0.1
 */
public class ManifestException extends BottleException {
    private static final long serialVersionUID = 1L;

    /** Problems are immutable records; the list is immutable too. */
    @SuppressWarnings("serial")
    private final List<ManifestProblem> problems;

    /** @param problems the problems, at least one */
    public ManifestException(List<ManifestProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    /** @param problem the problem */
    public ManifestException(ManifestProblem problem) {
        this(List.of(problem));
    }

    /** @return every problem, in the order found; errors and, possibly, warnings */
    public List<ManifestProblem> problems() {
        return problems;
    }

    private static String render(List<ManifestProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ManifestException needs at least one problem");
        }
        return problems.stream().map(ManifestProblem::render).collect(Collectors.joining("\n"));
    }
}
