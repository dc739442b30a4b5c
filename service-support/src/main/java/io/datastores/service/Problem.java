package io.datastores.service;

import io.micronaut.serde.annotation.Serdeable;

/** The body of every HTTP error the services answer: what went wrong, in words. */
@Serdeable
public record Problem(String error) {
}
