package io.datastores.backup.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import io.datastores.backup.domain.Backup;
import io.datastores.backup.domain.BackupState;
import io.datastores.backup.domain.RestorePlan;
import io.datastores.backup.domain.RestoreWindow;
import io.datastores.backup.domain.Segment;
import io.datastores.backup.topology.BackupTopology;
import io.datastores.contract.Topics;
import io.datastores.events.BackupScheduleSet;
import io.datastores.service.Problem;
import io.datastores.service.QueryableStores;
import io.datastores.service.routing.KeyedRead;
import io.datastores.service.commands.Command;
import io.datastores.service.commands.CommandGateway;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.SerdeImport;
import io.datastores.service.api.TokenProtected;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * Backups per instance: {@code GET /instances/{id}/backups} (schedule, backups, logs, alarms),
 * {@code GET /instances/{id}/restore-window} (oldest retained full backup to latest archived log),
 * {@code GET /instances/{id}/restore-plan?at=ISO-8601} (base backup and log range to restore to that
 * moment; 422 with the window when it is outside), {@code PUT /instances/{id}/backup-schedule}
 * (an operator's minute of the day for the daily full backup).
 */
@Controller("/instances")
@SerdeImport(Backup.class)
@SerdeImport(Segment.class)
@SerdeImport(io.datastores.backup.domain.BackupPolicy.class)
@SerdeImport(RestoreWindow.class)
@SerdeImport(RestorePlan.class)
@TokenProtected
public class BackupController {

    private final QueryableStores stores;
    private final CommandGateway commands;

    public BackupController(QueryableStores stores, CommandGateway commands) {
        this.stores = stores;
        this.commands = commands;
    }

    /** The body of a schedule override: minute of the day (UTC), or null for the spread default. */
    @io.micronaut.serde.annotation.Serdeable
    public record Schedule(@io.micronaut.core.annotation.Nullable @Schema(minimum = "0", maximum = "1439",
            example = "90", description = "minute of the day (UTC); null for the spread default")
            Integer minuteOfDay) {
    }

    /** The answer to an accepted override. */
    @io.micronaut.serde.annotation.Serdeable
    public record Accepted(String instanceId, Integer minuteOfDay, String eventId) {
    }

    /** {@code PUT /instances/{id}/backup-schedule {"minuteOfDay": 90}}: the daily full backup runs at 01:30 UTC. */
    @KeyedRead(store = BackupTopology.STORE)
    @io.micronaut.http.annotation.Put("/{id}/backup-schedule")
    @ApiResponse(responseCode = "202", description = "the override is on its way to backup-service's decider",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Accepted.class)))
    @ApiResponse(responseCode = "400", description = "minuteOfDay is outside 0..1439",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "404", description = "backup-service does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> schedule(@PathVariable String id, @io.micronaut.http.annotation.Body Schedule body)
            throws Exception {
        Integer minute = body == null ? null : body.minuteOfDay();
        if (minute != null && (minute < 0 || minute >= 24 * 60)) {
            return HttpResponse.badRequest(new Problem("minuteOfDay must be from 0 to 1439 (UTC), or null"));
        }
        Optional<ReadOnlyKeyValueStore<String, BackupState>> store = stores.store(BackupTopology.STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(BackupTopology.STORE);
        }
        if (store.get().get(id) == null) {
            return HttpResponse.notFound(new Problem("no backups for " + id));
        }
        // the decision changes only backup-service's state (no event to wait for): accepted once appended
        String requestId = UUID.randomUUID().toString();
        commands.send(Command.to(Topics.BACKUP_COMMANDS, id, requestId, new BackupScheduleSet(id, minute)));
        return HttpResponse.accepted().body(new Accepted(id, minute, requestId));
    }

    @KeyedRead(store = BackupTopology.STORE)
    @Get("/{id}/backups")
    @ApiResponse(responseCode = "200", description = "the schedule, backups, archived logs and alarms",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = BackupsView.class)))
    @ApiResponse(responseCode = "404", description = "backup-service does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> backups(@PathVariable String id) {
        return withState(id, state -> HttpResponse.ok(BackupsView.from(state)));
    }

    @KeyedRead(store = BackupTopology.STORE)
    @Get("/{id}/restore-window")
    @ApiResponse(responseCode = "200", description = "the oldest retained full backup to the latest archived log",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = RestoreWindow.class)))
    @ApiResponse(responseCode = "404", description = "backup-service does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> window(@PathVariable String id) {
        return withState(id, state -> HttpResponse.ok(state.window(id)));
    }

    @KeyedRead(store = BackupTopology.STORE)
    @Get("/{id}/restore-plan")
    @ApiResponse(responseCode = "200", description = "the base backup and the log range that restore to the moment",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = RestorePlan.class)))
    @ApiResponse(responseCode = "404", description = "backup-service does not know the instance",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    @ApiResponse(responseCode = "422", description = "the moment is outside the restore window, which the reason names",
            content = @Content(mediaType = TokenProtected.JSON,
                    schema = @Schema(implementation = Problem.class)))
    public HttpResponse<?> plan(@PathVariable String id, @QueryValue String at) {
        Instant target;
        try {
            target = Instant.parse(at);
        } catch (DateTimeParseException e) {
            return HttpResponse.badRequest(new Problem("at must be an ISO-8601 instant, e.g. 2026-11-22T10:15:00Z"));
        }
        return withState(id, state -> {
            RestorePlan.Result result = RestorePlan.of(state, id, target);
            return result.plan().<HttpResponse<?>>map(HttpResponse::ok)
                    .orElseGet(() -> HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY)
                            .body(new Problem(result.refusal())));
        });
    }

    private HttpResponse<?> withState(String id, java.util.function.Function<BackupState, HttpResponse<?>> answer) {
        Optional<ReadOnlyKeyValueStore<String, BackupState>> store = stores.store(BackupTopology.STORE);
        if (store.isEmpty()) {
            return QueryableStores.unavailable(BackupTopology.STORE);
        }
        BackupState state = store.get().get(id);
        return state == null ? HttpResponse.notFound(new Problem("no backups for " + id)) : answer.apply(state);
    }
}
