package io.datastores.service;

import org.apache.kafka.streams.errors.InvalidStateStoreException;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * A state store that stops being queryable while a read is under way (its partitions are moving to
 * another instance, or being restored) answers 503 with the reason, not 500.
 */
@Produces
@Singleton
@Requires(classes = {InvalidStateStoreException.class, ExceptionHandler.class})
public class StoreUnavailableHandler implements ExceptionHandler<InvalidStateStoreException, HttpResponse<Problem>> {

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, InvalidStateStoreException exception) {
        return HttpResponse.<Problem>status(HttpStatus.SERVICE_UNAVAILABLE)
                .body(new Problem("state is moving or being restored (" + exception.getMessage() + "); retry shortly"));
    }
}
