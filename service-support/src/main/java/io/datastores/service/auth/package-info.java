/**
 * Bearer-token (JWT) authentication for every service's HTTP API: micronaut-security-jwt validates,
 * {@code AuthFilter} admits callers and applies the role and organization rules.
 */
package io.datastores.service.auth;
