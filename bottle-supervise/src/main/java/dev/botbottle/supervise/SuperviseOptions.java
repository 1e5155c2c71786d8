package dev.botbottle.supervise;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of every supervise server a {@link SuperviseGatewayProvider} starts.
 *
 * @param answerWait how long a tool call waits for the operator's answer before it answers "still pending"; keep it
 *                   under the agent CLI's own tool time-out (Codex's default is 60 s)
 * @param maxWaitingCalls how many tool calls of one bottle may wait for answers at once; further calls answer
 *                        "still pending" at once, so one bottle cannot hold every server thread
 * @param maxRequestBytes the largest MCP request body accepted
 * @since 0.1
 */
public record SuperviseOptions(Duration answerWait, int maxWaitingCalls, int maxRequestBytes) {

    public SuperviseOptions {
        Objects.requireNonNull(answerWait, "answerWait");
        if (answerWait.isNegative()) {
            throw new IllegalArgumentException("answerWait must not be negative");
        }
        if (maxWaitingCalls < 1 || maxRequestBytes < 1024) {
            throw new IllegalArgumentException("maxWaitingCalls must be at least 1 and maxRequestBytes at least 1024");
        }
    }

    /** @return 45 s answer wait, 8 waiting calls, 256 KiB requests */
    public static SuperviseOptions defaults() {
        return new SuperviseOptions(Duration.ofSeconds(45), 8, 256 * 1024);
    }

    /** @param wait the answer wait @return a copy with it */
    public SuperviseOptions withAnswerWait(Duration wait) {
        return new SuperviseOptions(wait, maxWaitingCalls, maxRequestBytes);
    }

    /** @param calls the waiting-call bound @return a copy with it */
    public SuperviseOptions withMaxWaitingCalls(int calls) {
        return new SuperviseOptions(answerWait, calls, maxRequestBytes);
    }
}
