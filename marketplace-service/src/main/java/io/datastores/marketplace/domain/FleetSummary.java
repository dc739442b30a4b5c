package io.datastores.marketplace.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One organization's fleet at a glance: how many instances, by status, engine and plan, how many have
 * a backup window, and which are in a failover. Deleted instances are not counted.
 * <p>
 * It is kept up to date from each change of an {@link InstanceView} (take out the old view's share,
 * add the new one's), so a dashboard's summary costs a few small reads, not a pass over the fleet.
 * Each partition keeps the summary of its own instances; {@link #merge} adds them up.
 */
public record FleetSummary(String organizationId, long instances, Map<InstanceView.Status, Long> byStatus,
        Map<Engine, Long> byEngine, Map<String, Long> byPlan, long withBackupWindow, List<InFailover> inFailover) {

    /** An instance whose last failover is still in progress. */
    public record InFailover(String instanceId, String displayName, InstanceView.FailoverKind kind,
            String failedNodeId) {
    }

    public FleetSummary {
        byStatus = new TreeMap<>(byStatus);
        byEngine = new TreeMap<>(byEngine);
        byPlan = new TreeMap<>(byPlan);
        inFailover = inFailover.stream().sorted(Comparator.comparing(InFailover::instanceId)).toList();
    }

    public static FleetSummary empty(String organizationId) {
        return new FleetSummary(organizationId, 0, Map.of(), Map.of(), Map.of(), 0, List.of());
    }

    /** The summary after one instance's view went from {@code before} (null if new) to {@code after}. */
    public FleetSummary change(InstanceView before, InstanceView after) {
        return add(before, -1).add(after, +1);
    }

    /**
     * Whether the change leaves every count and the failover list as they were (a new backup window
     * end, a node's address): most view changes do, and need no write of the summary.
     */
    public static boolean sameShare(InstanceView before, InstanceView after) {
        return java.util.Objects.equals(Share.of(before), Share.of(after));
    }

    /** What one view adds to a summary: the counts it is in, and its failover if one is in progress. */
    private record Share(InstanceView.Status status, Engine engine, String plan, boolean windowed,
            InFailover failing) {

        /** Null for a view that adds nothing (none, or deleted). */
        static Share of(InstanceView v) {
            if (v == null || v.status() == InstanceView.Status.DELETED) {
                return null;
            }
            boolean failing = v.failover() != null && v.failover().state() == InstanceView.Progress.IN_PROGRESS;
            return new Share(v.status(), v.offering().engine(), v.offering().plan(), v.backupWindow() != null,
                    failing ? new InFailover(v.instanceId(), v.offering().displayName(), v.failover().kind(),
                            v.failover().failedNodeId()) : null);
        }
    }

    /** No instance is counted: nothing worth keeping. */
    public boolean isEmpty() {
        return instances == 0 && inFailover.isEmpty();
    }

    /** The two summaries added up (two partitions, or two organizations for an operator). */
    public FleetSummary merge(FleetSummary other) {
        List<InFailover> failing = new ArrayList<>(inFailover);
        failing.addAll(other.inFailover);
        return new FleetSummary(organizationId.equals(other.organizationId) ? organizationId : "*",
                instances + other.instances, sum(byStatus, other.byStatus, 1), sum(byEngine, other.byEngine, 1),
                sum(byPlan, other.byPlan, 1), withBackupWindow + other.withBackupWindow, failing);
    }

    private FleetSummary add(InstanceView v, int sign) {
        Share share = Share.of(v);
        if (share == null) {
            return this;
        }
        List<InFailover> failing = new ArrayList<>(inFailover);
        failing.removeIf(f -> f.instanceId().equals(v.instanceId()));
        if (sign > 0 && share.failing() != null) {
            failing.add(share.failing());
        }
        return new FleetSummary(organizationId, instances + sign, sum(byStatus, Map.of(share.status(), 1L), sign),
                sum(byEngine, Map.of(share.engine(), 1L), sign), sum(byPlan, Map.of(share.plan(), 1L), sign),
                withBackupWindow + (share.windowed() ? sign : 0), failing);
    }

    /** {@code a} plus {@code sign} times {@code b}; a count that reaches zero is dropped. */
    private static <K> Map<K, Long> sum(Map<K, Long> a, Map<K, Long> b, int sign) {
        Map<K, Long> out = new TreeMap<>(a);
        b.forEach((k, n) -> out.merge(k, sign * n, (x, y) -> x + y == 0 ? null : x + y));
        return out;
    }
}
