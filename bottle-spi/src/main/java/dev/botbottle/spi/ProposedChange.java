package dev.botbottle.spi;

import java.util.Objects;

/**
 * What a bottle's agent asks its operator for through the supervise server, or what the operator grants instead
 * ({@link Decision#modified()}). Every change can only widen the bottle that asked: a route is added to (or merged
 * into) that bottle's routes, an image change applies to that bottle's image.
 *
 * @since 0.1
 */
public sealed interface ProposedChange {

    /** @return a one-line summary for lists and audit lines, never a secret */
    String summary();

    /**
     * Reach a host the bottle cannot reach now. A proposed route never carries a credential ({@link EgressRoute#auth()}
     * is empty): credentials are declared in the manifest, never granted by the agent's request.
     *
     * @param route the route to add, or to merge into the bottle's route with the same host pattern
     */
    record Route(EgressRoute route) implements ProposedChange {
        public Route {
            Objects.requireNonNull(route, "route");
            if (route.auth().isPresent()) {
                throw new IllegalArgumentException("a proposed route for " + route.host()
                        + " cannot carry a credential; credentials are declared in the bottle's manifest");
            }
        }

        @Override
        public String summary() {
            return "egress route " + route.host() + (route.matches().isEmpty() ? " (every path and method)"
                    : " (" + route.matches().size() + " match rule(s))");
        }
    }

    /**
     * Change the bottle's image: Dockerfile instructions applied on top of the image the bottle runs now (e.g.
     * {@code RUN apt-get install -y ripgrep}). An approved image change takes effect when the bottle is rebuilt.
     *
     * @param dockerfile the instructions, without a {@code FROM} line
     */
    record Image(String dockerfile) implements ProposedChange {
        public Image {
            Objects.requireNonNull(dockerfile, "dockerfile");
            if (dockerfile.isBlank()) {
                throw new IllegalArgumentException("an image change needs Dockerfile instructions");
            }
        }

        @Override
        public String summary() {
            String first = dockerfile.strip().lines().findFirst().orElse("");
            return "image change: " + (first.length() > 80 ? first.substring(0, 77) + "..." : first);
        }
    }

    /**
     * A free-text question to the operator; approving it answers it (the answer is the decision's note).
     *
     * @param text the question
     */
    record Question(String text) implements ProposedChange {
        public Question {
            Objects.requireNonNull(text, "text");
            if (text.isBlank()) {
                throw new IllegalArgumentException("a question must not be empty");
            }
        }

        @Override
        public String summary() {
            String first = text.strip().lines().findFirst().orElse("");
            return "question: " + (first.length() > 80 ? first.substring(0, 77) + "..." : first);
        }
    }
}
