package io.datastores.failover.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What failover knows of one instance: its nodes' health, the fencing epoch, the newest restore
 * point, the failover in progress and the last ones done.
 *
 * @param instance which instance, and how failover watches it
 * @param epoch the fencing epoch: rises with each promotion or restore; 1 when provisioned
 * @param replacements how many replacement nodes failover has asked for (numbers their ids)
 * @param nodes the instance's live nodes: serving, suspected, pending, fenced, or lost and not yet
 *     replaced
 * @param forgottenLost lost nodes forgotten from {@code nodes} once no replacement of theirs is
 *     awaited any more (it is up, or it was dropped), the newest last and at most
 *     {@value #FORGOTTEN_LOST}: see {@link #forget(String)}
 */
public record InstanceHealth(Instance instance, long epoch, List<Node> nodes,
        RestorePoint restorePoint, Failover active, List<Failover> history, int replacements,
        List<String> retired, List<Node> forgottenLost) {

    /**
     * How many removed nodes (decommissioned, cancelled replacements) are remembered, to ignore
     * late heartbeats.
     */
    static final int RETIRED = 8;

    public InstanceHealth {
        retired = retired == null ? List.of() : List.copyOf(retired);
        forgottenLost = forgottenLost == null ? List.of() : List.copyOf(forgottenLost);
    }

    /**
     * Which instance, and whether and how failover watches it, as provisioning published it.
     *
     * @param tracked whether provisioning named it (a heartbeat of an unknown one is not enough)
     * @param deleted whether it was deleted since
     * @param tier the plan's tier
     * @param nodeCount how many nodes its plan has
     * @param serviceHost the host name its clients connect to
     */
    public record Instance(String instanceId, boolean tracked, boolean deleted, String region,
            String plan, Tier tier, int nodeCount, String serviceHost) {

        /** No instance yet: nothing provisioning published was heard. */
        static final Instance NONE = new Instance(null, false, false, null, null, null, 0, null);
    }

    public String instanceId() {
        return instance.instanceId();
    }

    public boolean tracked() {
        return instance.tracked();
    }

    public boolean deleted() {
        return instance.deleted();
    }

    public String region() {
        return instance.region();
    }

    public String plan() {
        return instance.plan();
    }

    public Tier tier() {
        return instance.tier();
    }

    public int nodeCount() {
        return instance.nodeCount();
    }

    public String serviceHost() {
        return instance.serviceHost();
    }

    /**
     * The same, remembering that {@code nodeId} was removed: its heartbeats still in flight then
     * change nothing (without it, one would be watched anew and its silence taken for a loss).
     */
    InstanceHealth withRetired(String nodeId) {
        java.util.List<String> r = new java.util.ArrayList<>(retired);
        r.remove(nodeId);
        r.add(nodeId);
        return new InstanceHealth(instance, epoch, nodes, restorePoint, active, history,
                replacements, r.subList(Math.max(0, r.size() - RETIRED), r.size()), forgottenLost);
    }

    /**
     * How many forgotten lost nodes are remembered. Beyond it the oldest goes for good: its return,
     * after so many later losses, would be watched as an unknown node's, as a removed node's is
     * beyond {@link #RETIRED}.
     */
    static final int FORGOTTEN_LOST = 8;

    /**
     * The same, without the lost node {@code nodeId} among the live nodes: its replacement is up,
     * or no replacement of it is coming. The failover history keeps what it was (its id, zone and
     * ip); the node itself, as it was when lost, moves to {@link #forgottenLost}, bounded. There it
     * is still one of the instance's nodes for every question asked by its id ({@link
     * #node(String)}): a late heartbeat of it is fenced (not watched anew as an unknown node's), a
     * failure report of it is ignored as handled once, a diagnosis of it changes nothing, and
     * provisioning naming it again does not watch it anew. Once fenced it is a live node again
     * ({@link #fenced(String)}), which the data plane rewinds and brings back as a standby, and it
     * rejoins as before. Of the questions asked of all nodes, only two see forgotten ones, so that
     * what they decide is unchanged: the highest position reported (a failover's primary position)
     * and a promotion demoting any other primary. So the live nodes are the plan's, plus those lost
     * and still awaiting their replacement, however many failovers the instance went through.
     */
    InstanceHealth forget(String nodeId) {
        Optional<Node> lost = nodes.stream()
                .filter(n -> n.nodeId().equals(nodeId) && n.status() == Status.LOST).findFirst();
        if (lost.isEmpty()) {
            return this;
        }
        List<Node> f = new ArrayList<>(forgottenLost);
        f.add(lost.get());
        return withNodes(nodes.stream().filter(n -> !n.nodeId().equals(nodeId)).toList())
                .withForgottenLost(f.subList(Math.max(0, f.size() - FORGOTTEN_LOST), f.size()));
    }

    /**
     * The same, with the node {@code nodeId} fenced: a forgotten lost node is a live node again,
     * the last of them (not where it was first known: what is decided for several live nodes at
     * one instant, such as their suspicions, then comes in that order).
     */
    InstanceHealth fenced(String nodeId) {
        Optional<Node> back = forgottenLost.stream().filter(n -> n.nodeId().equals(nodeId))
                .findFirst();
        InstanceHealth live = this;
        if (back.isPresent()) {
            List<Node> n = new ArrayList<>(nodes);
            n.add(back.get());
            live = withNodes(n).withForgottenLost(forgottenLost.stream()
                    .filter(x -> !x.nodeId().equals(nodeId)).toList());
        }
        return live.withNode(nodeId, x -> x.with(Status.FENCED));
    }

    /** The same, without the node {@code nodeId}, live or forgotten. */
    InstanceHealth without(String nodeId) {
        return withNodes(nodes.stream().filter(n -> !n.nodeId().equals(nodeId)).toList())
                .withForgottenLost(forgottenLost.stream().filter(n -> !n.nodeId().equals(nodeId))
                        .toList());
    }

    InstanceHealth withForgottenLost(List<Node> f) {
        return new InstanceHealth(instance, epoch, nodes, restorePoint, active, history,
                replacements, retired, f);
    }

    /** How many finished failovers are kept per instance. */
    public static final int HISTORY = 20;

    public enum Status {
        /** Heard from within the heartbeat timeout. */
        HEALTHY,
        /** Silent beyond the timeout; the region's guard decides. */
        SUSPECTED,
        /** Declared lost; replaced. */
        LOST,
        /** Claimed a role it no longer has; demoted and rebuilt. */
        FENCED,
        /**
         * Asked for and not up yet: a node provisioning asked for ({@link Node#expected()}), or a
         * replacement failover asked for.
         */
        PENDING
    }

    /**
     * One node: which, its role and status, where it runs ({@link Placement}), what its heartbeats
     * told ({@link Heard}), how steady it has been ({@link Stability}), the epoch it last reported,
     * and the node a replacement was asked for in place of ({@code replacesNodeId}; null for the
     * nodes provisioning planned). Its accessors named after the fields of its parts read them
     * (such as {@link #lastHeartbeatAt()}). A part with nothing in it is absent: {@code heard} is
     * null until the node is heard or watched, and in the state stored apart from what heartbeats
     * change ({@link HeartbeatSplit}); {@code stability} is null while the node was never heard
     * back after a suspicion and had no minor failure.
     */
    public record Node(String nodeId, Role role, Placement placement, Status status, Heard heard,
            Stability stability, long epoch, String replacesNodeId) {

        public Node {
            heard = Heard.NONE.equals(heard) ? null : heard;
            stability = Stability.NONE.equals(stability) ? null : stability;
        }

        /** Where a node runs: its zone and ip (null while no one named them yet). */
        public record Placement(String zone, String ip) {
        }

        /**
         * What heartbeats change of a node, the part of it stored apart ({@link HeartbeatSplit}):
         * when it was last heard, since when its silence counts ({@code watchSince}: its last
         * heartbeat, or when it was planned, came up or had a suspicion dismissed) and the highest
         * position it reported.
         */
        public record Heard(Instant lastHeartbeatAt, Instant watchSince, long position) {

            /** Never heard nor watched. */
            static final Heard NONE = new Heard(null, null, 0);
        }

        /**
         * How steady a node has been: when it was last heard again after a suspicion
         * ({@code healthySince}, for hysteresis), and its recent minor failures.
         */
        public record Stability(Instant healthySince, List<Instant> minorFailures) {

            /** Never heard back after a suspicion, no minor failure. */
            static final Stability NONE = new Stability(null, List.of());

            public Stability {
                minorFailures = minorFailures == null ? List.of() : List.copyOf(minorFailures);
            }
        }

        public String zone() {
            return placement == null ? null : placement.zone();
        }

        public String ip() {
            return placement == null ? null : placement.ip();
        }

        public Instant lastHeartbeatAt() {
            return heard == null ? null : heard.lastHeartbeatAt();
        }

        public Instant watchSince() {
            return heard == null ? null : heard.watchSince();
        }

        public long position() {
            return heard == null ? 0 : heard.position();
        }

        public Instant healthySince() {
            return stability == null ? null : stability.healthySince();
        }

        public List<Instant> minorFailures() {
            return stability == null ? List.of() : stability.minorFailures();
        }

        boolean watched() {
            return status == Status.HEALTHY || status == Status.SUSPECTED;
        }

        /**
         * A node provisioning asked for that is not up yet: known in its role and zone, not watched
         * (no silence counts), but lost if it says so itself (SEVERE) or another service does.
         */
        boolean expected() {
            return status == Status.PENDING && replacesNodeId == null;
        }

        Node with(Status s) {
            return new Node(nodeId, role, placement, s, heard, stability, epoch, replacesNodeId);
        }

        Node withRole(Role r) {
            return new Node(nodeId, r, placement, status, heard, stability, epoch, replacesNodeId);
        }

        Node withPlacement(Placement p) {
            return new Node(nodeId, role, p, status, heard, stability, epoch, replacesNodeId);
        }

        /** The same, with what heartbeats change replaced by {@code h} (null: nothing). */
        Node withHeard(Heard h) {
            return new Node(nodeId, role, placement, status, h, stability, epoch, replacesNodeId);
        }

        Node withStability(Stability s) {
            return new Node(nodeId, role, placement, status, heard, s, epoch, replacesNodeId);
        }

        /** Its silence counts from {@code at} on, if that is later than it counted from. */
        Node watchedFrom(Instant at) {
            Instant since = watchSince();
            Instant from = since == null || at.isAfter(since) ? at : since;
            return withHeard(new Heard(lastHeartbeatAt(), from, position()));
        }
    }

    /** The newest restore point backup-service published. */
    public record RestorePoint(Instant lastArchivedAt, long lastArchivedPosition,
            String latestBackupId) {
    }

    /** A phase of a failover as it happened. */
    public record Phase(PhaseName name, Instant at, String detail) {
    }

    /** Who asked for a planned switchover, and to which standby. */
    public record Switchover(String targetNodeId, String requestId, String requestedBy) {
    }

    /**
     * The real data loss of a failover, measured when its lost primary was rewound: the bytes it
     * discarded past {@code divergedAt}, against the {@code estimatedBytes} the failover reported.
     */
    public record MeasuredLoss(String nodeId, long lostBytes, long divergedAt,
            long estimatedBytes, String method, Instant at) {
    }

    /**
     * One failover, in progress or done. {@code kind}: PROMOTION, RESTORE or SWITCHOVER (planned;
     * {@code failedNodeId} is then the old primary, {@code failedAt} when it started and
     * {@code waitUntil} when it times out). {@code state}: STARTED, SWITCHING (a switchover the
     * data plane prepares), BLOCKED, PROMOTED, RESTORING, COMPLETED, ABORTED (a switchover that
     * did not happen) or SUPERSEDED (the node it promoted was lost too; the next failover took
     * over). Its accessors named after the fields of its parts read them (such as
     * {@link #failedNodeId()}).
     *
     * @param failure the node lost (or left, by a switchover), why and when
     * @param promotion the node that took over, or the restore, and the epochs
     * @param outcome how it ended: data loss and timings
     */
    public record Failover(String failoverId, FailoverKind kind, FailoverState state,
            Failure failure, Instant waitUntil, Promotion promotion, Outcome outcome,
            List<Phase> phases, Switchover switchover, MeasuredLoss measuredLoss) {

        /**
         * A failover starting: for {@code failure}, at {@code epoch}, with no phase yet (a planned
         * switchover's waits until {@code waitUntil}).
         */
        static Failover started(String failoverId, FailoverKind kind, FailoverState state,
                Failure failure, Instant waitUntil, long epoch) {
            return new Failover(failoverId, kind, state, failure, waitUntil,
                    new Promotion(null, null, null, null, epoch, epoch),
                    new Outcome(0, null, null, null, null, null, ""), List.of(), null, null);
        }

        /**
         * The node lost: its id, zone and ip, why, who saw it, when it failed and was detected,
         * and the highest position any node had reported then.
         */
        public record Failure(String failedNodeId, String failedZone, String failedIp,
                String reason, DetectionSource detectedBy, Instant failedAt, Instant detectedAt,
                long primaryPosition) {
        }

        /**
         * The node promoted and when, the replacement asked for (or the node restored to the
         * restore point {@code restorePointAt}), and the fencing epoch before and after.
         */
        public record Promotion(String promotedNodeId, Instant promotedAt,
                String replacementNodeId, Instant restorePointAt, long fromEpoch, long toEpoch) {

            Promotion promoted(String nodeId, Instant at, long epoch) {
                return new Promotion(nodeId, at, replacementNodeId, restorePointAt, fromEpoch,
                        epoch);
            }

            Promotion replacedBy(String nodeId, Instant restorePoint, long epoch) {
                return new Promotion(promotedNodeId, promotedAt, nodeId, restorePoint, fromEpoch,
                        epoch);
            }
        }

        /**
         * How it ended: the data lost (estimated) and the window it covers, when it completed,
         * how long detection, promotion and the unavailability took, and a note.
         */
        public record Outcome(long dataLossBytes, Long dataLossWindowMillis, Instant completedAt,
                Long detectionMillis, Long promotionMillis, Long unavailableMillis, String note) {
        }

        public String failedNodeId() {
            return failure.failedNodeId();
        }

        public String failedZone() {
            return failure.failedZone();
        }

        public String failedIp() {
            return failure.failedIp();
        }

        public String reason() {
            return failure.reason();
        }

        public DetectionSource detectedBy() {
            return failure.detectedBy();
        }

        public Instant failedAt() {
            return failure.failedAt();
        }

        public Instant detectedAt() {
            return failure.detectedAt();
        }

        public long primaryPosition() {
            return failure.primaryPosition();
        }

        public String promotedNodeId() {
            return promotion.promotedNodeId();
        }

        public Instant promotedAt() {
            return promotion.promotedAt();
        }

        public String replacementNodeId() {
            return promotion.replacementNodeId();
        }

        public Instant restorePointAt() {
            return promotion.restorePointAt();
        }

        public long fromEpoch() {
            return promotion.fromEpoch();
        }

        public long toEpoch() {
            return promotion.toEpoch();
        }

        public long dataLossBytes() {
            return outcome.dataLossBytes();
        }

        public Long dataLossWindowMillis() {
            return outcome.dataLossWindowMillis();
        }

        public Instant completedAt() {
            return outcome.completedAt();
        }

        public Long detectionMillis() {
            return outcome.detectionMillis();
        }

        public Long promotionMillis() {
            return outcome.promotionMillis();
        }

        public Long unavailableMillis() {
            return outcome.unavailableMillis();
        }

        public String note() {
            return outcome.note();
        }

        /** A planned switchover (not a getter: the JSON of the state holds {@code kind}). */
        public boolean plannedSwitchover() {
            return kind == FailoverKind.SWITCHOVER;
        }

        private Failover with(FailoverState s, Instant until, Promotion p, Outcome o) {
            return new Failover(failoverId, kind, s, failure, until, p, o, phases, switchover,
                    measuredLoss);
        }

        Failover withSwitchover(Switchover s) {
            return new Failover(failoverId, kind, state, failure, waitUntil, promotion, outcome,
                    phases, s, measuredLoss);
        }

        Failover withMeasuredLoss(MeasuredLoss m) {
            return new Failover(failoverId, kind, state, failure, waitUntil, promotion, outcome,
                    phases, switchover, m);
        }

        /** The switchover ended without a promotion. */
        Failover aborted(Instant at, String why) {
            Outcome o = outcome;
            return with(FailoverState.ABORTED, null, promotion, new Outcome(o.dataLossBytes(),
                    o.dataLossWindowMillis(), at, o.detectionMillis(), o.promotionMillis(),
                    o.unavailableMillis(), why));
        }

        Failover withState(FailoverState s) {
            return with(s, waitUntil, promotion, outcome);
        }

        Failover phase(PhaseName name, Instant at, String detail) {
            List<Phase> p = new ArrayList<>(phases);
            p.add(new Phase(name, at, detail));
            return new Failover(failoverId, kind, state, failure, waitUntil, promotion, outcome,
                    List.copyOf(p), switchover, measuredLoss);
        }

        Failover blocked(Instant until) {
            return with(FailoverState.BLOCKED, until, promotion, outcome);
        }

        Failover promoted(String nodeId, Instant at, long epoch, long lossBytes) {
            Outcome o = outcome;
            return with(FailoverState.PROMOTED, null, promotion.promoted(nodeId, at, epoch),
                    new Outcome(lossBytes, o.dataLossWindowMillis(), o.completedAt(),
                            o.detectionMillis(), o.promotionMillis(), o.unavailableMillis(),
                            o.note()));
        }

        Failover restoring(String nodeId, Instant restorePoint, long epoch) {
            return new Failover(failoverId, FailoverKind.RESTORE, FailoverState.RESTORING,
                    failure, null, promotion.replacedBy(nodeId, restorePoint, epoch), outcome,
                    phases, switchover, measuredLoss);
        }

        Failover replacedBy(String nodeId) {
            Promotion p = promotion;
            return with(state, waitUntil, p.replacedBy(nodeId, p.restorePointAt(), p.toEpoch()),
                    outcome);
        }

        Failover completed(FailoverEvent.Completed c) {
            Promotion p = promotion;
            return with(FailoverState.COMPLETED, null, p.promoted(c.primaryNodeId(),
                    p.promotedAt(), c.epoch()), new Outcome(c.dataLossBytes(),
                    c.dataLossWindowMillis(), c.completedAt(), c.detectionMillis(),
                    c.promotionMillis(), c.unavailableMillis(), c.note()));
        }
    }

    public static InstanceHealth initial() {
        return new InstanceHealth(Instance.NONE, 1, List.of(), null, null, List.of(), 0, List.of(),
                List.of());
    }

    /** The node {@code nodeId}: a live one, or a lost one forgotten since its replacement. */
    public Optional<Node> node(String nodeId) {
        Optional<Node> live = nodes.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst();
        return live.isPresent() ? live
                : forgottenLost.stream().filter(n -> n.nodeId().equals(nodeId)).findFirst();
    }

    /** The node failover holds to be primary now, if it is not lost. */
    public Optional<Node> primary() {
        return nodes.stream().filter(n -> n.role() == Role.PRIMARY && n.watched()).findFirst();
    }

    /** Nodes the region's guard counts: watched nodes of a tracked, live instance. */
    int countedNodes() {
        return tracked() && !deleted() ? (int) nodes.stream().filter(Node::watched).count() : 0;
    }

    /** The highest replication position any node of the instance reported (forgotten ones too). */
    long highestPosition() {
        return Math.max(nodes.stream().mapToLong(Node::position).max().orElse(0),
                forgottenLost.stream().mapToLong(Node::position).max().orElse(0));
    }

    InstanceHealth withNodes(List<Node> n) {
        return new InstanceHealth(instance, epoch, List.copyOf(n), restorePoint, active, history,
                replacements, retired, forgottenLost);
    }

    /** With {@code change} applied to the node {@code nodeId}, live or forgotten. */
    InstanceHealth withNode(String nodeId, UnaryOperator<Node> change) {
        return withEveryNode(n -> n.nodeId().equals(nodeId) ? change.apply(n) : n);
    }

    /** With {@code change} applied to every node, live or forgotten. */
    InstanceHealth withEveryNode(UnaryOperator<Node> change) {
        return withNodes(nodes.stream().map(change).toList())
                .withForgottenLost(forgottenLost.stream().map(change).toList());
    }

    InstanceHealth withActive(Failover f) {
        return new InstanceHealth(instance, epoch, nodes, restorePoint, f, history, replacements,
                retired, forgottenLost);
    }

    /** Adds a phase to the active failover; without a time, at the time of its last phase. */
    InstanceHealth withActivePhase(PhaseName name, Instant at, String detail) {
        if (active == null) {
            return this;
        }
        Instant when = at != null || active.phases().isEmpty() ? at
                : active.phases().get(active.phases().size() - 1).at();
        return withActive(active.phase(name, when, detail));
    }

    /** The failover with this id, in progress or in the history. */
    public Optional<Failover> failover(String failoverId) {
        if (active != null && active.failoverId().equals(failoverId)) {
            return Optional.of(active);
        }
        return history.stream().filter(f -> f.failoverId().equals(failoverId)).findFirst();
    }

    /** With {@code change} applied to the failover {@code failoverId}, active or in the history. */
    InstanceHealth withFailover(String failoverId, UnaryOperator<Failover> change) {
        if (active != null && active.failoverId().equals(failoverId)) {
            return withActive(change.apply(active));
        }
        return new InstanceHealth(instance, epoch, nodes, restorePoint, active, history.stream()
                .map(f -> f.failoverId().equals(failoverId) ? change.apply(f) : f).toList(),
                replacements, retired, forgottenLost);
    }

    /** Moves the active failover to the history (newest first, bounded). */
    InstanceHealth finish(Failover done) {
        List<Failover> h = new ArrayList<>();
        h.add(done);
        h.addAll(history);
        return new InstanceHealth(instance, epoch, nodes, restorePoint, null,
                List.copyOf(h.subList(0, Math.min(HISTORY, h.size()))), replacements, retired,
                forgottenLost);
    }

    InstanceHealth withEpoch(long e) {
        return new InstanceHealth(instance, e, nodes, restorePoint, active, history, replacements,
                retired, forgottenLost);
    }

    InstanceHealth withRestorePoint(RestorePoint p) {
        return new InstanceHealth(instance, epoch, nodes, p, active, history, replacements,
                retired, forgottenLost);
    }

    InstanceHealth withReplacements(int r) {
        return new InstanceHealth(instance, epoch, nodes, restorePoint, active, history, r,
                retired, forgottenLost);
    }

    InstanceHealth tracking(String id, String r, String p, Tier t, int count, String host) {
        return new InstanceHealth(new Instance(id, true, deleted(), r, p, t, count, host), epoch,
                nodes, restorePoint, active, history, replacements, retired, forgottenLost);
    }

    InstanceHealth untracked() {
        // Its nodes go with it: whether a last heartbeat was read just before the deletion or just
        // after (two topics, read in arrival order live and in timestamp order by a replay), the
        // state is the same.
        Instance i = instance;
        return new InstanceHealth(new Instance(i.instanceId(), i.tracked(), true, i.region(),
                i.plan(), i.tier(), i.nodeCount(), i.serviceHost()), epoch, List.of(), restorePoint,
                active, history, replacements, retired, List.of());
    }
}
