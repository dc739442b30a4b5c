/**
 * HTTP endpoints and OpenAPI pieces every service shares: its generated OpenAPI document at
 * {@code /openapi.json}, the stores' digests for operators, the token-protected routes' error answers
 * ({@code @TokenProtected}) and the documents' common text.
 */
package io.datastores.service.api;
