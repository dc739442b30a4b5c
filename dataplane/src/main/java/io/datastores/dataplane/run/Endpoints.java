package io.datastores.dataplane.run;

import java.util.List;

/** The instances' stable endpoints (a process of their own, so they outlive the data plane's restarts). */
public interface Endpoints {

    /** Creates or updates an instance's endpoint; a null target port refuses connections until one is set. */
    void put(String instanceId, int port, Integer targetPort, List<String> allowlist);

    /** New connections wait (a planned switchover), at most {@code timeoutMillis}. */
    void pause(String instanceId, long timeoutMillis);

    void resume(String instanceId);

    void delete(String instanceId);
}
