package io.datastores.backup.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.datastores.kit.decider.Timer;

/**
 * One instance's backups through simulated time, with a data plane that completes every requested
 * full backup 30 minutes later (encrypted) and archives a log segment every 5 minutes. Steps of 5
 * minutes; after each, {@code check} may assert invariants.
 */
final class Simulation {

    static final Instant START = Instant.parse("2026-01-05T08:17:00Z");
    static final Duration STEP = Duration.ofMinutes(5);
    static final Duration BACKUP_TAKES = Duration.ofMinutes(30);

    final String id = "inst-sim";
    final BackupDecider decider = new BackupDecider(Duration.ofDays(7));
    final List<BackupEvent> log = new ArrayList<>();
    BackupState state = decider.initialState();
    Instant now = START;
    long position;
    int segment;
    boolean dataPlaneCompletes = true;
    boolean archiving = true;
    private final List<Object[]> inFlight = new ArrayList<>();

    Simulation(BackupPolicy policy) {
        apply(new BackupCommand.Track(id, Engine.POSTGRESQL, policy), now);
        apply(new BackupCommand.Serve(id), now);
    }

    List<BackupEvent> apply(BackupCommand command, Instant at) {
        List<BackupEvent> events = decider.decide(command, state, at);
        state = decider.fold(state, events);
        for (BackupEvent e : events) {
            log.add(e);
            if (e instanceof BackupEvent.Requested r) {
                inFlight.add(new Object[] {r.backupId(), at, position});
            }
        }
        return events;
    }

    /** Runs for {@code d}, checking after every step. */
    void run(Duration d, Consumer<Simulation> check) {
        Instant end = now.plus(d);
        while (now.isBefore(end)) {
            now = now.plus(STEP);
            Timer<BackupCommand, BackupState> timer = decider::due;
            timer.next(id, state).ifPresent(next -> { // the shell finds due instances by it
                if (decider.due(id, state, next.minusMillis(1)).isPresent()
                        || !decider.due(id, state, next).map(Timer.Due::at).equals(Optional.of(next))) {
                    throw new AssertionError("the timer is not monotone at " + next + " for " + state);
                }
            });
            // as the shell does (DeciderProcessor.fireDue): a due deciding nothing ends the asking
            for (var due = decider.due(id, state, now); due.isPresent();
                    due = decider.due(id, state, now)) {
                Timer.Due<BackupCommand> owed = due.get();
                if (apply(owed.command(), owed.at()).isEmpty()) {
                    break;
                }
            }
            position += 1000;
            if (archiving) {
                segment++;
                apply(new BackupCommand.Archived(id, "seg-" + segment, position - 1000, position, now), now);
            }
            for (Object[] f : List.copyOf(inFlight)) {
                Instant started = (Instant) f[1];
                if (dataPlaneCompletes && !now.isBefore(started.plus(BACKUP_TAKES))) {
                    inFlight.remove(f);
                    apply(new BackupCommand.Completed(id, (String) f[0], started, started.plus(BACKUP_TAKES), 1000,
                            "sha256:x", "key-1", (Long) f[2], position), now);
                }
            }
            check.accept(this);
        }
    }

    <T> List<T> logged(Class<T> type) {
        return log.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
