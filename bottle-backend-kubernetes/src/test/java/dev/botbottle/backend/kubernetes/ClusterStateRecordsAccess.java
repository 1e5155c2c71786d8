package dev.botbottle.backend.kubernetes;

import dev.botbottle.backend.kubernetes.internal.StateRecords;

/** Lets the internal package's tests make the public {@link ClusterStateRecords} on a test's API client. */
public final class ClusterStateRecordsAccess {

    private ClusterStateRecordsAccess() {
    }

    /** @param records on a test's client @return the public records on them */
    public static ClusterStateRecords of(StateRecords records) {
        return ClusterStateRecords.of(records);
    }
}
