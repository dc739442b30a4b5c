package io.datastores.service;

import java.util.stream.Collectors;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

/**
 * The errors Micronaut answers itself (an unknown route, a method not allowed, a parameter that does
 * not convert, a missing body) carry the same {@link Problem} body as the services' own errors, so
 * that a client and the OpenAPI document know one error shape.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
public class ProblemErrorBodies implements JsonErrorResponseBodyProvider<Problem> {

    @Override
    public Problem body(ErrorContext context, HttpResponse<?> response) {
        String message = context.getErrors().stream()
                .map(io.micronaut.http.server.exceptions.response.Error::getMessage)
                .collect(Collectors.joining("; "));
        return new Problem(message.isEmpty() ? response.reason() : message);
    }
}
