package dev.botbottle.backend.kubernetes.internal;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What a Pod's status says, in words for messages. */
final class PodStates {

    private PodStates() {
    }

    static boolean ready(Pod pod) {
        return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
                && statuses(pod).stream().filter(s -> Names.AGENT_CONTAINER.equals(s.getName()))
                .anyMatch(s -> Boolean.TRUE.equals(s.getReady()));
    }

    static boolean failed(Pod pod) {
        return pod.getStatus() != null && ("Failed".equals(pod.getStatus().getPhase())
                || "Succeeded".equals(pod.getStatus().getPhase()));
    }

    static String why(Pod pod) {
        if (pod == null) {
            return "the pod is gone";
        }
        if (pod.getStatus() == null) {
            return "no status yet (not scheduled?)";
        }
        String waiting = Stream.concat(pod.getStatus().getInitContainerStatuses() == null ? Stream.empty()
                        : pod.getStatus().getInitContainerStatuses().stream(), statuses(pod).stream())
                .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
                .map(s -> s.getName() + ": " + s.getState().getWaiting().getReason()
                        + (s.getState().getWaiting().getMessage() == null ? "" : " (" + s.getState().getWaiting()
                        .getMessage() + ")"))
                .collect(Collectors.joining("; "));
        return "phase " + pod.getStatus().getPhase() + (waiting.isEmpty() ? "" : ", " + waiting)
                + (pod.getStatus().getMessage() == null ? "" : ", " + pod.getStatus().getMessage());
    }

    private static List<ContainerStatus> statuses(Pod pod) {
        return pod.getStatus().getContainerStatuses() == null ? List.of() : pod.getStatus().getContainerStatuses();
    }
}
